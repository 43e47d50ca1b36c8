from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    SetPasswordForm,
    UsernameField,
)
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import User

# Django's AuthenticationForm only shows the username's max length in the widget; the field
# itself takes any length, and a name past the attempt log's 255 characters broke the lock's
# bookkeeping. Declaring the field with a bound makes it a validation error like any other.
USERNAME_MAX = User._meta.get_field("username").max_length
PASSWORD_MAX = 4096


def bounded_username() -> UsernameField:
    return UsernameField(max_length=USERNAME_MAX, widget=forms.TextInput(attrs={"autofocus": True}))


def bound_passwords(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.PasswordInput):
            field.max_length = PASSWORD_MAX
            field.validators.append(MaxLengthValidator(PASSWORD_MAX))


class LoginForm(AuthenticationForm):
    username = bounded_username()

    error_messages = {
        "invalid_login": _(
            "Wrong username or password. After 5 failed attempts the account is locked "
            "for 30 minutes."
        ),
        "inactive": _("This account has been disabled."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_passwords(self)


class AdminLoginForm(AdminAuthenticationForm):
    """The Django admin's login, with the same bounds as the portal's."""

    username = bounded_username()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_passwords(self)


class OwnPasswordForm(PasswordChangeForm):
    """The current password, then a new one twice; the new one passes the validators and is
    not the current one (a temporary password kept as is would defeat the forced change)."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_unchanged": _("The new password must differ from the current one."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_passwords(self)

    def clean_new_password1(self):
        password = self.cleaned_data.get("new_password1")
        if password and self.user.check_password(password):
            raise forms.ValidationError(
                self.error_messages["password_unchanged"], code="password_unchanged"
            )
        return password


class TemporaryPasswordForm(SetPasswordForm):
    """A temporary password an administrator gives a user, typed twice, through the same
    validators as any password."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_passwords(self)
        self.fields["new_password1"].label = _("Temporary password")
        self.fields["new_password2"].label = _("Temporary password, again")
