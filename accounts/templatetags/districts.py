"""Naming the district a page, letter or e-mail speaks for, where it has no request to take it
from (accounts/context_processors.place is the bar's and the title's)."""

from django import template

from accounts.context_processors import several_districts

register = template.Library()


@register.filter
def district_in_sentence(obj) -> str:
    """The district of `obj` (a District, or anything with a `district`) as written inside a
    sentence ("huyện Sóc Sơn"), while the portal serves several districts; "" with one, so that
    the template keeps Mê Linh's words as they always were."""
    if obj is None or getattr(obj, "district_id", True) is None:
        return ""  # no district to name (a row not saved with one)
    if not several_districts():
        return ""
    district = getattr(obj, "district", obj)
    named = str(district)
    return named[:1].lower() + named[1:]
