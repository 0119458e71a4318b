"""One way to page a list: every list view calls ``paginate`` and includes ``_pagination.html``."""

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

PAGE_SIZE = 25
# No list has that many pages: a bigger number is a slip or tampering, and must not overflow the
# database's LIMIT.
MAX_PAGE_NUMBER = 1_000_000


class LimitedCountPaginator(Paginator):
    """Counts the rows only up to ``limit`` past the start of the requested page, so a list of a
    province's hundreds of thousands of records is not scanned to print its length. Beyond that,
    ``more_than`` holds the number counted up to; the template then says "more than N" and
    offers no last page."""

    def __init__(self, object_list, per_page, *, number: int, limit: int):
        super().__init__(object_list, per_page)
        self.counted_up_to = (number - 1) * per_page + limit

    @cached_property
    def count(self) -> int:
        # One row past the bound tells that there are more. Only the keys: neither the order nor
        # the columns a row shows (annotations) change the count.
        return self.object_list.order_by().values("pk")[: self.counted_up_to + 1].count()

    @property
    def more_than(self) -> int | None:
        return self.counted_up_to if self.count > self.counted_up_to else None


def _requested_number(request) -> int:
    try:
        return min(max(int(request.GET.get("page", "")), 1), MAX_PAGE_NUMBER)
    except ValueError:
        return 1


def paginate(
    request, queryset, *, per_page: int = PAGE_SIZE, count_limit: int | None = None
) -> Page:
    """The requested page of ``queryset``; a bad or too-high page number gives the nearest page.

    With ``count_limit``, rows are counted only that far past the page (see
    ``LimitedCountPaginator``)."""
    if count_limit is None:
        return Paginator(queryset, per_page).get_page(request.GET.get("page"))
    number = _requested_number(request)
    paginator = LimitedCountPaginator(queryset, per_page, number=number, limit=count_limit)
    return paginator.get_page(number)
