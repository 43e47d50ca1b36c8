from django.contrib import admin

from audits.models import CPMeasure, CPTechnique, EnergyCarrier, EnergyRecord, EnergyUse
from facilities.admin import YearLockedAdmin
from melinh_sxsh.lib.admin import ModelAdmin, TabularInline
from melinh_sxsh.lib.conflicts import VersionedAdmin


@admin.register(EnergyCarrier)
class EnergyCarrierAdmin(ModelAdmin):
    list_display = ("code", "name", "unit", "toe_per_unit", "note")
    search_fields = ("code", "name")


@admin.register(CPTechnique)
class CPTechniqueAdmin(ModelAdmin):
    list_display = ("code", "name", "name_en")


class EnergyUseInline(TabularInline):
    model = EnergyUse
    extra = 0


@admin.register(EnergyRecord)
class EnergyRecordAdmin(VersionedAdmin, YearLockedAdmin):
    list_display = ("facility", "year", "output", "product_unit", "is_baseline", "verified_at")
    list_filter = ("year", "is_baseline")
    search_fields = ("facility__name", "facility__tax_code")
    raw_id_fields = ("facility", "verified_by")
    inlines = [EnergyUseInline]


@admin.register(CPMeasure)
class CPMeasureAdmin(VersionedAdmin, YearLockedAdmin):
    list_display = ("facility", "technique", "status", "implemented_on", "investment_vnd")
    list_filter = ("status", "technique")
    raw_id_fields = ("facility",)
