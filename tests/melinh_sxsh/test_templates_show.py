"""Templates show, they do not compute: no |stringformat to print a number, no template that
chooses a figure's unit or builds a drill-down address; and a year prints as 2018, never 2.018,
in the text and wherever a machine reads it (an input's value, hx-vals, an address)."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from audits.models import EnergyRecord
from campaigns.models import DemonstrationModel
from facilities import locking
from facilities.models import Facility
from reports.models import Report
from tests.factories import district_create

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# The templates that print the KPI figures: the comparison says its unit, the view its links.
KPI_TEMPLATES = [
    "reports/dashboard.html",
    "reports/_target_card.html",
    "public/home.html",
    "public/_target.html",
    "public/embed_progress.html",
    "reports/pdf/report.html",
]
# A year written the Vietnamese way for a number: 2.018.
LOCALIZED_YEAR = re.compile(r"(?<![\d.,])2\.0[0-3]\d(?![\d]|[.,]\d)")
MACHINE_READ = re.compile(r"""(?:href|value|hx-vals)=(["'])(.*?)\1""")


def test_no_template_prints_a_number_through_stringformat():
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if re.search(r"""stringformat:["']d["']""", path.read_text())
    ]
    assert offenders == []


@pytest.mark.parametrize("name", KPI_TEMPLATES)
def test_kpi_templates_neither_choose_a_unit_nor_build_a_figure_address(name):
    text = (TEMPLATES / name).read_text()
    assert not re.search(r"\.mode\b", text)  # change_text and target_text carry the unit
    assert "{% url 'reports:figure'" not in text
    assert "{% url 'campaigns:" not in text and "{% url 'reports:budget" not in text
    assert "?year=" not in text and "of={{" not in text


@pytest.fixture
def pages(db):
    """Pages that print years, with the demo's data: a year locked, a report asked for."""
    call_command("load_demo", stdout=StringIO())
    staff = User.objects.get(username="canbo.kinhte")
    locking.year_lock(user=staff, year=2016, note="")
    report = district_create(Report, year=2018, format="pdf")
    closed = Facility.objects.filter(last_year__isnull=False).first()
    record = EnergyRecord.objects.order_by("pk").first()
    model = DemonstrationModel.objects.order_by("pk").first()
    return {
        "canbo.kinhte": [
            "/?year=2018",
            "/?year=2018&commune=08989",
            "/reports/kpi/aware/?year=2018&of=2017",
            "/reports/budget/?year=2018",
            "/reports/budget/lines/?year=2018&source=KHUYEN_CONG",
            "/reports/plans/",
            "/reports/",
            f"/reports/{report.pk}/",
            f"/reports/{report.pk}/delete/",
            "/reports/locks/",
            "/reports/tasks/?qyear=2018",
            "/facilities/?year=2018",
            f"/facilities/{closed.pk}/",
            f"/facilities/{record.facility_id}/",
            "/audits/?year=2018",
            f"/audits/records/{record.pk}/",
            "/audits/quality/?year=2018",
            "/campaigns/models/",
            f"/campaigns/models/{model.pk}/",
        ],
        "xa.quangminh": ["/?year=2018"],
        None: ["/public/", "/public/embed/progress/", "/public/catalogue/"],
    }


def bodies(client, pages):
    for username, urls in pages.items():
        client.logout()
        if username:
            client.force_login(User.objects.get(username=username))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            yield url, response.content.decode()


def test_years_print_as_years(client, pages):
    assert settings.USE_THOUSAND_SEPARATOR is False  # numbers are grouped only through |num
    for url, body in bodies(client, pages):
        assert "2018" in body or "2017" in body or "2016" in body, url
        assert not LOCALIZED_YEAR.search(body), (url, LOCALIZED_YEAR.search(body))


def test_years_read_by_a_machine_keep_their_digits_whatever_the_number_format(
    client, pages, settings
):
    """With the thousand separator on, text would group a year, but what an input submits,
    what htmx posts and every address keep 2018: unlocalized or built in code."""
    settings.USE_THOUSAND_SEPARATOR = True
    read = 0
    for url, body in bodies(client, pages):
        for _quote, value in MACHINE_READ.findall(body):
            if "data:image" in value:
                continue
            assert not LOCALIZED_YEAR.search(value), (url, value)
            read += "2018" in value
    assert read > 100  # the scan saw the year inputs, the hx-vals and the drill-down links


@pytest.mark.django_db
def test_ids_a_form_submits_keep_their_digits_whatever_the_number_format(login, cast, settings):
    """A facility's id in a checkbox (the list's bulk change, a campaign's candidates) is read
    by the server: with the thousand separator on, id 12345 must still be sent as 12345. (On
    PostgreSQL ids grow over a test run, and one of 2,026 was once sent as 2.026.)"""
    from campaigns.models import Campaign
    from tests.factories import FacilityFactory

    settings.USE_THOUSAND_SEPARATOR = True
    facility = FacilityFactory(pk=12345, commune=cast["official_a"].commune, name="Cơ sở Mười Hai")
    campaign = district_create(Campaign, kind="workshop", title="Hội thảo", starts_on="2018-05-10",
                               lead_unit=cast["unit"].unit)
    client = login(cast["staff"])
    pages = [reverse("facilities:list") + "?year=2018",
             reverse("campaigns:detail", args=[campaign.pk]) + "?q=Mười+Hai"]
    for url in pages:
        body = client.get(url).content.decode()
        assert f'value="{facility.pk}"' in body, url
        assert "12.345" not in body, url
