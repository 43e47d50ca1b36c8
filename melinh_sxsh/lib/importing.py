"""One importer for every Excel template (docs/IMPORTS.md).

The web page, the `import_xlsx` command and the tests all go through `run_import`: it checks the
file, finds the header row, parses every row, reports every error by row and column in the form
`Dòng 7, cột "Mã số thuế": ...`, and only when there is none writes everything in one
transaction. A template is an `Importer` subclass registered under its kind.
"""

from __future__ import annotations

import gc
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ERROR_CODES

from melinh_sxsh.lib.batches import chunks
from melinh_sxsh.lib.text import format_number, normalize, slug
from melinh_sxsh.lib.xlsx import Deadline, check_xlsx, iter_rows

MAX_ROWS = 100_000
MAX_TITLE_ROWS = 10
MAX_STORED_ERRORS = 500
# Past this many errors the check stops: nobody reads them all, and each one costs memory.
MAX_ERRORS = 1_000
# Wall time of one import, checking and writing; 100,000 rows take well under a minute.
MAX_SECONDS = 300
SAMPLE_SIZE = 20


class CellError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column is None:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _('Row %(row)s, column "%(column)s": %(message)s') % {
            "row": self.row, "column": self.column, "message": self.message,
        }


@dataclass
class Column:
    key: str
    header: str
    parse: Callable[[Any], Any]
    required: bool = False
    choices: Sequence[str] = ()
    example: Any = None
    width: int = 18


class Row:
    """One data row: its number as Excel shows it, its parsed values, its errors. Slotted: a
    100,000-row file keeps every row in memory until all are checked."""

    __slots__ = ("_errors", "headers", "number", "values")

    def __init__(self, number: int, values: dict[str, Any], headers: dict[str, str]):
        self.number, self.values, self.headers = number, values, headers
        self._errors: list[RowError] | None = None

    @property
    def errors(self) -> list[RowError]:
        return self._errors or []

    def error(self, key: str | None, message: str) -> None:
        column = self.headers.get(key) if key else None
        if self._errors is None:
            self._errors = []
        self._errors.append(RowError(self.number, column, message))


