"""Excel files: checking an upload is a real, bounded .xlsx, reading it as a stream, and writing
workbooks whose text cells stay text.

What a file may make the reader do is bounded by what it declares and by what is actually read:
a 660 KB workbook can inflate to 16 million shared strings, an 860 KB one to 6 million empty
rows. Before openpyxl touches a part, a streaming parser (expat, fed 64 KB at a time) counts
what the part holds and refuses the file, with a message that says why, as soon as a limit is
passed. openpyxl then reads only what the scan let through: the shared strings this module
collected itself, and the first sheet up to its last row and column that hold data.
"""

from __future__ import annotations

import re
import time
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any
from xml.parsers import expat

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.packaging.manifest import Manifest
from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.packaging.workbook import WorkbookPackage
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.xml.constants import (
    ARC_CONTENT_TYPES,
    ARC_WORKBOOK,
    SHARED_STRINGS,
    SHEET_MAIN_NS,
    XLSX,
    XLTX,
)
from openpyxl.xml.functions import fromstring

from melinh_sxsh.lib.text import format_number
from melinh_sxsh.lib.uploads import MACRO_CONTENT_TYPES, has_macros

MAX_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED = 300 * 1024 * 1024  # a 10 MB .xlsx that inflates past this is a zip bomb
MAX_PARTS = 2_000
# Parts openpyxl reads whole and builds as a tree (styles, workbook, relationships...).
MAX_PART_BYTES = 32 * 1024 * 1024
MAX_PART_ELEMENTS = 200_000
# Shared strings are all held in memory while the sheet is read.
MAX_SHARED_STRINGS = 1_000_000
MAX_SHARED_CHARS = 16_000_000
# The first sheet: the importer takes 100,000 data rows; room for title rows and blank lines.
MAX_SHEET_ROWS = 200_000
MAX_EMPTY_RUN = 10_000
MAX_COLUMNS = 200
MAX_CELLS = 3_000_000
MAX_ROW_ELEMENTS = 5_000  # openpyxl builds each row as a tree before reading it
# Excel keeps a cell under 32,767 characters; a megabyte without markup is no spreadsheet.
MAX_RUN_BYTES = 1024 * 1024
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
CHUNK = 64 * 1024

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@")
MAIN = SHEET_MAIN_NS + "}"  # expat's name of an element of the main namespace: "uri}local"
_COORDINATE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_MARKUP = re.compile(rb"[<>]")


class UnreadableFile(Exception):
    """The file is not an .xlsx workbook we can read; the message says why, in Vietnamese."""


class _Stop(Exception):
    """Raised by a scan's handler once it has seen what it came for."""


class Deadline:
    """A wall-time budget: reading and checking a file stop, with a message, once it is spent."""

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self.at = None if seconds is None else time.monotonic() + seconds

    def check(self) -> None:
        if self.at is not None and time.monotonic() > self.at:
            raise UnreadableFile(
                _(
                    "Checking this file took longer than %(seconds)s seconds and was stopped; "
                    "split it into smaller files."
                )
                % {"seconds": format_number(self.seconds)}
            )


NO_DEADLINE = Deadline(None)


@dataclass(frozen=True)
class SheetShape:
    """Where the data of the first sheet ends: the last row and column holding a value."""

    rows: int
    columns: int


@dataclass
class _Package:
    archive: zipfile.ZipFile
    shared_strings: str | None
    sheet: str | None  # the first worksheet, the one imported
    worksheets: set[str]


def damaged() -> UnreadableFile:
    return UnreadableFile(_("The file is damaged or truncated."))


def not_a_workbook() -> UnreadableFile:
    return UnreadableFile(_("The file is not an Excel workbook (.xlsx)."))


def macros() -> UnreadableFile:
    return UnreadableFile(
        _(
            'The workbook contains macros (VBA). Save it in Excel as "Excel '
            'Workbook (.xlsx)", without macros, and upload it again.'
        )
    )


def _too_many_strings() -> UnreadableFile:
    return UnreadableFile(
        _(
            "The workbook holds more than %(max)s text values (shared strings); a file to import "
            "never needs so many. Copy only the data into a new workbook and upload that."
        )
        % {"max": format_number(MAX_SHARED_STRINGS)}
    )


# ---- opening the package and finding its parts the way openpyxl finds them -----------------


