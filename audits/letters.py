"""Invitation letters: one PDF of letters in the form of Decree 30/2020/NĐ-CP, a page a
facility, each with its activation code and a QR code of the activation address (commune
officials deliver them by hand)."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import date

import segno
from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from audits.mail import absolute_url, send_templated
from audits.models import DataRequest, Invitation
from audits.submissions import invitations_issue
from facilities.models import Facility
from melinh_sxsh.lib.text import place_and_date, slug

logger = logging.getLogger(__name__)

STATIC = settings.BASE_DIR / "static"


def qr_uri(address: str) -> str:
    # Medium error correction survives a folded or smudged letter; SVG stays sharp in print.
    return segno.make(address, error="m", micro=False).svg_data_uri(scale=4, border=2)


def letters_html(request: DataRequest, issued: list[tuple[Invitation, str]], address: str,
                 *, today: date | None = None) -> str:
    today = today or timezone.localdate()
    with translation.override("vi"):
        return render_to_string("audits/pdf/invitations.html", {
            "request": request,
            "letters": [
                {"facility": invitation.facility, "code": code,
                 "expires": timezone.localtime(invitation.expires_at).date()}
                for invitation, code in issued
            ],
            "address": address,
            "qr": qr_uri(address),
            # The heading block (templates/includes/pdf/_decree30_header.html).
            "subject": f"V/v cung cấp số liệu năng lượng năm {request.year}",
            # The district's seat (Mê Linh's with one district, as it always was).
            "date_line": place_and_date(today, request.district.name)
            if request.district_id else place_and_date(today),
        })


def letters_pdf(request: DataRequest, issued: list[tuple[Invitation, str]], address: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=letters_html(request, issued, address), base_url=str(STATIC)).write_pdf()


def letters_send(*, user, request: DataRequest, facilities: Iterable[Facility]) -> bytes | None:
    """New codes for `facilities` (earlier unused ones stop working), the PDF of their letters,
    and the same letter by e-mail to each facility with an address; None when there is no
    facility. An e-mail that cannot be sent is logged: the printed letter still carries the
    code."""
    issued = invitations_issue(user=user, request=request, facilities=facilities)
    if not issued:
        return None
    address = absolute_url(reverse("activate"))
    for invitation, code in issued:
        if invitation.facility.email:
            try:
                send_templated(to=[invitation.facility.email],
                               template="audits/email/invitation.txt", context={
                                   "facility": invitation.facility, "code": code,
                                   "url": address, "request": request,
                                   "expires": timezone.localtime(invitation.expires_at).date()})
            except (smtplib.SMTPException, OSError):
                logger.warning("invitation e-mail to facility %s not sent",
                               invitation.facility_id, exc_info=True)
    return letters_pdf(request, issued, address)


def letters_response(request: DataRequest, pdf: bytes, commune=None) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    name = slug(f"thư mời {request.year} {commune or ''}")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    # Codes: never kept by a cache on the way.
    response["Cache-Control"] = "no-store"
    return response
