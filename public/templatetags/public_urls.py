"""`{% public_url "news_detail" article.pk of=article.district_id %}`: the address of a public
page on the page's own district (public/where.py); `of` sends an item listed on the city's pages
to its own district's page."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def public_url(context: template.Context, name: str, *args: Any, of: int | None = None) -> str:
    return context["where"].url(name, *args, district_id=of)
