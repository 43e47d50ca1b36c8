import re

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest
from django.middleware.gzip import GZipMiddleware
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose another language with the switch (its cookie).

    The browser's Accept-Language is ignored on purpose: a commune office's English-language
    browser should still show the portal in Vietnamese, as the district's documents are.
    """

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code


class DomainErrorMiddleware:
    """A broken domain rule that a view did not turn into a form error becomes a message and a
    way back, never a 500 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.contrib import messages
        from django.http import HttpResponse, HttpResponseRedirect

        from melinh_sxsh.lib.errors import DomainError
        from melinh_sxsh.lib.http import safe_redirect_target

        if not isinstance(exception, DomainError):
            return None
        if getattr(request, "htmx", False):
            response = HttpResponse(exception.message, status=409, content_type="text/plain")
            return response
        messages.error(request, exception.message)
        return HttpResponseRedirect(
            safe_redirect_target(request, request.META.get("HTTP_REFERER"), "/"))


# C0 control characters but tab, line feed and carriage return, and DEL: no form field means
# them, PostgreSQL refuses NUL in any text, and spreadsheets and PDFs refuse the others.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _has_control_characters(request) -> bool:
    texts = [request.path_info]
    for params in (request.GET, request.POST):
        for key, values in params.lists():
            texts.append(key)
            texts.extend(value for value in values if isinstance(value, str))
    for name, value in request.COOKIES.items():
        texts.extend((name, value))
    return any(CONTROL_CHARACTERS.search(text) for text in texts)


# The largest id any table holds (a signed 64-bit column); SQLite cannot even bind a larger
# number and PostgreSQL refuses it in some comparisons.
MAX_ID = 2**63 - 1


class InputGuardMiddleware:
    """One guard for every input path, before any view, form or query sees the request:

    - an address, a parameter (name or value, GET or POST) or a cookie with a control character
      gets a 400 page (Django's parser already drops unprintable characters from upload names);
    - a number in the address larger than any id is a missing page (404), whatever the view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_control_characters(request):
            # Rendered without the request: its session cookie may be the bad value itself.
            reason = gettext(
                "The request contains a control character (such as a null byte) that no form "
                "of the portal sends. Go back, remove it and try again."
            )
            return HttpResponseBadRequest(render_to_string("400.html", {"reason": reason}))
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        numbers = [v for v in (*view_args, *view_kwargs.values()) if isinstance(v, int)]
        if any(abs(number) > MAX_ID for number in numbers):
            raise Http404
        return None


class PrivateCacheMiddleware:
    """Every response is `Cache-Control: no-store, private` unless its view declared it public
    (the pages under /public/, which are the same for everyone): a page behind the login, or a
    file downloaded from one, is kept by no shared cache, nor by the browser for the back
    button after logging out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        directives = {part.strip().split("=")[0].lower()
                      for part in response.get("Cache-Control", "").split(",")}
        if "public" not in directives:
            patch_cache_control(response, no_store=True, private=True)
        return response


class CompressPagesMiddleware(GZipMiddleware):
    """Pages compressed with gzip, with Django's mitigation of BREACH (random bytes in the gzip
    header, docs/ARCHITECTURE.md "Every request"). Static files never reach it (whitenoise
    answers them above it, already compressed); downloads pass unchanged: they are compressed
    formats (xlsx, PDF, images) and keep their Content-Length."""

    def process_response(self, request, response):
        if response.streaming or response.has_header("content-disposition"):
            return response
        return super().process_response(request, response)
