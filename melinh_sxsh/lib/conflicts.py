"""One rule for two people editing the same record.

Every record an edit form changes has a `version`, raised by each save. The form carries the
version it was opened on, and a signed snapshot of what it showed. The service locks the row and
compares versions (`check_version`): a save made on an older version is refused with
`StaleEdit` and writes nothing. The form then lists what changed since it was opened (what the
person had opened against what is saved now, `includes/_conflict.html`), keeps the person's
input and takes the current version, so that saving again means "overwrite what is saved now".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core import signing
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.forms import ModelForm, number_text

# key -> [label, value as shown]; keys are stable (field names, "use:3"), labels are for people
Snapshot = dict[str, list[str]]

_SALT = "melinh_sxsh.conflicts.snapshot"
EMPTY = "—"


def shown(value: Any) -> str:
    """A value the way the form and the pages write it."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, (int, Decimal)):
        return number_text(value)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (list, tuple, set)):
        return ", ".join(sorted(str(item) for item in value)) or EMPTY
    return str(value)


def describe(instance: models.Model, names: Iterable[str]) -> Snapshot:
    """The named fields of a record, labelled and shown as people read them."""
    snapshot: Snapshot = {}
    for name in names:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            value = [str(item) for item in getattr(instance, name).all()] if instance.pk else []
        elif field.choices:
            raw = getattr(instance, field.attname)
            value = str(dict(field.flatchoices).get(raw, raw)) if raw not in (None, "") else None
        else:
            value = getattr(instance, name)
        snapshot[name] = [str(capfirst(field.verbose_name)), shown(value)]
    return snapshot


@dataclass(frozen=True)
class Change:
    label: str
    yours: str  # what the form showed when it was opened
    theirs: str  # what is saved now, by someone else


class StaleEdit(DomainError):
    """The record was saved by someone else after the form was opened; nothing was saved."""

    def __init__(self, *, current: Snapshot, version: int):
        super().__init__(
            _(
                "Someone else saved this record after you opened it. Your changes "
                "were not saved; check the differences below and save again."
            )
        )
        self.current = current
        self.version = version


def check_version(
    instance, expected_version: int | None, describe: Callable[[Any], Snapshot]
) -> None:
    """Refuse a save made on another version than the record's. Call it with the row locked
    (select_for_update) in the transaction that then raises the version and saves."""
    if expected_version != instance.version:
        raise StaleEdit(current=describe(instance), version=instance.version)


def changes(opened: Snapshot | None, current: Snapshot) -> list[Change]:
    """What differs between the snapshot a form was opened on and the record now. Without a
    readable snapshot, every current value is listed."""
    if opened is None:
        unknown = _("(not known)")
        return [Change(label, unknown, value) for label, value in current.values()]
    listed = [
        Change(label, opened[key][1] if key in opened else EMPTY, value)
        for key, (label, value) in current.items()
    ]
    listed += [
        Change(label, value, EMPTY) for key, (label, value) in opened.items() if key not in current
    ]  # e.g. a line someone removed
    return [change for change in listed if change.yours != change.theirs]


def sign(snapshot: Snapshot) -> str:
    return signing.dumps(snapshot, salt=_SALT, compress=True)


def unsign(token: str | None) -> Snapshot | None:
    try:
        snapshot = signing.loads(token or "", salt=_SALT)
    except signing.BadSignature:
        return None
    return snapshot if isinstance(snapshot, dict) else None


class VersionedModelForm(ModelForm):
    """An edit form with the two hidden fields of the rule above.

    `edited` is the record whose version is checked (the form's instance by default; a form that
    adds a row to a record, like a progress report on a task, names that record); `describe`
    gives its snapshot. A form without a saved record to edit is a create form: no check.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    opened = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args, edited=None, describe: Callable[[Any], Snapshot] | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        if edited is None and self.instance.pk:
            edited = self.instance
        self.edited = edited
        self.conflict: list[Change] | None = None  # set when a save was refused
        self.conflict_message = ""
        if edited is None:
            return
        self.fields["version"].required = True
        self.fields["version"].error_messages["required"] = gettext_lazy(
            "This form lacks the version of the record it was opened on; open it again."
        )
        self.fields["version"].initial = edited.version
        if not self.is_bound and describe is not None:
            self.fields["opened"].initial = sign(describe(edited))

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")

    def record_data(self) -> dict[str, Any]:
        """The cleaned values for the service, without the two fields of the rule."""
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "opened")}

    def refuse_stale(self, exc: StaleEdit) -> None:
        """Show what changed since the form was opened, keep the input, and take the current
        version: the next save overwrites what is saved now."""
        self.conflict = changes(unsign(self.data.get(self.add_prefix("opened"))), exc.current)
        self.conflict_message = exc.message  # shown above the differences, not as a field error
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = str(exc.version)
        self.data[self.add_prefix("opened")] = sign(exc.current)

    def submit(self, service: Callable[..., Any], /, **kwargs: Any) -> bool:
        """Call `service(**kwargs)` for this valid form: True when it saved; False with the
        refusal on the form (a stale edit's differences, or the domain error on its field)."""
        try:
            service(**kwargs)
        except StaleEdit as exc:
            self.refuse_stale(exc)
        except DomainError as exc:
            self.add_error(exc.field, exc.message)
        else:
            return True
        return False


class VersionedAdmin:
    """For a ModelAdmin of a versioned model: a change saved in the admin raises the version
    too, so that an edit form opened before it is refused instead of silently undoing it."""

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
