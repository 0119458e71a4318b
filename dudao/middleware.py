"""Request checks shared by every page."""

from django.core.exceptions import BadRequest


class RefuseNulInQueryMiddleware:
    """A NUL character in a query parameter is a 400, before any view sees it.

    No form or link of the site produces one, PostgreSQL refuses it in a text value, and every
    list's filters read the query string: one check here keeps them all from a server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                raise BadRequest("NUL character in the query string")
        return self.get_response(request)
