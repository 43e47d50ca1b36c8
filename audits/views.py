from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import check


@login_required
def index(request: HttpRequest) -> HttpResponse:
    check(request.user, "energy.view")
    return render(request, "audits/audit_index.html")
