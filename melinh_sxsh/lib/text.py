"""Vietnamese text: matching keys that ignore case and diacritics, alphabetical order, and
numbers written the Vietnamese way (1.234,5)."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from django.utils import formats

_SPACES = re.compile(r"\s+")

# Combining marks: the five tones, and the three marks that make letters of their own.
GRAVE, ACUTE, HOOK, TILDE, DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
BREVE, CIRCUMFLEX, HORN = "\u0306", "\u0302", "\u031b"
TONES = {GRAVE, ACUTE, HOOK, TILDE, DOT}
# Dictionary order of tones: ngang, huyền, hỏi, ngã, sắc, nặng.
TONE_RANK = {"": 0, GRAVE: 1, HOOK: 2, TILDE: 3, ACUTE: 4, DOT: 5}

# The Vietnamese alphabet, with the Latin letters it lacks (f, j, w, z) in their Latin places.
ALPHABET = ["a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m",
            "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z"]
_LETTER_RANK = {letter: index for index, letter in enumerate(ALPHABET)}
_DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def normalize(value: str) -> str:
    """NFC, case folding and single spaces: how headers and coded values are matched."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value or "").casefold()).strip()


_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(value: str) -> str:
    """Lower-case text without diacritics: 'Tiền Phong' -> 'tien phong'. For searching."""
    text = unicodedata.normalize("NFD", normalize(value)).replace("đ", "d")
    return _COMBINING.sub("", text)


def slug(value: str) -> str:
    """A file name's words: 'Thị trấn Quang Minh' -> 'thi-tran-quang-minh'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(value)).strip("-")


@lru_cache(maxsize=4096)
def _weights(ch: str) -> tuple[str, str] | None:
    """(primary token, tone digit) of one character, or None for what sorts as nothing.
    Cached: names repeat the same few dozen letters, and imports sort tens of thousands."""
    base, tone = _split_letter(ch)
    if base in _LETTER_RANK:
        return _token(100 + _LETTER_RANK[base]), _DIGITS36[TONE_RANK[tone]]
    if base.isdigit():
        return _token(10 + int(base)), "0"
    if base.isspace():
        return "01", ""
    if base.isalnum():
        return _token(200 + ord(base) % 1000), "0"
    return None


def _split_letter(ch: str) -> tuple[str, str]:
    """A precomposed letter -> (letter without tone, tone mark)."""
    parts = unicodedata.normalize("NFD", ch)
    tone = next((mark for mark in parts[1:] if mark in TONES), "")
    base = unicodedata.normalize("NFC", "".join(mark for mark in parts if mark not in TONES))
    return base, tone


def _token(number: int) -> str:
    # Two base-36 characters: only [0-9a-z], whose order is the same in every collation.
    return _DIGITS36[number // 36] + _DIGITS36[number % 36]


def sort_key(value: str) -> str:
    """A key whose plain string order is Vietnamese alphabetical order.

    Letters first (a < ă < â < b ... d < đ ...), tones only to break ties, as dictionaries do.
    Digits sort before letters, spaces and punctuation before both.
    """
    primary, secondary = [], []
    for ch in unicodedata.normalize("NFC", value or "").casefold():
        weights = _weights(ch)
        if weights is None:
            continue
        token, tone = weights
        if token == "01":  # a space: one separator between words, none at the start
            if primary and primary[-1] != "01":
                primary.append("01")
            continue
        primary.append(token)
        secondary.append(tone)
    if primary and primary[-1] == "01":
        primary.pop()
    return "".join(primary) + "00" + "".join(secondary)


def format_number(value, places: int = 0) -> str:
    """1234.5 -> '1.234,5' in Vietnamese, '1,234.5' in English; None -> '—'. Rounded half up
    here: Django's number_format, which writes the separators of the active language, would
    cut the extra digits off instead."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return formats.number_format(number, places, use_l10n=True, force_grouping=True)


# A figure shown with significant digits never has more decimals than this.
MAX_PLACES = 8


def significant_places(value, digits: int = 3, places: int = 2) -> int:
    """The decimals that show `value` with at least `digits` significant digits, and never
    fewer than `places`: 1234,57; 12,35; 0,0123 (a kgOE per kg of product). Zero: `places`."""
    try:
        number = abs(Decimal(str(value)))
    except InvalidOperation:
        return places
    if not number.is_finite() or number == 0:
        return places
    return min(MAX_PLACES, max(places, digits - number.adjusted() - 1))


def round_significant(value, digits: int = 3, places: int = 2) -> Decimal:
    """`value` rounded half up as `format_significant` shows it (for a workbook's cells)."""
    number = Decimal(str(value))
    return number.quantize(Decimal(1).scaleb(-significant_places(number, digits, places)),
                           rounding=ROUND_HALF_UP)


def format_significant(value, digits: int = 3, places: int = 2) -> str:
    """`format_number` with enough decimals for `digits` significant digits (at least
    `places`): a small SEC such as 0,00412 kgOE/kg is not shown as 0,00."""
    if value is None or value == "":
        return "—"
    return format_number(value, significant_places(value, digits, places))


def place_and_date(day, place: str = "Mê Linh") -> str:
    """The place and date line of a document in the Decree 30 form: 'Mê Linh, ngày 05 tháng 03
    năm 2018' (Vietnamese words in every language: the document is Vietnamese)."""
    return f"{place}, ngày {day:%d} tháng {day:%m} năm {day:%Y}"