@dataclass
class Outcome:
    """What an import would do (or did): counts, samples for the preview, and the errors."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    written: bool = False
    errors: list[RowError] = field(default_factory=list)
    stopped: bool = False  # more than MAX_ERRORS errors: the check stopped early
    samples: dict[str, list[str]] = field(default_factory=lambda: {
        "created": [], "updated": [], "unchanged": []})

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, what: str, label: str) -> None:
        setattr(self, what, getattr(self, what) + 1)
        if len(self.samples[what]) < SAMPLE_SIZE:
            self.samples[what].append(label)

    def as_preview(self) -> dict[str, Any]:
        return {"rows": self.rows, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "samples": self.samples, "written": self.written}


class Importer:
    """A template: its columns, and how its rows are checked against the database and written."""

    kind: ClassVar[str]
    title: ClassVar[Any]
    action: ClassVar[str]  # the permission checker's action needed to use it
    key: ClassVar[tuple[str, ...]]

    def __init__(self, user=None):
        self.user = user

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def check_headers(self, found: set[str]) -> list[str]:
        """Errors about the set of columns present, beyond the required ones."""
        return []

    def apply(self, rows: Sequence[Row], outcome: Outcome, *, write: bool) -> None:
        """Hand the rows to the app's many-row service: its refusals go on the rows (by column),
        what each row does (or would do) is counted on the outcome. Without `write` the service
        only checks and plans. A bounded number of queries per call."""
        raise NotImplementedError


REGISTRY: dict[str, type[Importer]] = {}


def register(cls: type[Importer]) -> type[Importer]:
    REGISTRY[cls.kind] = cls
    return cls


def run_import(importer: Importer, handle: IO[bytes], *, write: bool,
               progress: Callable[[int], None] | None = None) -> Outcome:
    """Check every row; write all of them in one transaction only if none has an error.

    Raises UnreadableFile when the file is not a readable, bounded .xlsx, or when reading and
    checking it takes more than MAX_SECONDS.
    """
    # Tens of thousands of rows make objects that live until the end: the cyclic collector
    # would walk them again and again for nothing (they hold no cycles to free).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run_import(importer, handle, write=write, progress=progress)
    finally:
        if collecting:
            gc.enable()
        # What little cyclic garbage the import made is freed now, not in some later import
        # that would find the collector paused again.
        gc.collect()


def _run_import(importer: Importer, handle: IO[bytes], *, write: bool,
                progress: Callable[[int], None] | None = None) -> Outcome:
    deadline = Deadline(MAX_SECONDS)
    check_xlsx(handle)
    outcome = Outcome()
    columns = importer.columns()
    by_header = {normalize(column.header): column for column in columns}
    by_key = {column.key: column for column in columns}
    rows_iter = iter_rows(handle, deadline)

    header_map, header_number = _find_header(rows_iter, by_header, columns, importer, outcome)
    if header_map is None:
        return outcome
    headers = {key: written for key, (_index, written) in header_map.items()}

    rows: list[Row] = []
    seen: dict[tuple, int] = {}
    error_count = 0
    for offset, cells in enumerate(rows_iter, start=1):
        number = header_number + offset
        if offset % 500 == 0:
            deadline.check()
        if all(_is_blank(value) for value in cells):
            continue
        if len(rows) >= MAX_ROWS:
            outcome.errors.append(RowError(None, None, _(
                "The file has more than %(max)s data rows; split it into several files."
            ) % {"max": format_number(MAX_ROWS)}))
            return outcome
        row = Row(number, {}, headers)
        for key, (index, _written) in header_map.items():
            value = cells[index] if index < len(cells) else None
            row.values[key] = _parse_cell(row, by_key[key], value)
        key = tuple(row.values.get(k) for k in importer.key)
        if not row.errors and all(part is not None for part in key):
            if key in seen:
                row.error(importer.key[0], _("repeats the key of row %(row)s") % {"row": seen[key]})
            else:
                seen[key] = number
        rows.append(row)
        error_count += len(row.errors)
        if error_count > MAX_ERRORS:
            return _stop(outcome, rows)
        if progress and len(rows) % 2000 == 0:
            progress(min(60, 5 + len(rows) * 55 // MAX_ROWS))

    outcome.rows = len(rows)
    if not rows:
        message = _("The file has no data rows under the header.")
        outcome.errors.append(RowError(None, None, message))
        return outcome
    valid = [row for row in rows if not row.errors]
    if write and len(valid) == len(rows):
        return _write(importer, rows, outcome, deadline, progress)
    # In chunks, so that what the services load to check stays small whatever the size of the
    # file; every row is still checked before anything is written.
    for part in chunks(valid):
        deadline.check()
        importer.apply(part, outcome, write=False)
        error_count += sum(len(row.errors) for row in part)
        if error_count > MAX_ERRORS:
            return _stop(outcome, rows)
        if progress:
            progress(60)
    for row in rows:
        outcome.errors.extend(row.errors)
    return outcome


def _write(importer: Importer, rows: list[Row], outcome: Outcome, deadline: Deadline,
           progress: Callable[[int], None] | None) -> Outcome:
    """Every row written in one transaction, the services checking them again under their row
    locks: all of them, or, at the first refusal, none."""
    if progress:
        progress(70)
    error_count = 0
    with transaction.atomic():
        for part in chunks(rows):
            deadline.check()  # past it, the whole transaction rolls back
            importer.apply(part, outcome, write=True)
            error_count += sum(len(row.errors) for row in part)
            if error_count > MAX_ERRORS:
                transaction.set_rollback(True)
                return _stop(outcome, rows)
        for row in rows:
            outcome.errors.extend(row.errors)
        if outcome.errors:
            transaction.set_rollback(True)
        else:
            outcome.written = True
    return outcome


def _stop(outcome: Outcome, rows: list[Row]) -> Outcome:
    """The first MAX_ERRORS errors in row order, and a last one saying the check stopped."""
    outcome.rows = len(rows)
    outcome.stopped = True
    outcome.errors = [error for row in rows for error in row.errors][:MAX_ERRORS]
    outcome.errors.append(RowError(None, None, _(
        "More than %(max)s errors were found, so the check stopped at row %(row)s. Correct "
        "these and upload the file again.") % {"max": format_number(MAX_ERRORS),
                                               "row": rows[-1].number}))
    return outcome


def _find_header(rows_iter, by_header, columns, importer, outcome):
    required = {normalize(c.header) for c in columns if c.required}
    best: tuple[int, set[str]] | None = None
    for number in range(1, MAX_TITLE_ROWS + 2):
        cells = next(rows_iter, None)
        if cells is None:
            break
        names = [normalize(str(v)) if v is not None else "" for v in cells]
        matched = {name for name in names if name in by_header}
        if best is None or len(matched) > len(best[1]):
            best = (number, matched)
        if required <= matched and matched:
            mapping: dict[str, tuple[int, str]] = {}
            for index, value in enumerate(cells):
                name = names[index]
                if name not in by_header:
                    continue
                key = by_header[name].key
                if key in mapping:
                    outcome.errors.append(RowError(number, str(value).strip(), _(
                        "this column appears twice in the header row")))
                    continue
                mapping[key] = (index, str(value).strip())
            for message in importer.check_headers(set(mapping)):
                outcome.errors.append(RowError(None, None, message))
            if outcome.errors:
                return None, number
            return mapping, number
    if best is None or not best[1]:
        outcome.errors.append(RowError(None, None, _(
            "No header row found in the first %(n)s rows; the template's headers are: %(headers)s"
        ) % {"n": MAX_TITLE_ROWS + 1, "headers": ", ".join(f'"{c.header}"' for c in columns
                                                           if c.required)}))
        return None, 0
    missing = [c.header for c in columns if c.required and normalize(c.header) not in best[1]]
    outcome.errors.append(RowError(None, None, _("Row %(row)s: missing column(s) %(columns)s") % {
        "row": best[0], "columns": ", ".join(f'"{m}"' for m in missing)}))
    return None, best[0]


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


ERROR_VALUES = frozenset(ERROR_CODES)


def _parse_cell(row: Row, column: Column, value: Any) -> Any:
    if isinstance(value, str):
        if value.startswith("="):
            row.error(column.key, _("the cell holds a formula (%(formula)s); paste its value "
                                    "instead") % {"formula": value[:40]})
            return None
        if value in ERROR_VALUES:
            row.error(column.key, _("the cell holds an error value (%(value)s)")
                      % {"value": value})
            return None
    if _is_blank(value):
        if column.required:
            row.error(column.key, _("must not be empty"))
        return None
    try:
        return column.parse(value)
    except CellError as exc:
        row.error(column.key, exc.message)
        return None


# ---- cell parsers: each takes a non-blank cell value and returns a domain value -------------

_INT_RE = re.compile(r"^[+-]?\d+$")
_GROUPED_RE = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_DECIMAL_RE = re.compile(r"^[+-]?(\d+|\d{1,3}(\.\d{3})+),\d+$")


def parse_number(value: Any, *, integer: bool = False, minimum: Decimal | int | None = 0,
                 maximum: Decimal | int | None = None) -> Decimal | int:
    """A numeric cell, or text in Vietnamese form: 1.234,5 and 1.500 (= 1500); 1.5 is refused."""
    if isinstance(value, bool):
        raise CellError(_("is not a number"))
    if isinstance(value, int) and integer and (minimum is None or value >= minimum) and (
            maximum is None or value <= maximum):
        return value  # the common case of a whole-number cell, without Decimal round trips
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, Decimal):
        number = value
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        if _INT_RE.match(text):
            number = Decimal(text)
        elif _GROUPED_RE.match(text):
            number = Decimal(text.replace(".", ""))
        elif _DECIMAL_RE.match(text):
            number = Decimal(text.replace(".", "").replace(",", "."))
        else:
            raise CellError(_('"%(text)s" is not a number written the Vietnamese way '
                              "(for example 1.234,5)") % {"text": str(value)[:30]})
    try:
        if not number.is_finite():
            raise CellError(_("is not a number"))
    except InvalidOperation:
        raise CellError(_("is not a number")) from None
    if minimum is not None and number < minimum:
        raise CellError(_("must not be negative") if minimum == 0 else
                        _("must be at least %(min)s") % {"min": minimum})
    if maximum is not None and number > maximum:
        raise CellError(_("must be at most %(max)s") % {"max": format_number(maximum)})
    if integer:
        if number != number.to_integral_value():
            raise CellError(_("must be a whole number"))
        return int(number)
    return number.normalize() if number == number.to_integral_value() else number


def year_parser(minimum: int, *, future: bool = False) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, (datetime, date)):
            raise CellError(_("must be a year such as 2018, not a date"))
        try:
            year = parse_number(value, integer=True, minimum=None)
        except CellError:
            raise CellError(_("must be a year such as 2018")) from None
        this_year = timezone.localdate().year
        if year < minimum:
            raise CellError(_("must be %(min)s or later") % {"min": minimum})
        if not future and year > this_year:
            raise CellError(_("cannot be in the future (after %(year)s)") % {"year": this_year})
        return int(year)

    return parse


def validated(clean: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A cell parser from a model's own rule: `clean` returns the value as stored or raises
    Django's ValidationError, whose message becomes the cell's."""

    def parse(value: Any) -> Any:
        try:
            return clean(value)
        except ValidationError as exc:
            raise CellError(" ".join(exc.messages)) from None

    return parse


