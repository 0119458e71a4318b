from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Chinese, unless the user chose another language with the switcher: on this browser (its
    cookie) or, once logged in, on their account. Runs after the authentication middleware.

    Django's own middleware would follow the browser's Accept-Language as well; a county
    office speaks Chinese whatever language the browser was installed with.
    """

    def process_request(self, request):
        user = request.user
        chosen = (
            request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            or (user.language if user.is_authenticated else "")
            or settings.LANGUAGE_CODE
        )
        try:
            language = translation.get_supported_language_variant(chosen)
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class ForcePasswordChangeMiddleware:
    """A user holding a one-time password may only change it (or log out) until they do."""

    allowed_names = frozenset({"password_change", "logout", "set_language", "healthz"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.must_change_password and not self._allowed(request):
            return redirect(reverse("password_change"))
        return self.get_response(request)

    def _allowed(self, request) -> bool:
        if request.path_info.startswith("/static/"):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True
        return match.url_name in self.allowed_names


class PrivateCacheMiddleware:
    """Nothing shown to a logged-in user, and no download, is kept by a shared or disk cache.

    Adds ``Cache-Control: private, no-store`` to every response for a logged-in user that does
    not choose its own caching (photos do, for speed, and are cleared at logout), and to every
    download (``Content-Disposition: attachment``, e.g. the .xlsx exports) whatever it chose.
    Static files are answered by WhiteNoise before this middleware and keep their caching.
    """

    PRIVATE = "private, no-store"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        chosen = response.get("Cache-Control", "")
        if "no-store" in chosen:
            return response
        is_download = response.get("Content-Disposition", "").startswith("attachment")
        if is_download or (not chosen and request.user.is_authenticated):
            response["Cache-Control"] = self.PRIVATE
        return response
