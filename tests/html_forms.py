"""Read a page's forms the way a browser submits them: tests post what the page really shows
(hidden version and snapshot included), not a dictionary written by hand."""

from __future__ import annotations

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: tuple[str, bool, list, list] | None = None  # name, multiple, chosen, all
        self._option: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {
                "action": attrs.get("action", ""),
                "method": attrs.get("method", "get"),
                "class": attrs.get("class", ""),
                "fields": [],
            }
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._form["fields"].append((name, attrs.get("value", "on")))
            else:
                self._form["fields"].append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self._select = (name, "multiple" in attrs, [], [])
        elif tag == "option" and self._select is not None:
            value = attrs.get("value")
            self._option = value
            self._text = []
            if value is not None:
                self._select[3].append(value)
                if "selected" in attrs:
                    self._select[2].append(value)
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea is not None or self._option is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, multiple, chosen, every = self._select
            if not chosen and not multiple and every:
                chosen = [every[0]]  # a browser submits the first option
            self._form["fields"] += [(name, value) for value in chosen]
            self._select = None
        elif tag == "option":
            self._option = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            text = "".join(self._text)
            self._form["fields"].append((self._textarea, text.removeprefix("\n")))
            self._textarea = None


def page_forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form_data(html: str, *, having: str) -> dict[str, str | list[str]]:
    """The fields of the page's first POST form that has a field named `having`, as a dict for
    the test client (lists for repeated names)."""
    for form in page_forms(html):
        names = [name for name, _value in form["fields"]]
        if form["method"].lower() == "post" and having in names:
            data: dict[str, str | list[str]] = {}
            for name, value in form["fields"]:
                if name in data:
                    previous = data[name]
                    data[name] = (previous if isinstance(previous, list) else [previous]) + [value]
                else:
                    data[name] = value
            return data
    raise AssertionError(f"no POST form with a field {having!r}")
