"""The admin in Vietnamese: its forms take numbers and dates the way the portal's forms do
(lib/forms.py), where Django's would show a target of 20 as "20.00" and a date picker in the
browser's language; a yes-or-no column is a word; a formset posted incomplete says so in
words. Every ModelAdmin and inline of the portal derives from these."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext as _

from melinh_sxsh.lib.forms import BaseInlineFormSet, formfield


def yes_no(model: type[models.Model], name: str):
    """A yes-or-no column in words: Django draws an icon whose text is "True" or "False"."""
    field = model._meta.get_field(name)

    @admin.display(description=field.verbose_name, ordering=name)
    def column(obj) -> str:
        return _("Yes") if getattr(obj, name) else _("No")

    return column


class VietnameseFields:
    def get_list_display(self, request):
        names = {f.name for f in self.model._meta.fields if isinstance(f, models.BooleanField)}
        return [
            yes_no(self.model, item) if item in names else item
            for item in super().get_list_display(request)
        ]

    def get_readonly_fields(self, request, obj=None):
        # A moment something happened (a login, a verification) is recorded, not typed; and
        # Django's date-and-time picker names the days in English.
        moments = [
            f.name
            for f in self.model._meta.fields
            if isinstance(f, models.DateTimeField) and f.editable
        ]
        return [*super().get_readonly_fields(request, obj), *moments]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        plain = not (
            db_field.choices
            or db_field.is_relation
            or isinstance(db_field, (models.AutoField, models.DateTimeField))
        )
        if plain and isinstance(
            db_field, (models.IntegerField, models.DecimalField, models.DateField)
        ):
            return formfield(db_field, **kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ModelAdmin(VietnameseFields, admin.ModelAdmin):
    pass


class TabularInline(VietnameseFields, admin.TabularInline):
    formset = BaseInlineFormSet