def _open(handle: IO[bytes], size: int | None) -> zipfile.ZipFile:
    if size is None:
        handle.seek(0, 2)
        size = handle.tell()
    handle.seek(0)
    if size == 0:
        raise UnreadableFile(_("The file is empty."))
    if size > MAX_BYTES:
        raise UnreadableFile(_("The file is larger than 10 MB."))
    if handle.read(4) != b"PK\x03\x04":
        raise not_a_workbook()
    handle.seek(0)
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise damaged() from exc
    try:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            raise UnreadableFile(
                _("The file holds more than %(max)s parts; it is not a workbook to import.")
                % {"max": format_number(MAX_PARTS)}
            )
        if ARC_CONTENT_TYPES not in {info.filename for info in infos}:
            raise not_a_workbook()
        if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED:
            raise UnreadableFile(_("The file inflates to an unreasonable size."))
        # A VBA project, whatever the file is called and whatever its content types claim.
        if has_macros(archive):
            raise macros()
    except BaseException:
        archive.close()
        raise
    return archive


def _locate(archive: zipfile.ZipFile, deadline: Deadline) -> _Package:
    """The parts openpyxl will read, found as it finds them (read_only, keep_links=False)."""
    names = set(archive.namelist())
    try:
        manifest = Manifest.from_tree(fromstring(_tree(archive, ARC_CONTENT_TYPES, deadline)))
        types = [part.ContentType for part in (*manifest.Default, *manifest.Override)]
        if any(MACRO_CONTENT_TYPES.search(content_type or "") for content_type in types):
            raise macros()
        workbook = next(
            (
                part.PartName[1:]
                for content_type in (XLTX, XLSX)
                for part in manifest.Override
                if part.ContentType == content_type
            ),
            None,
        )
        if workbook is None and {XLTX, XLSX} & {part.ContentType for part in manifest.Default}:
            workbook = ARC_WORKBOOK
        if workbook is None or workbook not in names:
            raise not_a_workbook()
        strings = manifest.find(SHARED_STRINGS)
        strings = strings.PartName[1:] if strings is not None else None
        if strings is not None and strings not in names:
            raise damaged()
        package = WorkbookPackage.from_tree(fromstring(_tree(archive, workbook, deadline)))
        rels_path = get_rels_path(workbook)
        _tree(archive, rels_path, deadline)  # bounded before openpyxl reads it whole
        rels = get_dependents(archive, rels_path).to_dict()
        worksheets: list[str] = []
        for sheet in package.sheets:
            if not sheet.id:
                continue
            target = rels[sheet.id].target
            if target in names and "chartsheet" not in (rels[sheet.id].Type or ""):
                worksheets.append(target)
    except UnreadableFile:
        raise
    except (KeyError, ValueError, TypeError, AttributeError, IndexError, SyntaxError) as exc:
        raise damaged() from exc
    return _Package(archive, strings, worksheets[0] if worksheets else None, set(worksheets))


def _tree(archive: zipfile.ZipFile, name: str, deadline: Deadline) -> bytes:
    """A part openpyxl builds as a whole tree, once it is known to be small enough."""
    _scan_tree(archive, archive.getinfo(name), deadline)
    return archive.read(name)


# ---- streaming scans ------------------------------------------------------------------------


def _parser() -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.buffer_size = CHUNK

    def refuse_dtd(*_args):
        # Spreadsheets never declare one; entity expansion is how a small XML file explodes.
        raise UnreadableFile(
            _(
                "The file declares a document type (DTD), which Excel never "
                "writes; it is not accepted."
            )
        )

    parser.StartDoctypeDeclHandler = refuse_dtd
    return parser


def _feed(archive: zipfile.ZipFile, info: zipfile.ZipInfo, parser, deadline: Deadline) -> None:
    """Parse a part 64 KB at a time, refusing a run of text or a tag longer than a megabyte
    (expat and openpyxl would hold it whole)."""
    run = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                first = _MARKUP.search(chunk)
                if first is None:
                    run += len(chunk)
                else:
                    if run + first.start() > MAX_RUN_BYTES:
                        break
                    run = len(chunk) - 1 - max(chunk.rfind(b"<"), chunk.rfind(b">"))
                if run > MAX_RUN_BYTES:
                    break
                deadline.check()
                parser.Parse(chunk, False)
            else:
                parser.Parse(b"", True)
                return
    except _Stop:
        return
    except (expat.ExpatError, LookupError) as exc:  # LookupError: an unknown encoding
        raise damaged() from exc
    except (
        zipfile.BadZipFile,
        EOFError,
        OSError,
        RuntimeError,
        NotImplementedError,
        zlib.error,
    ) as exc:
        raise damaged() from exc
    raise UnreadableFile(
        _(
            "The file holds a single value or tag longer than 1 MB; no "
            "spreadsheet cell is that long."
        )
    )


