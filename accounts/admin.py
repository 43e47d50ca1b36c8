from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from accounts.forms import AdminLoginForm
from accounts.models import Commune, District, Unit, User
from melinh_sxsh.lib.admin import ModelAdmin, VietnameseFields

# The admin's login keeps the portal's bounds on what may be typed.
admin.site.login_form = AdminLoginForm
# Roles decide what a person may do (accounts/permissions.py); Django's groups and their
# permissions would be a second, unused place to decide it (and name it in English).
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(VietnameseFields, BaseUserAdmin):
    list_display = ("username", "full_name", "role", "district", "commune", "unit",
                    "is_sxsh_officer", "is_active", "must_change_password")
    list_filter = ("role", "district", "commune", "unit", "is_sxsh_officer", "is_active")
    list_select_related = ("district", "commune", "unit")
    search_fields = ("username", "full_name", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "email")}),
        (_("Role"), {"fields": ("role", "district", "commune", "unit", "is_sxsh_officer")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser",
                                  "must_change_password")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2", "role", "district", "commune",
                           "unit", "is_sxsh_officer")}),
    )

    def user_change_password(self, request, id, form_url=""):
        # One way to give someone a password: the portal's reset, which also lifts the login
        # lock and makes the user choose their own at the next login.
        if not str(id).isdigit():
            raise Http404
        return redirect("accounts:user_reset_password", pk=int(id))


@admin.register(District)
class DistrictAdmin(ModelAdmin):
    list_display = ("code", "name", "kind", "first_year", "last_year")
    search_fields = ("code", "name")


@admin.register(Commune)
class CommuneAdmin(ModelAdmin):
    list_display = ("code", "name", "kind", "district", "first_year", "last_year")
    list_filter = ("district",)
    list_select_related = ("district",)
    search_fields = ("code", "name")


@admin.register(Unit)
class UnitAdmin(ModelAdmin):
    list_display = ("code", "name", "position")
    search_fields = ("code", "name")
