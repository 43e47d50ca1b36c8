from django.contrib.auth import password_validation
from django.utils.translation import gettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's validator, with messages Django's Vietnamese catalogue lacks."""

    def get_error_message(self):
        return gettext("This password is too short: it needs at least %(count)d characters.") % {
            "count": self.min_length
        }

    def get_help_text(self):
        return gettext("Your password needs at least %(count)d characters.") % {
            "count": self.min_length
        }
