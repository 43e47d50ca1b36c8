"""Uploads judged by their content, not their name, with size limits per kind."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.utils.translation import gettext as _

MB = 1024 * 1024


@dataclass(frozen=True)
class FileType:
    name: str
    extensions: tuple[str, ...]


PDF = FileType("PDF", (".pdf",))
DOCX = FileType("Word", (".docx",))
XLSX = FileType("Excel", (".xlsx",))
PPTX = FileType("PowerPoint", (".pptx",))
ODF = FileType("OpenDocument", (".odt", ".ods", ".odp"))
OLE = FileType("Office 97-2003", (".doc", ".xls", ".ppt"))
JPEG = FileType("JPEG", (".jpg", ".jpeg"))
PNG = FileType("PNG", (".png",))
WEBP = FileType("WebP", (".webp",))

DOCUMENTS = (PDF, DOCX, XLSX, PPTX, ODF, OLE)
PHOTOS = (JPEG, PNG, WEBP)
# An Office file with macros: accepted nowhere, whatever its name.
MACROS = FileType("macros", ())


OOXML = (DOCX, XLSX, PPTX)
# Content types of VBA projects, macro-enabled documents and templates, Excel 4 macro sheets.
MACRO_CONTENT_TYPES = re.compile(r"macroenabled|vbaproject|macrosheet", re.IGNORECASE)


def has_macros(archive: zipfile.ZipFile) -> bool:
    """Whether an Office Open XML package carries macros, whatever the file is called: a VBA
    project part, or a macro content type among the first megabyte of its content types."""
    if any("vbaproject" in name.lower() for name in archive.namelist()):
        return True
    try:
        with archive.open("[Content_Types].xml") as stream:
            head = stream.read(MB)
    except (KeyError, zipfile.BadZipFile, EOFError, OSError, RuntimeError, NotImplementedError):
        return False
    encoding = "utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8"
    return bool(MACRO_CONTENT_TYPES.search(head.decode(encoding, errors="ignore")))


class UploadRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def sniff(handle: IO[bytes]) -> FileType | None:
    handle.seek(0)
    head = handle.read(16)
    handle.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(handle) as archive:
                names = set(archive.namelist())
                if sum(info.file_size for info in archive.infolist()) > 500 * MB:
                    return None
                if "[Content_Types].xml" in names and has_macros(archive):
                    return MACROS
        except (zipfile.BadZipFile, EOFError, OSError):
            return None
        finally:
            handle.seek(0)
        if "mimetype" in names and "content.xml" in names:
            return ODF
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return DOCX
            if any(n.startswith("xl/") for n in names):
                return XLSX
            if any(n.startswith("ppt/") for n in names):
                return PPTX
    return None


def check_upload(upload, allowed: tuple[FileType, ...], max_bytes: int) -> FileType:
    """The type of an uploaded file, or UploadRefused with a message naming the problem."""
    size = upload.size or 0
    if size == 0:
        raise UploadRefused(_("The file is empty."))
    if size > max_bytes:
        raise UploadRefused(_("The file is larger than %(mb)s MB.") % {"mb": max_bytes // MB})
    kind = sniff(upload)
    if kind is MACROS:
        raise UploadRefused(_("The file contains macros (VBA), which are not accepted. Save it "
                              "without macros (as .docx, .xlsx or .pptx) and upload it again."))
    names = ", ".join(t.name for t in allowed)
    if kind is None or kind not in allowed:
        raise UploadRefused(_("This type of file is not accepted here; accepted: %(types)s.")
                            % {"types": names})
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in kind.extensions:
        raise UploadRefused(_("The file's name ends in %(ext)s but its content is %(type)s.")
                            % {"ext": extension or "—", "type": kind.name})
    return kind
