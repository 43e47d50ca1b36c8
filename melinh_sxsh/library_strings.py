"""Strings of Django and of the libraries that the portal shows, whose Vietnamese catalogue
lacks them or leaves English words in them. Listed here, never called, so that `make messages`
keeps them in locale/vi, whose translations come before the libraries' own (LOCALE_PATHS).
tests/melinh_sxsh/test_vietnamese_pages.py finds a page that shows one still in English."""
# ruff: noqa: E501  (each string exactly as the library writes it)

from django.utils.translation import gettext_noop as _
from django.utils.translation import ngettext_lazy

STRINGS = (
    # Django's admin
    _("Select this object for an action - {}"),
    _("Breadcrumbs"),
    _("Model name"),
    _("Add link"),
    _("Change or view list link"),
    _("After you’ve created a user, you’ll be able to edit more user options."),
    _("Error:"),
    _("Set password"),
    _("This action will <strong>enable</strong> password-based authentication for this user."),
    _("Disable password-based authentication"),
    _("Enable password-based authentication"),
    _("Skip to main content"),
    _("Hide counts"),
    _("Show counts"),
    _("Toggle theme (current theme: auto)"),
    _("Toggle theme (current theme: light)"),
    _("Toggle theme (current theme: dark)"),
    _("Added:"),
    _("Changed:"),
    _("Deleted:"),
    _("Forgotten your login credentials?"),
    _("Toggle navigation"),
    _("Sidebar"),
    _("Filter navigation items"),
    _("View selected %(model)s"),
    _("In case you’ve forgotten, you are:"),
    _("Select all objects on this page for an action"),
    _("Models in the %(name)s application"),
    _("This object doesn’t have a change history. It probably wasn’t added via this admin site."),
    # Django's accounts (the admin's user form)
    _("salt"),
    _("superuser status"),
    _("Designates whether the user can log into this admin site."),
    _("Conflicting form data submitted. Please try again."),
    _("Password-based authentication was disabled."),
    _("Set password: %s"),
    _("Reset password"),
    _("Set password"),
    _(
        "Whether the user will be able to authenticate using a password or not. If disabled, they may still be able to authenticate using other backends, such as Single Sign-On or LDAP."
    ),
    _("Password-based authentication"),
    _("Enabled"),
    _("Disabled"),
    _("Raw passwords are not stored, so there is no way to see the user’s password."),
    _("Enable password-based authentication for this user by setting a password."),
    _(
        "Enter a valid username. This value may contain only unaccented lowercase a-z and uppercase A-Z letters, numbers, and @/./+/-/_ characters."
    ),
    # Django's forms, pages and messages
    _("Messages"),
    _("That page number is not an integer"),
    _("That page number is less than 1"),
    _("That page contains no results"),
    _("Null characters are not allowed."),
    _("Constraint “%(name)s” is violated."),
    _("%(model)s instance with %(field)s %(value)r is not a valid choice."),
    _("Enter a complete value."),
    _("The inline value did not match the parent instance."),
    _("“%(pk)s” is not a valid value."),
    _(
        "%(datetime)s couldn’t be interpreted in time zone %(current_timezone)s; it may be ambiguous or it may not exist."
    ),
    _("Forbidden"),
    _(
        "File extension “%(extension)s” is not allowed. Allowed extensions are: %(allowed_extensions)s."
    ),
)

PLURALS = (
    ngettext_lazy("Please correct the error below.", "Please correct the errors below.", "num"),
    ngettext_lazy("entry", "entries", "num"),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "num",
    ),
    ngettext_lazy(
        "Please submit at most %(num)d form.", "Please submit at most %(num)d forms.", "num"
    ),
    ngettext_lazy(
        "Please submit at least %(num)d form.", "Please submit at least %(num)d forms.", "num"
    ),
)
