"""An enterprise fills its submission from the energy template of the import (docs/IMPORTS.md,
"energy"; docs/ARCHITECTURE.md, "Data requests"): the file's row of the submission's facility
and year becomes the draft's output, product unit and energy lines, saved through
submissions.submission_fill as if typed. No energy record is written: that is the reviewer's
acceptance.

The file is read by the import's own reader (melinh_sxsh/lib/importing.py), with every limit of
the staff import, and a smaller size: one facility's year is a few kilobytes."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from accounts.permissions import check
from audits import submissions
from audits.importers import CARRIER_PREFIX, SOURCE_LABELS, EnergyImporter, row_lines
from audits.models import EnergyRecord, Submission
from facilities.models import normalize_tax_code
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.importing import Column, Outcome, Row, build_template, run_import
from melinh_sxsh.lib.uploads import MB, XLSX, UploadRefused, check_upload
from melinh_sxsh.lib.xlsx import UnreadableFile

MAX_BYTES = 1 * MB
# At most this many problems are shown; the rest are in the same file, to be read after these.
MAX_SHOWN = 20


class FileRefused(DomainError):
    """A file that fills nothing: each problem as docs/IMPORTS.md writes it (row, column)."""

    def __init__(self, problems: list[str]):
        super().__init__(problems[0], field="file")
        self.problems = problems


class SubmissionImporter(EnergyImporter):
    """The energy template read for one submission: its rows must name the submission's facility
    (by tax code, as the template names facilities) and its request's year. Not registered: it
    is no template of the import page."""

    # A second row of the year repeats the key: with the years a record may have, a file cannot
    # hold more than a few dozen rows before its errors stop the check.
    key = ("year",)

    def __init__(self, user, submission: Submission):
        super().__init__(user)
        self.submission = submission
        self.found: list[Row] = []

    def columns(self) -> list[Column]:
        """The template's columns, with the submission's facility, year and figures so far
        as the example row (the download is prefilled)."""
        submission = self.submission
        lines = submission.energy_lines()
        examples: dict[str, Any] = {
            "tax_code": submission.facility.tax_code,
            "year": submission.request.year,
            "output": submission.output,
            "product_unit": submission.product_unit or submission.facility.product_unit,
            "is_baseline": "Không",
            "source": next(label for label, value in SOURCE_LABELS
                           if value == EnergyRecord.Source.ANNUAL),
        }
        columns = []
        for column in super().columns():
            if column.key.startswith(CARRIER_PREFIX):
                example = lines.get(int(column.key.removeprefix(CARRIER_PREFIX)))
            else:
                example = examples.get(column.key)
            columns.append(replace(column, example=example))
        return columns

    def apply(self, rows, outcome: Outcome, *, write: bool) -> None:
        facility, year = self.submission.facility, self.submission.request.year
        for row in rows:
            if row.values["tax_code"] != normalize_tax_code(facility.tax_code):
                row.error("tax_code", _(
                    "is not the tax code of %(name)s (%(tax_code)s): this form takes that "
                    "facility's figures only") % {"name": facility.name,
                                                  "tax_code": facility.tax_code})
            if row.values["year"] != year:
                row.error("year", _("this form asks for the figures of %(year)s")
                          % {"year": year})
            if not row_lines(row):
                row.error(None, _("no energy quantity: fill at least one energy carrier column"))
            if not row.errors:
                self.found.append(row)


def submission_template(submission: Submission) -> tuple[str, bytes]:
    """The energy template prefilled for the submission: its file name (Vietnamese words and
    the year, no code) and content."""
    name = f"mau-so-lieu-nang-luong-nam-{submission.request.year}.xlsx"
    return name, build_template(SubmissionImporter(None, submission))


def submission_upload(*, user, submission_id: int, upload, expected_version: int) -> Submission:
    """Fill the submission's draft from the file: FileRefused with every problem (the row, the
    column, what is wrong), nothing written, unless the file holds exactly the facility's row
    of the year; DomainError when the submission is not open. The save itself is
    submissions.submission_fill's (its own transaction, permission and version checks)."""
    submission = Submission.objects.select_related("request", "facility").get(pk=submission_id)
    check(user, "submission.fill", submission)
    if not submission.is_open:
        raise DomainError(_("This form has been sent: it cannot be changed unless the Economic "
                            "Department returns it."))
    try:
        check_upload(upload, (XLSX,), MAX_BYTES)
        importer = SubmissionImporter(user, submission)
        outcome = run_import(importer, upload, write=False)
    except (UploadRefused, UnreadableFile) as exc:
        raise FileRefused([str(getattr(exc, "message", exc))]) from exc
    if outcome.errors:
        raise FileRefused([str(error) for error in outcome.errors])
    [row] = importer.found
    data = {
        "output": row.values["output"],
        "product_unit": row.values["product_unit"],
        "lines": {pk: Decimal(quantity) for pk, quantity in row_lines(row).items()},
    }
    return submissions.submission_fill(user=user, submission_id=submission_id, data=data,
                                       expected_version=expected_version)
