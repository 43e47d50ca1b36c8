from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Wrong username or password. After 5 failed attempts the account is locked "
            "for 30 minutes."
        ),
        "inactive": _("This account has been disabled."),
    }
