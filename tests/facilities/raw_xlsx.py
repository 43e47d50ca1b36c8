"""Workbooks written part by part, as Excel writes them (shared strings, row and cell numbers),
and the hostile ones: small on disk, huge once inflated."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from io import BytesIO
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_WORKBOOK_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def content_types(overrides: dict[str, str]) -> str:
    parts = "".join(
        f'<Override PartName="/{name}" ContentType="{kind}"/>' for name, kind in overrides.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>' + parts + "</Types>"
    )


def relationships(targets: dict[str, tuple[str, str]]) -> str:
    rels = "".join(
        f'<Relationship Id="{rid}" Type="{REL}/{kind}" Target="{target}"/>'
        for rid, (kind, target) in targets.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns='
        '"http://schemas.openxmlformats.org/package/2006/relationships">'
        + rels
        + "</Relationships>"
    )


def write_part(archive: zipfile.ZipFile, name: str, content) -> None:
    """A part from bytes, text, or an iterable of byte chunks (streamed: a bomb never sits
    whole in memory)."""
    if isinstance(content, str):
        content = content.encode()
    if isinstance(content, bytes):
        archive.writestr(name, content)
        return
    with archive.open(name, "w", force_zip64=True) as part:
        for chunk in content:
            part.write(chunk)


def package(
    sheets: list[tuple[str, object]],
    *,
    strings=None,
    extra: dict | None = None,
    workbook_type: str = WORKBOOK_TYPE,
    extra_types: dict | None = None,
) -> bytes:
    """A workbook: `sheets` as (part name under xl/worksheets/, content), listed in the
    workbook in that order; `strings` the shared strings part (list of texts, or raw)."""
    overrides = {"xl/workbook.xml": workbook_type}
    rels = {}
    entries = []
    for index, (name, _content) in enumerate(sheets, start=1):
        overrides[f"xl/worksheets/{name}"] = SHEET_TYPE
        rels[f"rId{index}"] = ("worksheet", f"worksheets/{name}")
        entries.append(f'<sheet name="Trang {index}" sheetId="{index}" r:id="rId{index}"/>')
    if strings is not None:
        overrides["xl/sharedStrings.xml"] = STRINGS_TYPE
        rels["rIdS"] = ("sharedStrings", "sharedStrings.xml")
    overrides.update(extra_types or {})
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        write_part(archive, "[Content_Types].xml", content_types(overrides))
        write_part(
            archive, "_rels/.rels", relationships({"rId1": ("officeDocument", "xl/workbook.xml")})
        )
        write_part(
            archive,
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
            f'xmlns:r="{REL}"><sheets>{"".join(entries)}</sheets></workbook>',
        )
        write_part(archive, "xl/_rels/workbook.xml.rels", relationships(rels))
        for name, content in sheets:
            write_part(archive, f"xl/worksheets/{name}", content)
        if strings is not None:
            write_part(
                archive,
                "xl/sharedStrings.xml",
                shared_strings(strings) if isinstance(strings, list) else strings,
            )
        for name, content in (extra or {}).items():
            write_part(archive, name, content)
    return buffer.getvalue()


def shared_strings(texts: list[str]) -> str:
    items = "".join(f"<si><t>{escape(text)}</t></si>" for text in texts)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{len(texts)}" '
        f'uniqueCount="{len(texts)}">{items}</sst>'
    )


def sheet(rows: Iterable[str], *, head: str = "", tail: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{head}'
        f"<sheetData>{''.join(rows)}</sheetData>{tail}</worksheet>"
    )


def table(rows: list[list], *, first_row: int = 1) -> tuple[str, list[str]]:
    """Rows of values as Excel writes them: text through the shared strings, numbers inline,
    every row and cell numbered. Returns the sheet and the shared strings."""
    strings: dict[str, int] = {}
    xml_rows = []
    for number, values in enumerate(rows, start=first_row):
        cells = []
        for column, value in enumerate(values, start=1):
            ref = f"{get_column_letter(column)}{number}"
            if value is None:
                continue
            if isinstance(value, str):
                index = strings.setdefault(value, len(strings))
                cells.append(f'<c r="{ref}" t="s"><v>{index}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        xml_rows.append(f'<row r="{number}">{"".join(cells)}</row>')
    return sheet(xml_rows), list(strings)


def excel_file(rows: list[list], **options) -> bytes:
    xml, strings = table(rows)
    return package([("sheet1.xml", xml)], strings=strings, **options)


# ---- bombs: each a few hundred kilobytes on disk ------------------------------------------


def _repeat(piece: bytes, count: int, block: int = 10_000):
    full, rest = divmod(count, block)
    chunk = piece * block
    for _ in range(full):
        yield chunk
    yield piece * rest


def shared_strings_bomb(count: int = 16_000_000, *, declared: bool = True) -> bytes:
    """16 million one-letter shared strings (~270 MB inflated, ~660 KB on disk)."""
    attrs = f' count="{count}" uniqueCount="{count}"' if declared else ""

    def strings():
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}"{attrs}>'.encode()
        yield from _repeat(b"<si><t>a</t></si>", count)
        yield b"</sst>"

    header = sheet(['<row r="1"><c r="A1" t="s"><v>0</v></c></row>'])
    return package([("sheet1.xml", header)], strings=strings())


def empty_rows_bomb(count: int = 6_000_000) -> bytes:
    """A header row, then 6 million empty rows (~36 MB inflated, ~60 KB on disk)."""
    from tests.facilities.xlsx_helpers import FACILITY_HEADERS

    header, strings = table([FACILITY_HEADERS])

    def rows():
        head, tail = header.split("</sheetData>")
        yield head.encode()
        yield from _repeat(b"<row/>", count)
        yield b"</sheetData>" + tail.encode()

    return package([("sheet1.xml", rows())], strings=strings)


def errors_bomb(count: int = 100_000) -> bytes:
    """A header row, then 100,000 rows whose 15 cells are all wrong (~30 MB inflated)."""
    from tests.facilities.xlsx_helpers import FACILITY_HEADERS

    header, strings = table([FACILITY_HEADERS])
    wrong = len(strings)
    strings.append("sai")

    def rows():
        head, tail = header.split("</sheetData>")
        yield head.encode()
        yield from _repeat(
            b"<row>" + f'<c t="s"><v>{wrong}</v></c>'.encode() * 15 + b"</row>", count
        )
        yield b"</sheetData>" + tail.encode()

    return package([("sheet1.xml", rows())], strings=strings)


def stretched_range(count: int = 5_000) -> bytes:
    """A real table of `count` facilities whose sheet declares A1:XFD1048576, as formatting
    whole columns makes Excel and LibreOffice write."""
    from tests.facilities.xlsx_helpers import FACILITY_HEADERS, facility_row

    xml, strings = table([FACILITY_HEADERS] + [facility_row(n) for n in range(1, count + 1)])
    xml = xml.replace("<sheetData>", '<dimension ref="A1:XFD1048576"/><sheetData>')
    return package([("sheet1.xml", xml)], strings=strings)