def _part_too_big(name: str, limit: int) -> UnreadableFile:
    return UnreadableFile(
        _(
            "The part %(part)s of the workbook is too large or too complex (over %(max)s); it is "
            "not a workbook to import."
        )
        % {"part": name, "max": format_number(limit)}
    )


def _scan_tree(archive: zipfile.ZipFile, info: zipfile.ZipInfo, deadline: Deadline) -> None:
    if info.file_size > MAX_PART_BYTES:
        raise _part_too_big(info.filename, MAX_PART_BYTES)
    parser = _parser()
    count = 0

    def start(_name, _attrs):
        nonlocal count
        count += 1
        if count > MAX_PART_ELEMENTS:
            raise _part_too_big(info.filename, MAX_PART_ELEMENTS)

    parser.StartElementHandler = start
    _feed(archive, info, parser, deadline)


def _looks_like_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    try:
        with archive.open(info) as stream:
            head = stream.read(64).lstrip(b" \t\r\n")
    except (
        zipfile.BadZipFile,
        EOFError,
        OSError,
        RuntimeError,
        NotImplementedError,
        zlib.error,
    ) as exc:
        raise damaged() from exc
    return head.startswith((b"<", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))


def _read_shared_strings(
    archive, name: str, deadline: Deadline, *, header_only: bool = False
) -> list[str]:
    """The shared strings table, read as openpyxl reads it (the text of an item's own <t> and
    of its runs, not of its phonetic hints), bounded in count and characters. Plain closures:
    a million items make five million calls of these handlers."""
    strings: list[str] = []
    plain: list[str] = []
    runs: list[str] = []
    text: list[str] | None = None
    depth = item_depth = phonetic = length = elements = 0
    item, t, rph = MAIN + "si", MAIN + "t", MAIN + "rPh"

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal depth, item_depth, phonetic, elements, text
        depth += 1
        elements += 1
        if elements > 8 * MAX_SHARED_STRINGS:
            raise _too_many_strings()
        if tag == item and not item_depth:
            if len(strings) >= MAX_SHARED_STRINGS:
                raise _too_many_strings()
            item_depth = depth
            plain.clear()
            runs.clear()
        elif tag == t:
            if item_depth and not phonetic:
                text = (
                    plain if depth == item_depth + 1 else runs if depth == item_depth + 2 else None
                )
        elif tag == rph:
            phonetic += 1
        elif depth == 1:
            for attr in ("count", "uniqueCount"):
                declared = attrs.get(attr, "")
                if declared.isascii() and declared.isdigit() and int(declared) > MAX_SHARED_STRINGS:
                    raise _too_many_strings()
            if header_only:
                raise _Stop

    def chars(data: str) -> None:
        nonlocal length
        if text is not None:
            length += len(data)
            if length > MAX_SHARED_CHARS:
                raise UnreadableFile(
                    _(
                        "The workbook's text values add up to more than %(max)s characters; a file "
                        "to import never needs so much."
                    )
                    % {"max": format_number(MAX_SHARED_CHARS)}
                )
            text.append(data)

    def end(tag: str) -> None:
        nonlocal depth, item_depth, phonetic, text
        if tag == t:
            text = None
        elif depth == item_depth:
            strings.append("".join(plain + runs).replace("x005F_", ""))
            item_depth = 0
        elif tag == rph:
            phonetic -= 1
        depth -= 1

    parser = _parser()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    _feed(archive, archive.getinfo(name), parser, deadline)
    return strings


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index


