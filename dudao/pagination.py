"""One way to page a list: every list view calls ``paginate`` and includes ``_pagination.html``."""

from django.core.paginator import Page, Paginator

PAGE_SIZE = 25


def paginate(request, queryset, *, per_page: int = PAGE_SIZE) -> Page:
    """The requested page of ``queryset``; a bad or too-high page number gives the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
