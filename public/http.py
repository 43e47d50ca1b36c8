"""What every public page shares: no login, read-only, Vietnamese, cacheable by any proxy."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

MAX_AGE = 300


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET/HEAD only, in the district's language whatever the visitor's language cookie (one
    version per address is what lets a shared cache keep it), cacheable for five minutes."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with translation.override(settings.LANGUAGE_CODE):
            response = view(request, *args, **kwargs)
        response["Content-Language"] = settings.LANGUAGE_CODE
        return response

    return require_safe(cache_control(public=True, max_age=MAX_AGE)(wrapper))


def render_public(template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """Render without the request's context processors: they read the session (user menu,
    messages, CSRF token), which would make the page vary by cookie and set cookies."""
    return HttpResponse(render_to_string(template, context), status=status)


def frame_ancestors() -> list[str]:
    """Who may show the embeddable card in a frame: this site and PUBLIC_EMBED_ORIGINS."""
    return ["'self'", *settings.PUBLIC_EMBED_ORIGINS]
