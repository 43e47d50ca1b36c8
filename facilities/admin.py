from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from facilities.models import Facility, FacilityYearStatus, Sector, YearLock, YearLockEvent
from melinh_sxsh.lib.admin import ModelAdmin
from melinh_sxsh.lib.conflicts import VersionedAdmin
from melinh_sxsh.lib.errors import DomainError


@admin.register(Sector)
class SectorAdmin(ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class YearLockedAdmin(ModelAdmin):
    """The admin obeys locked years too: forms show the model's clean() error; deletions of a
    locked year's rows are refused with a message instead of failing."""

    def delete_model(self, request, obj):
        try:
            obj.delete()
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            raise PermissionDenied(exc.message) from exc

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(FacilityYearStatus)
class FacilityYearStatusAdmin(VersionedAdmin, YearLockedAdmin):
    list_display = ("facility", "year", "stage", "set_by")
    list_filter = ("year", "stage")
    search_fields = ("facility__name", "facility__tax_code")
    raw_id_fields = ("facility", "set_by")


@admin.register(Facility)
class FacilityAdmin(VersionedAdmin, ModelAdmin):
    list_display = ("tax_code", "name", "commune", "sector", "first_year", "last_year")
    list_filter = ("commune", "group", "kind")
    search_fields = ("name", "tax_code")
    # The enterprise accounts are linked by `adduser --facility` and by activation, not here.
    readonly_fields = ("version", "accounts")


@admin.register(YearLock)
class YearLockAdmin(ModelAdmin):
    list_display = ("year", "locked_by", "locked_at")

    def has_add_permission(self, request):
        return False  # locks go through the reports page, which logs them

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(YearLockEvent)
class YearLockEventAdmin(ModelAdmin):
    list_display = ("year", "action", "by", "at", "note")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
