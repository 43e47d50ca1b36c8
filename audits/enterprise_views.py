"""An enterprise account's own page: the facilities it represents, their figures by year and
their submissions to data requests (docs/ARCHITECTURE.md, "Data requests")."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.permissions import check
from audits import selectors


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    check(request.user, "enterprise.home")
    return render(
        request, "audits/enterprise_home.html", {"own": selectors.own_facilities(request.user)}
    )
