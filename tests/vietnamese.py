"""What a Vietnamese reader must never find in what the portal shows them:

- a source string of the catalogue (locale/vi) left in English, or an English word of one;
- an English word that never went through our catalogue: a word of Django's or of a library's
  own source strings (their catalogues are read too), e.g. django-filter's "(descending)";
- a raw code: a choice's stored value or a constant (`in_progress`, `KHUYEN_CONG`);
- a number written the English way (`20.00`, `0.5`);
- an abbreviation written in lower case (`sxsh` for SXSH);
- a list whose options are bare codes (`C10`).

`problems(text)` answers for plain text (a PDF's, a workbook's cells); `page_problems(html)`
for a page, reading what a person reads: the text, the tooltips, placeholders and labels, the
options of every list, the words of a button and the values in the fields (only their
numbers: what a person typed is theirs). `data` names words that are the data's own (people's
and places' names, codes the admin edits): Vietnamese names without diacritics (*Than*, coal;
*Long*) look like English words."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from html.parser import HTMLParser
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"

WORD = re.compile(r"[^\W\d_]+")
# snake_case or UPPER_SNAKE: a choice's stored value, a constant, a field's name.
RAW_CODE = re.compile(r"\b[A-Za-z]+(?:_[A-Za-z0-9]+)+\b")
# 20.00, 3.5, 12.3456: the English decimal point (1.234 is Vietnamese grouping; dd/mm/yyyy and
# 108/KH-UBND are not numbers).
ENGLISH_DECIMAL = re.compile(r"(?<![\w.,/-])\d+\.(?:\d{1,2}|\d{4,})(?![\w.,/-]|\.\d)")
# An option that is only a code: C10, KHUYEN_CONG, 08989.
BARE_CODE = re.compile(r"^(?:[A-Z]{1,3}\d{1,5}|\d{5}|[A-Z]+(?:_[A-Z0-9]+)+)$")
# Abbreviations that are always written in capitals.
LOWER_ABBREVIATION = re.compile(r"\b(sxsh|ubnd|toe|vsic|hđnd|vnđ)\b")
# An address, a link or a file's name is the same in every language.
ADDRESS = re.compile(
    r"\S+@\S+|\bhttps?://\S+|[\w.-]+\.(?:pdf|xlsx|xls|docx|doc|pptx|ppt|jpg|png)\b"
)
# A checksum (a report's SHA-256), or a salt or hash shown masked by the admin ("bad8Tq*****"):
# random letters, whatever words they happen to spell.
CHECKSUM = re.compile(r"\b(?=[0-9a-f]*\d)[0-9a-f]{16,}|\S+\*{4,}")

# Names and abbreviations that are the same in both languages.
SHARED = {
    "sxsh", "toe", "kgoe", "kwh", "sec", "vsic", "cp", "pdf", "excel", "email", "xlsx", "ubnd",
    "kh", "id", "tnhh", "vhtt", "tt", "cn", "ttcn", "lpg", "rss", "atom", "vnd", "url", "km",
    "kg", "gb", "mb", "kb", "byte", "bytes", "sha", "web",
}  # fmt: skip


def _msgids(path: Path) -> list[str]:
    return [entry.msgid for entry in polib.pofile(str(path)) if entry.msgid]


def library_catalogues() -> list[Path]:
    """One catalogue of Django and of each installed library: their English source strings are
    what a page shows of a library string that has no Vietnamese translation."""
    from django.apps import apps
    from django.conf import locale as django_locale

    paths = [Path(django_locale.__file__).parent / "en" / "LC_MESSAGES" / "django.po"]
    for config in apps.get_app_configs():
        folder = Path(config.path) / "locale"
        if folder.is_dir() and "site-packages" in folder.parts:
            found = sorted(folder.glob("*/LC_MESSAGES/django.po"))
            english = [path for path in found if path.parts[-3] == "en"]
            paths += (english or found)[:1]
    return paths


def words(text: str) -> set[str]:
    # Placeholders (%(name)s, {name}), a command's options (--unit) and tags are not words.
    text = re.sub(r"<[^>]*>|%\(\w+\)[sd]|%[sd]|\{\w*\}|--[\w-]+", " ", text)
    return {word.lower() for word in WORD.findall(text)}


@cache
def catalogue() -> tuple[tuple[str, ...], frozenset[str]]:
    """(our English source strings, the English words: those of every source string, ours and
    the libraries', that no Vietnamese translation of ours uses)."""
    po = polib.pofile(str(CATALOGUE))
    # A string translated as itself ("SXSH Mê Linh") is not one left in English.
    ours = tuple(
        entry.msgid
        for entry in po
        if entry.msgid and not entry.obsolete and entry.msgstr != entry.msgid
    )
    vietnamese = set(SHARED)
    for entry in po:
        vietnamese |= words(entry.msgstr)
        for plural in entry.msgstr_plural.values():
            vietnamese |= words(plural)
    english = set()
    for msgid in ours + tuple(m for path in library_catalogues() for m in _msgids(path)):
        english |= words(msgid)
    return ours, frozenset(w for w in english - vietnamese if len(w) > 1 and w.isascii())


def problems(
    text: str, *, data: frozenset[str] = frozenset(), quoted: tuple[str, ...] = ()
) -> list[str]:
    """What is not Vietnamese in `text`; `quoted`: texts of the data shown as they are."""
    ours, english = catalogue()
    for passage in sorted(quoted, key=len, reverse=True):
        text = text.replace(passage, " ")
    text = CHECKSUM.sub(" ", ADDRESS.sub(" ", text))
    found = [
        f"untranslated: {msgid!r}"
        for msgid in ours
        # A whole phrase left in English (single words are caught below).
        if " " in msgid and "%" not in msgid and len(msgid) > 8 and msgid in text
    ]
    found += [f"English word: {w!r}" for w in sorted(words(text) & english - data)]
    found += [f"raw code: {code!r}" for code in sorted(set(RAW_CODE.findall(text)) - data)]
    found += [f"English number: {n!r}" for n in sorted(set(ENGLISH_DECIMAL.findall(text)))]
    found += [
        f"abbreviation in lower case: {a!r}" for a in sorted(set(LOWER_ABBREVIATION.findall(text)))
    ]
    return found


READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "hx-confirm", "data-confirm",
                   "label"}  # fmt: skip
