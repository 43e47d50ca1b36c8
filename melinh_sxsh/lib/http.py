"""Request parameters and file downloads without letting a bad value become a 500."""

import ipaddress
from collections.abc import Mapping

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


def int_param(params: Mapping[str, str], name: str, default: int, minimum: int,
              maximum: int) -> int:
    try:
        value = int(params.get(name, default))
    except (TypeError, ValueError):
        return default
    return value if minimum <= value <= maximum else default


def attachment_response(file: FieldFile, filename: str) -> FileResponse:
    """The stored file as a download; a record whose file is gone is a missing page."""
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=filename)


def safe_redirect_target(request: HttpRequest, target: str | None, default: str) -> str:
    """`target` when it points into this site, else `default`: never an open redirect."""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the connection's own, or, behind TRUSTED_PROXY_COUNT proxies of
    ours, the entry of X-Forwarded-For that the outermost of them appended. Entries further
    left were written by the client and prove nothing; a header shorter than the chain means
    the request did not come through it, so the connection's address stands."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    chain = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [hop for hop in chain if hop]
    if len(chain) < count:
        return remote
    candidate = chain[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def confirmation(request: HttpRequest, *, title: str, subject: str, question: str,
                 confirm: str, back: str, note: str | None = None) -> HttpResponse:
    """The page every destructive action shows on GET (deleting, removing, unlocking,
    cancelling): what it acts on (`subject`), what will happen, and a form that POSTs to the
    same address, which alone acts. `note`: the label of an optional reason to send along."""
    return render(request, "includes/confirm.html", {
        "title": title, "subject": subject, "question": question, "confirm": confirm,
        "back": back, "note": note,
    })
