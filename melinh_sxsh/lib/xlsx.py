"""Excel files: checking an upload is a real, bounded .xlsx, reading it as a stream, and writing
workbooks whose text cells stay text."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

MAX_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED = 300 * 1024 * 1024  # a 10 MB .xlsx that inflates past this is a zip bomb
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@")


class UnreadableFile(Exception):
    """The file is not an .xlsx workbook we can read; the message says why, in Vietnamese."""


def check_xlsx(handle: IO[bytes], size: int | None = None) -> None:
    """Refuse anything that is not a bounded .xlsx, judged by content rather than by name."""
    if size is None:
        handle.seek(0, 2)
        size = handle.tell()
    handle.seek(0)
    if size == 0:
        raise UnreadableFile(_("The file is empty."))
    if size > MAX_BYTES:
        raise UnreadableFile(_("The file is larger than 10 MB."))
    if handle.read(4) != b"PK\x03\x04":
        raise UnreadableFile(_("The file is not an Excel workbook (.xlsx)."))
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
                raise UnreadableFile(_("The file is not an Excel workbook (.xlsx)."))
            if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED:
                raise UnreadableFile(_("The file inflates to an unreasonable size."))
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise UnreadableFile(_("The file is damaged or truncated.")) from exc
    finally:
        handle.seek(0)


def iter_rows(handle: IO[bytes]) -> Iterator[tuple[Any, ...]]:
    """Rows of the first sheet as tuples of values, read as a stream (read-only mode).

    Formulas are not evaluated (data_only=False): a formula arrives as its text "=...", so that
    it can be refused with a message instead of silently read as an empty cell.
    """
    try:
        workbook = load_workbook(handle, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise UnreadableFile(_("The file is damaged or truncated.")) from exc
    try:
        if not workbook.worksheets:
            raise UnreadableFile(_("The workbook has no sheet."))
        sheet = workbook.worksheets[0]
        try:
            yield from sheet.iter_rows(values_only=True)
        except (KeyError, ValueError, zipfile.BadZipFile, EOFError, OSError) as exc:
            raise UnreadableFile(_("The file is damaged or truncated.")) from exc
        except Exception as exc:  # XML errors from a truncated sheet
            if type(exc).__name__ in {"ParseError", "XMLSyntaxError"}:
                raise UnreadableFile(_("The file is damaged or truncated.")) from exc
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


def write_table(sheet, headers: list[str], rows: Iterable[Iterable[Any]],
                widths: list[int] | None = None, number_formats: dict[int, str] | None = None):
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
