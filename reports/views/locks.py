"""Locking a year once its report is issued, and unlocking it, with the log of both."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import check
from facilities import locking
from facilities import selectors as facility_selectors
from melinh_sxsh.lib.errors import DomainError
from reports.forms import LockForm


@login_required
@require_http_methods(["GET", "POST"])
def year_locks(request: HttpRequest) -> HttpResponse:
    check(request.user, "year.lock")
    form = LockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = locking.year_lock if form.cleaned_data["action"] == "lock" else locking.year_unlock
        try:
            action(
                user=request.user, year=form.cleaned_data["year"], note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Done."))
        return redirect("reports:locks")
    return render(
        request,
        "reports/year_locks.html",
        {
            "form": form,
            "locks": facility_selectors.year_locks(),
            "events": facility_selectors.year_lock_events(),
        },
    )
