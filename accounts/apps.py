from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.context_processors import remember_districts

        user_logged_in.connect(remember_districts, dispatch_uid="sxsh-remember-districts")
