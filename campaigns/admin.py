from django.contrib import admin

from campaigns.models import Attendance, Campaign, FundingSource
from facilities.admin import YearLockedAdmin
from melinh_sxsh.lib.admin import ModelAdmin
from melinh_sxsh.lib.conflicts import VersionedAdmin


@admin.register(FundingSource)
class FundingSourceAdmin(ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Attendance)
class AttendanceAdmin(YearLockedAdmin):
    list_display = ("campaign", "facility", "people")
    raw_id_fields = ("campaign", "facility", "added_by")


@admin.register(Campaign)
class CampaignAdmin(VersionedAdmin, ModelAdmin):
    list_display = ("title", "kind", "lead_unit", "starts_on", "is_public")
    list_filter = ("kind", "lead_unit", "is_public")
    search_fields = ("title",)
