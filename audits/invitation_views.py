"""Invitations: a request's letters with activation codes (staff), and the activation page
where a facility opens its own account with the code (anyone; docs/ARCHITECTURE.md, "Data
requests")."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import User
from accounts.permissions import check, landing
from audits import letters, selectors
from audits.invitation_forms import AccountForm, CodeForm, LettersForm
from audits.submissions import CodeRefused, invitation_activate, invitation_open
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.http import client_ip

LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


@login_required
@require_http_methods(["GET", "POST"])
def request_letters(request: HttpRequest, pk: int) -> HttpResponse:
    data_request = selectors.request_get(request.user, pk)
    check(request.user, "request.change", data_request)
    form = LettersForm(request.POST or None, user=request.user)
    if form.is_valid():
        facilities = selectors.facilities_to_invite(request.user, data_request,
                                                    commune=form.cleaned_data["commune"])
        pdf = letters.letters_send(user=request.user, request=data_request,
                                       facilities=facilities)
        if pdf is not None:
            return letters.letters_response(data_request, pdf, form.cleaned_data["commune"])
        messages.info(request, _("Every facility chosen already has an account or has answered; "
                                 "no letter was made."))
    return render(request, "audits/request_letters.html", {
        "data_request": data_request, "form": form,
        "counts": selectors.invitation_counts(request.user, data_request),
    })


@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest) -> HttpResponse:
    """Step one checks the code (without using it); step two, with the code carried along,
    makes the account and uses the code, then logs the person in."""
    ip = client_ip(request) or ""
    step_two = request.method == "POST" and "username" in request.POST
    form = (AccountForm if step_two else CodeForm)(request.POST or None)
    invitation = None
    try:
        if step_two and form.is_valid():
            user = _activate(form.cleaned_data, ip)
            login(request, user, backend=LOGIN_BACKEND)
            messages.success(request, _("Your account is ready. Welcome."))
            return redirect(landing(user))
        if form.is_bound and (step_two or form.is_valid()):
            invitation = invitation_open(code=form.data.get("code", ""), client_ip=ip)
    except CodeRefused as exc:
        form = CodeForm({"code": form.data.get("code", "")})
        form.add_error(None, exc.message)
    except DomainError as exc:  # the username is taken: the code is still good
        form.add_error("username", exc.message)
        invitation = invitation_open(code=form.data.get("code", ""), client_ip=ip)
    if invitation is not None and not step_two:
        form = AccountForm(initial={"code": form.cleaned_data["code"],
                                    "username": invitation.facility.tax_code,
                                    "email": invitation.facility.email})
    return render(request, "audits/activate.html", {
        "form": form, "invitation": invitation, "action": reverse("activate")})


def _activate(data: dict[str, str], ip: str) -> User:
    return invitation_activate(
        code=data["code"], client_ip=ip, username=data["username"], password=data["password1"],
        full_name=data["full_name"], email=data["email"])