def text_parser(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if isinstance(value, float) and value == int(value):
            value = int(value)
        if isinstance(value, (datetime, date)):
            value = value.strftime("%d/%m/%Y")
        text = normalize_text(str(value))
        if len(text) > max_length:
            raise CellError(_("is longer than %(n)s characters") % {"n": max_length})
        return text

    return parse


_PLAIN = re.compile(r"^\S+( \S+)*$")


def normalize_text(text: str) -> str:
    if text.isascii() and _PLAIN.match(text):
        return text  # nothing to collapse and nothing to compose
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def choice_parser(options: dict[str, Any], label: str) -> Callable[[Any], Any]:
    """Match a coded value like a header (NFC, case folding, spaces); `options` keys are
    normalized already."""

    seen: dict[Any, Any] = {}  # coded columns repeat a handful of values down a whole file

    def parse(value: Any) -> Any:
        if value in seen:
            return seen[value]
        if isinstance(value, float) and value == int(value):
            value = int(value)
        key = normalize(str(value))
        if key in options:
            seen[value] = options[key]
            return options[key]
        raise CellError(_('"%(value)s" is not a known %(what)s') % {
            "value": str(value)[:60], "what": label})

    return parse


def choices_map(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    return {normalize(label): value for label, value in pairs}


def template_file_name(importer: Importer) -> str:
    """mau-nhap-so-lieu-nang-luong.xlsx: the template's title in Vietnamese, as its headers
    are, whatever the interface language."""
    with translation.override("vi"):
        return f"mau-nhap-{slug(str(importer.title))}.xlsx"


def build_template(importer: Importer) -> bytes:
    """The downloadable template: the header row, drop-down lists for coded columns (from a
    hidden sheet, so long lists work) and one example row."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    from melinh_sxsh.lib.xlsx import HEADER_FILL, HEADER_FONT

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Mẫu nhập"
    lists = workbook.create_sheet("Danh mục")
    lists.sheet_state = "hidden"
    columns = importer.columns()
    list_column = 0
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        sheet.cell(row=2, column=index, value=column.example)
        sheet.column_dimensions[letter].width = column.width
        if column.choices:
            list_column += 1
            list_letter = get_column_letter(list_column)
            for position, choice in enumerate(column.choices, start=1):
                lists.cell(row=position, column=list_column, value=choice)
            source = (f"{quote_sheetname(lists.title)}!${list_letter}$1:"
                      f"${list_letter}${len(column.choices)}")
            validation = DataValidation(type="list", formula1=source, allow_blank=True,
                                        showErrorMessage=True, errorTitle=column.header,
                                        error="Chọn một giá trị trong danh sách.")
            validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
