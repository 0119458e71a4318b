"""The yardstick of the load run: one tiny template and one trivial query."""

from django.shortcuts import render

from schools.models import County


def trivial(request):
    return render(request, "bench/trivial.html", {"counties": County.objects.count()})
