"""Request parameters and file downloads without letting a bad value become a 500."""

from collections.abc import Mapping

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest
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
