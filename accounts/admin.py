from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from accounts.forms import AdminLoginForm
from accounts.models import DISTRICT_ROLES, Commune, District, Unit, User, sole_district_id
from melinh_sxsh.lib.admin import ModelAdmin, VietnameseFields

# The admin's login keeps the portal's bounds on what may be typed.
admin.site.login_form = AdminLoginForm
# Roles decide what a person may do (accounts/permissions.py); Django's groups and their
# permissions would be a second, unused place to decide it (and name it in English).
admin.site.unregister(Group)


class DistrictDefaultMixin:
    """An account of a district's role left without a district is its commune's district's, or
    the only district's; with several and no commune, the model's clean() asks for it."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") in DISTRICT_ROLES and not cleaned.get("district"):
            commune, unit = cleaned.get("commune"), cleaned.get("unit")
            district_id = (commune.district_id if commune else
                           unit.district_id if unit else sole_district_id())
            if district_id is not None:
                cleaned["district"] = District.objects.get(pk=district_id)
        return cleaned


class UserAddForm(DistrictDefaultMixin, AdminUserCreationForm):
    pass


class UserEditForm(DistrictDefaultMixin, UserChangeForm):
    pass


@admin.register(User)
class UserAdmin(VietnameseFields, BaseUserAdmin):
    form = UserEditForm
    add_form = UserAddForm
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
