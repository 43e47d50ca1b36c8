from django.contrib import admin

from audits.models import CPTechnique, EnergyCarrier


@admin.register(EnergyCarrier)
class EnergyCarrierAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "toe_per_unit", "note")
    search_fields = ("code", "name")


@admin.register(CPTechnique)
class CPTechniqueAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en")
