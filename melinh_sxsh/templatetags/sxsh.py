"""Numbers in Vietnamese form (1.234,5) whatever the thousand-separator setting, and small
helpers for query strings."""

from decimal import Decimal

from django import template

from melinh_sxsh.lib.forms import number_text
from melinh_sxsh.lib.text import format_number, format_significant

register = template.Library()


@register.filter
def num(value, places=0):
    """`{{ value|num }}` -> 1.234; `{{ value|num:2 }}` -> 1.234,50 (rounded half up)."""
    try:
        places = int(places)
    except (TypeError, ValueError):
        places = 0
    return format_number(value, places)


@register.filter
def sig(value, spec="3,2"):
    """`{{ value|sig }}`: 3 significant digits and at least 2 decimals, so that a small figure
    (the SEC of a product counted in kg: 0,00412) does not read 0,00; `|sig:"2,1"`: 2
    significant digits, at least 1 decimal."""
    try:
        digits, places = (int(part) for part in f"{spec},2".split(",")[:2])
    except (TypeError, ValueError):
        digits, places = 3, 2
    return format_significant(value, digits, places)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for sort links and pages)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.filter
def percent(ratio, places=2):
    """A ratio as a percentage: 0.0825 -> 8,25%."""
    if ratio is None or ratio == "":
        return "—"
    return format_number(Decimal(str(ratio)) * 100, int(places)) + "%"


@register.filter
def input_number(value):
    """A number as the value of a text box (15.000.000, 1.234,5) in any interface language:
    the forms read numbers the Vietnamese way only (lib/forms.py)."""
    if value is None or value == "":
        return ""
    return number_text(value)


@register.filter
def lowerfirst(value):
    """A label inside a sentence: its first letter lower-cased, unless its first word is an
    abbreviation (SEC stays SEC), and nothing else: "Đang áp dụng nhưng không có giải pháp
    SXSH" -> "đang áp dụng nhưng không có giải pháp SXSH" (Django's `lower` would write sxsh)."""
    text = str(value)
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return text
    return text[:1].lower() + text[1:]
