from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import check


@login_required
def facility_list(request: HttpRequest) -> HttpResponse:
    check(request.user, "facility.view")
    return render(request, "facilities/facility_list.html")