def _scan_sheet(archive, name: str, deadline: Deadline, *, head_only: bool = False) -> SheetShape:
    """Count what a worksheet holds, as openpyxl will read it, and find where its data ends.
    For the other sheets (head_only) only what openpyxl reads of them: up to <sheetData>.

    Plain closures and no depth tracking: a big legitimate sheet makes millions of calls.
    Inside <sheetData> the tags say where they are (a <row> is a row, a <c> a cell, a <v>,
    <f> or <is> a value), and a row's data is known when the next row starts."""
    in_data = False
    elements = row = row_elements = column = cells = last_row = last_column = 0
    row_has_data = False
    columns: dict[str, int] = {}
    sheet_data, row_tag, cell_tag = MAIN + "sheetData", MAIN + "row", MAIN + "c"
    values = {MAIN + "v", MAIN + "f", MAIN + "is"}

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal in_data, elements, row_elements, column, cells, row_has_data, last_column
        if in_data:
            row_elements += 1
            if tag == cell_tag:
                cells += 1
                ref = attrs.get("r")
                if ref is None:
                    column += 1
                else:
                    letters = ref.rstrip("0123456789")
                    column = columns.get(letters) or _letters_index(columns, letters, ref)
            elif tag in values:
                if column > last_column:
                    if column > MAX_COLUMNS:
                        raise _beyond_columns(row, column)
                    last_column = column
                row_has_data = True
            elif tag == row_tag:
                start_row(attrs.get("r"))
                return
            if row_elements > MAX_ROW_ELEMENTS or cells > MAX_CELLS:
                raise (
                    _row_too_big(row)
                    if row_elements > MAX_ROW_ELEMENTS
                    else UnreadableFile(
                        _("The sheet has more than %(max)s cells; split it into several files.")
                        % {"max": format_number(MAX_CELLS)}
                    )
                )
            return
        if tag == sheet_data:
            if head_only:
                raise _Stop
            in_data = True
            return
        elements += 1  # outside <sheetData>, openpyxl builds elements as trees
        if elements > MAX_PART_ELEMENTS:
            raise _part_too_big(name, MAX_PART_ELEMENTS)
        if tag == MAIN + "dimension":
            _check_dimension(attrs.get("ref", ""))

    def start_row(ref: str | None) -> None:
        nonlocal row, column, row_elements, row_has_data, last_row
        if row_has_data:
            last_row = row
        if ref is None:
            number = row + 1
        else:
            try:
                number = int(ref) if ref.isdigit() else int(float(ref))
            except (ValueError, OverflowError) as exc:
                raise damaged() from exc
        if number < 1:
            raise damaged()
        if number - last_row > MAX_EMPTY_RUN + 1:
            raise UnreadableFile(
                _(
                    "The sheet has more than %(max)s empty rows in a row from row %(row)s; delete "
                    "the empty rows (or copy the data into a new workbook) and upload it again."
                )
                % {"max": format_number(MAX_EMPTY_RUN), "row": format_number(last_row + 1)}
            )
        if number > MAX_SHEET_ROWS:
            raise UnreadableFile(
                _("The sheet has rows beyond row %(max)s; split it into several files.")
                % {"max": format_number(MAX_SHEET_ROWS)}
            )
        row, column, row_elements, row_has_data = number, 0, 0, False

    def end(tag: str) -> None:
        nonlocal in_data, last_row, row_has_data
        if tag == sheet_data:
            if row_has_data:
                last_row = row
            in_data = row_has_data = False

    parser = _parser()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    _feed(archive, archive.getinfo(name), parser, deadline)
    return SheetShape(last_row, last_column)


def _letters_index(cache: dict[str, int], letters: str, ref: str) -> int:
    match = _COORDINATE.match(ref)
    if match is None:
        raise damaged()
    index = cache[letters] = _column_index(match[1])
    return index


def _beyond_columns(row: int, column: int) -> UnreadableFile:
    return UnreadableFile(
        _(
            "Row %(row)s has a value in column %(column)s; a file to import uses the first %(max)s "
            "columns only."
        )
        % {
            "row": format_number(row),
            "column": get_column_letter(min(column, EXCEL_COLUMNS)),
            "max": MAX_COLUMNS,
        }
    )


def _row_too_big(row: int) -> UnreadableFile:
    return UnreadableFile(
        _("Row %(row)s of the sheet is too complex; it is not a workbook to import.")
        % {"row": format_number(row)}
    )


def _check_dimension(ref: str) -> None:
    # Formatting alone can stretch a declared range to row 1,048,576, so it is not trusted
    # (openpyxl is told where the data really ends); it is refused only beyond Excel's grid.
    for corner in ref.split(":"):
        match = _COORDINATE.match(corner)
        if match and (int(match[2]) > EXCEL_ROWS or _column_index(match[1]) > EXCEL_COLUMNS):
            raise UnreadableFile(
                _(
                    "The sheet declares the range %(ref)s, beyond what Excel "
                    "allows; the file was not made by Excel."
                )
                % {"ref": ref[:40]}
            )


