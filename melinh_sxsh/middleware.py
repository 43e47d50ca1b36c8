from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
