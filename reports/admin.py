from django.contrib import admin

from melinh_sxsh.lib.admin import ModelAdmin, TabularInline
from melinh_sxsh.lib.conflicts import VersionedAdmin
from reports.models import Plan, PlanTask, Target


class TargetInline(TabularInline):
    model = Target
    extra = 0


class PlanTaskInline(TabularInline):
    model = PlanTask
    extra = 0


@admin.register(Plan)
class PlanAdmin(VersionedAdmin, ModelAdmin):
    list_display = ("code", "year", "district", "baseline_year", "signed_on", "signer")
    inlines = [TargetInline, PlanTaskInline]