SILENT = {"script", "style", "template"}
BUTTONS = {"submit", "button", "reset"}
FIELDS = {"text", "search", "number", "email", "tel", "date", "url"}


class Reader(HTMLParser):
    """What a person reads on a page (`texts`), the values in its fields (`values`) and the
    labels of each list's options (`options`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.values: list[str] = []
        self.options: list[str] = []
        self._silent = 0
        self._textarea = False
        self._option: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in SILENT:
            self._silent += 1
        self.texts += [value for name, value in attrs if name in READ_ATTRIBUTES and value]
        if tag == "meta" and values.get("name") == "description":
            self.texts.append(values.get("content") or "")
        kind = values.get("type", "text")
        if tag == "input" and kind in BUTTONS and values.get("value"):
            self.texts.append(values["value"])
        if tag == "input" and kind in FIELDS and values.get("value"):
            self.values.append(values["value"])
        self._textarea = self._textarea or tag == "textarea"
        if tag == "option":
            self._option = []
        source = values.get("src") or ""
        if tag == "img" and source.startswith("data:image/svg+xml;base64,"):
            self.texts += chart_texts(source)

    def handle_endtag(self, tag):
        if tag in SILENT:
            self._silent = max(0, self._silent - 1)
        if tag == "textarea":
            self._textarea = False
        if tag == "option" and self._option is not None:
            self.options.append(" ".join("".join(self._option).split()))
            self._option = None

    def handle_data(self, data):
        if self._silent:
            return
        (self.values if self._textarea else self.texts).append(data)
        if self._option is not None:
            self._option.append(data)


def chart_texts(uri: str) -> list[str]:
    """The words drawn in a chart (an SVG image in a data: URI): its titles, labels, legend."""
    import base64
    from xml.etree import ElementTree

    svg = ElementTree.fromstring(base64.b64decode(uri.split(",", 1)[1]))
    return [
        "".join(node.itertext())
        for node in svg.iter()
        if node.tag.rsplit("}", 1)[-1] in ("text", "title")
    ]


def read(html: str) -> Reader:
    reader = Reader()
    reader.feed(html)
    reader.close()
    return reader


def page_problems(
    html: str, *, data: frozenset[str] = frozenset(), quoted: tuple[str, ...] = ()
) -> list[str]:
    reader = read(html)
    found = problems("\n".join(reader.texts), data=data, quoted=quoted)
    values = "\n".join(reader.values)
    for passage in quoted:
        values = values.replace(passage, " ")
    found += [
        f"English number in a field: {n!r}" for n in sorted(set(ENGLISH_DECIMAL.findall(values)))
    ]
    found += [f"option shows a bare code: {o!r}" for o in reader.options if BARE_CODE.match(o)]
    return found


def names_of(*texts: str) -> frozenset[str]:
    """The words of names the data holds, as `data`."""
    return frozenset(word for text in texts for word in words(text))


def reference_names() -> frozenset[str]:
    """Words of the reference data's names (communes, units, sectors, carriers, techniques,
    funding sources): Vietnamese, even those without a diacritic."""
    from django.apps import apps

    texts = []
    for label in (
        "accounts.Commune",
        "accounts.Unit",
        "facilities.Sector",
        "audits.EnergyCarrier",
        "audits.CPTechnique",
        "campaigns.FundingSource",
    ):
        model = apps.get_model(label)
        fields = [f.name for f in model._meta.fields if f.name in ("name", "unit")]
        texts += [" ".join(map(str, row)) for row in model.objects.values_list(*fields)]
    return names_of(*texts)


FEED_TEXT = {"title", "subtitle", "summary", "description", "content", "name", "category"}


def content_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def response_text(response) -> str | None:
    """What a person reads in a response that is not a page (None for a page): the text of a
    PDF, the words of a workbook (its sheets' names and text cells: numbers are the
    spreadsheet's to show), the titles and summaries of a feed (its dates are in the format's
    own English)."""
    kind = response.get("Content-Type", "")
    if kind.startswith("text/html"):
        return None
    return file_text(kind, content_of(response))


@lru_cache(maxsize=32)
def file_text(kind: str, content: bytes) -> str:
    """`response_text` of a file, read once per content: a sweep downloads the same report as
    each role, and reading a PDF's text takes a quarter of a second."""
    from io import BytesIO
    from xml.etree import ElementTree

    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(BytesIO(content), read_only=True)
        cells = [
            value
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if isinstance(value, str)
        ]
        return "\n".join([sheet.title for sheet in book.worksheets] + cells)
    if "xml" in kind:
        return "\n".join(
            node.text or ""
            for node in ElementTree.fromstring(content).iter()
            if node.tag.rsplit("}", 1)[-1] in FEED_TEXT
        )
    if kind.startswith("text/plain"):
        return content.decode()
    if "pdf" in kind:
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    return ""


def response_problems(
    response, *, data: frozenset[str] = frozenset(), quoted: tuple[str, ...] = ()
) -> list[str]:
    if response.status_code in (301, 302):
        return []
    text = response_text(response)
    if text is None:
        return page_problems(content_of(response).decode(), data=data, quoted=quoted)
    return problems(text, data=data, quoted=quoted)
