from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import check


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    check(request.user, "campaign.view")
    return render(request, "campaigns/campaign_list.html")
