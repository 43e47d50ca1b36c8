from django.contrib import admin

from accounts.models import sole_district_id
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

    def get_changeform_initial_data(self, request):
        # With one district a new plan is that district's: shown in the form, not decided in
        # save(); emptied, the plan is the city's.
        return {"district": sole_district_id(), **super().get_changeform_initial_data(request)}
    inlines = [TargetInline, PlanTaskInline]
