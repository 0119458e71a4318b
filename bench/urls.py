"""The site's URLs plus the trivial view the load run measures every page against."""

from django.urls import path

from bench.views import trivial
from dudao.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("bench/trivial/", trivial, name="bench_trivial"), *site_urlpatterns]
