"""Locking a year once its report is issued, and unlocking it, with the log of both."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import check
from facilities import locking
from facilities import selectors as facility_selectors
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.http import confirmation
from melinh_sxsh.lib.years import FACT, is_valid
from reports.forms import LockForm


@login_required
@require_http_methods(["GET", "POST"])
def year_locks(request: HttpRequest) -> HttpResponse:
    check(request.user, "year.lock")
    form = LockForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _lock(request, form):
        return redirect("reports:locks")
    return render(
        request,
        "reports/year_locks.html",
        {
            "form": form,
            "locks": facility_selectors.year_locks(request.user),
            "events": facility_selectors.year_lock_events(request.user),
        },
    )


def _lock(request: HttpRequest, form: LockForm) -> bool:
    """Lock the year the form names and say how it went; False when the lock first needs the
    staff's confirmation, which the form then asks for."""
    data = form.cleaned_data
    try:
        locking.year_lock(user=request.user, year=data["year"], note=data["note"],
                          confirmed=data["confirm"])
    except locking.LockNeedsConfirmation as exc:
        form.ask_confirmation(exc)
        return False
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The year %(year)s was locked.") % {"year": data["year"]})
    return True


@login_required
@require_http_methods(["GET", "POST"])
def year_unlock(request: HttpRequest, year: int) -> HttpResponse:
    """Unlocking a year, after a confirmation that says what it opens again."""
    check(request.user, "year.lock")
    if not is_valid(year, FACT):
        raise Http404
    if request.method == "GET":
        return confirmation(
            request, title=_("Unlock a year"), subject=_("Year %(year)s") % {"year": year},
            question=_("Unlock %(year)s? Its statuses, energy records, attendance and CP "
                       "measures can then be changed again, in the pages, the imports and the "
                       "admin, until it is locked again.") % {"year": year},
            confirm=_("Yes, unlock it"), back=reverse("reports:locks"), note=_("Reason"))
    try:
        locking.year_unlock(user=request.user, year=year,
                            note=request.POST.get("note", "").strip()[:500])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The year %(year)s was unlocked.") % {"year": year})
    return redirect("reports:locks")
