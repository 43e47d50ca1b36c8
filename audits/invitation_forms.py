"""The forms of an activation: the code from the letter, then the account's own name and
password (through the same validators as every password)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from accounts.forms import USERNAME_MAX, bound_passwords
from accounts.models import Commune, User
from accounts.selectors import communes_for

CODE_MAX = 40  # twelve characters, with any dashes and spaces a person types


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Activation code"), max_length=CODE_MAX,
        help_text=_("The code printed in the letter, e.g. ABCD-EFGH-JKLM."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                      "spellcheck": "false", "autofocus": True}),
    )


class AccountForm(forms.Form):
    code = forms.CharField(max_length=CODE_MAX, widget=forms.HiddenInput)
    username = forms.CharField(
        label=_("Username"), max_length=USERNAME_MAX, validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only; you log in with it."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    full_name = forms.CharField(label=_("Your full name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False,
                             help_text=_("For reminders of deadlines; optional."))
    password1 = forms.CharField(
        label=_("Password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password, again"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_passwords(self)

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first, User(
                    username=data.get("username", ""), email=data.get("email", ""),
                    full_name=data.get("full_name", "")))
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class LettersForm(forms.Form):
    commune = forms.ModelChoiceField(Commune.objects.none(), required=False,
                                     label=_("Commune"), empty_label=_("All communes"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes_for(user)
