from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import selectors, services
from accounts.forms import LoginForm, OwnPasswordForm, TemporaryPasswordForm
from accounts.permissions import check


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Logging out says so on the login page it leads to."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        # The session is gone; the message travels in its cookie.
        messages.success(request, _("You have been logged out."))
        return response


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    check(request.user, "user.change_password")
    form = OwnPasswordForm(request.user, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        services.user_password_change(
            user=request.user, password=form.cleaned_data["new_password1"]
        )
        # The hash changed: keep this session, end the others.
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password has been changed."))
        return redirect("dashboard")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
@require_GET
def users(request: HttpRequest) -> HttpResponse:
    check(request.user, "user.reset_password")
    query = request.GET.get("q", "")
    rows = selectors.account_rows(actor=request.user, query=query)
    return render(request, "accounts/user_list.html", {"rows": rows, "q": query})


@login_required
@require_http_methods(["GET", "POST"])
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.account_get(request.user, pk, "user.reset_password")
    if target.pk == request.user.pk:
        messages.info(request, _("Your own password is changed with the current one, here."))
        return redirect("accounts:password_change")
    form = TemporaryPasswordForm(target, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        services.user_password_reset(user=target, password=form.cleaned_data["new_password1"])
        messages.success(
            request,
            _(
                "%(user)s has a temporary password; any lock on the account is lifted. Give it to "
                "them in person: at the next login they must choose their own."
            )
            % {"user": target.username},
        )
        return redirect("accounts:users")
    return render(request, "accounts/user_reset_password.html", {"form": form, "target": target})
