"""locale/vi is complete and the compiled catalogue matches the source."""

import gettext
from datetime import date
from decimal import Decimal
from pathlib import Path

import polib
from django.utils import formats, translation

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "vi" / "LC_MESSAGES"


def test_every_message_is_translated():
    po = polib.pofile(str(LOCALE / "django.po"))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or e.fuzzy)]
    assert missing == []
    assert len(po) > 50


def test_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(LOCALE / "django.po"))
    with open(LOCALE / "django.mo", "rb") as handle:
        mo = gettext.GNUTranslations(handle)
    stale = [e.msgid for e in po
             if not e.msgid_plural and e.msgid and mo.gettext(e.msgid) != e.msgstr]
    assert stale == [], "run `make messages` to compile locale/vi"


def test_vietnamese_is_the_default_and_english_available(settings):
    assert settings.LANGUAGE_CODE == "vi"
    with translation.override("vi"):
        assert translation.gettext("Log in") == "Đăng nhập"
    with translation.override("en"):
        assert translation.gettext("Log in") == "Log in"


def test_language_switch(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert "Cleaner-production portal" in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "vi", "next": "/accounts/login/"})
    assert "Cổng thông tin sản xuất sạch hơn" in client.get("/accounts/login/").content.decode()


def test_vietnamese_formats():
    with translation.override("vi"):
        assert formats.date_format(date(2018, 3, 28), "SHORT_DATE_FORMAT") == "28/03/2018"
        assert formats.number_format(Decimal("1234.5"), 1, force_grouping=True) == "1.234,5"


def test_an_english_browser_still_gets_vietnamese(client, db):
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Cổng thông tin sản xuất sạch hơn" in body