def _inspect(package: _Package, deadline: Deadline) -> tuple[list[str], SheetShape]:
    """Every part openpyxl will read, scanned within bounds; the shared strings it will use."""
    archive = package.archive
    for info in archive.infolist():
        name = info.filename
        if name.endswith("/") or name == package.shared_strings or name in package.worksheets:
            continue
        if info.file_size > MAX_PART_BYTES:
            raise _part_too_big(name, MAX_PART_BYTES)
        if _looks_like_xml(archive, info):
            _scan_tree(archive, info, deadline)
    for name in sorted(package.worksheets - {package.sheet}):
        _scan_sheet(archive, name, deadline, head_only=True)
    strings = (
        _read_shared_strings(archive, package.shared_strings, deadline)
        if package.shared_strings
        else []
    )
    shape = _scan_sheet(archive, package.sheet, deadline) if package.sheet else SheetShape(0, 0)
    return strings, shape


# ---- the two entry points: a quick check at upload, a bounded read in the worker ------------


def check_xlsx(handle: IO[bytes], size: int | None = None) -> None:
    """Refuse at once what is plainly not a bounded .xlsx, judged by content rather than by
    name: not a zip, no workbook, macros, a zip bomb, more shared strings than accepted as
    declared by the file itself. Reads only small parts; `iter_rows` checks the rest."""
    archive = _open(handle, size)
    try:
        package = _locate(archive, NO_DEADLINE)
        if package.shared_strings:
            _read_shared_strings(archive, package.shared_strings, NO_DEADLINE, header_only=True)
    finally:
        archive.close()
        handle.seek(0)


class _Reader(ExcelReader):
    """openpyxl's reader (read-only, formulas as text, no external links), given the shared
    strings read above: its own reader keeps every parsed element until the end."""

    def __init__(self, handle: IO[bytes], strings: list[str]):
        super().__init__(handle, read_only=True, keep_vba=False, data_only=False, keep_links=False)
        self.bounded_strings = strings

    def read_strings(self) -> None:
        self.shared_strings = self.bounded_strings


def iter_rows(handle: IO[bytes], deadline: Deadline = NO_DEADLINE) -> Iterator[tuple[Any, ...]]:
    """Rows of the first sheet as tuples of values, up to the last row and column with data.

    Formulas are not evaluated (data_only=False): a formula arrives as its text "=...", so that
    it can be refused with a message instead of silently read as an empty cell.
    """
    archive = _open(handle, None)
    try:
        package = _locate(archive, deadline)
        strings, shape = _inspect(package, deadline)
    finally:
        archive.close()
        handle.seek(0)
    try:
        reader = _Reader(handle, strings)
        reader.read()
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise damaged() from exc
    workbook = reader.wb
    try:
        if not workbook.worksheets:
            raise UnreadableFile(_("The workbook has no sheet."))
        sheet = workbook.worksheets[0]
        if getattr(sheet, "_worksheet_path", None) != package.sheet:
            raise damaged()  # not the sheet that was scanned: read nothing unbounded
        if not shape.rows:
            return
        try:
            yield from sheet.iter_rows(max_row=shape.rows, max_col=shape.columns, values_only=True)
        except (
            KeyError,
            ValueError,
            IndexError,
            TypeError,
            zipfile.BadZipFile,
            EOFError,
            OSError,
            zlib.error,
        ) as exc:
            raise damaged() from exc
        except Exception as exc:  # XML errors from a truncated sheet
            if type(exc).__name__ in {"ParseError", "XMLSyntaxError"}:
                raise damaged() from exc
            raise
    finally:
        workbook.close()


def text_cell(sheet, value: Any) -> WriteOnlyCell:
    """A cell for a write-only sheet; text that looks like a formula is kept as text."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1B6B4A")


def write_table(
    sheet,
    headers: list[str],
    rows: Iterable[Iterable[Any]],
    widths: list[int] | None = None,
    number_formats: dict[int, str] | None = None,
):
    """Fill a write-only sheet: a frozen bold header, then the rows, safe from formula injection."""
    widths = widths or [max(12, min(40, len(h) + 4)) for h in headers]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        header_cells.append(cell)
    sheet.append(header_cells)
    formats = number_formats or {}
    for row in rows:
        # Plain values go in as they are; only formula-like text and formatted numbers need a
        # cell object of their own (creating one per value doubles the cost of a big export).
        cells = list(row)
        for index, value in enumerate(cells):
            if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
                cells[index] = text_cell(sheet, value)
            elif index in formats and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = formats[index]
                cells[index] = cell
        sheet.append(cells)


def new_write_only_workbook() -> Workbook:
    return Workbook(write_only=True)
