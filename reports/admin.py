from django.contrib import admin

from melinh_sxsh.lib.conflicts import VersionedAdmin
from reports.models import Plan, PlanTask, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


class PlanTaskInline(admin.TabularInline):
    model = PlanTask
    extra = 0


@admin.register(Plan)
class PlanAdmin(VersionedAdmin, admin.ModelAdmin):
    list_display = ("code", "year", "baseline_year", "signed_on", "signer")
    inlines = [TargetInline, PlanTaskInline]
