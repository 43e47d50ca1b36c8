"""With the demo data loaded, no public page shows the name or the tax code of a facility that
did not agree to be shown, while the facilities that agreed do appear where they are relevant."""

import re
from html import unescape

import pytest

from campaigns.models import Campaign, DemonstrationModel, Document
from facilities.models import Facility

pytestmark = pytest.mark.django_db


def every_public_page(client) -> dict[str, str]:
    """Each public page's text (HTML entities decoded), details and further pages included."""
    urls = ["/public/", "/public/events/", "/public/news/", "/public/documents/",
            "/public/catalogue/", "/public/embed/progress/", "/public/feed/atom/",
            "/public/feed/rss/"]
    urls += [f"/public/events/{pk}/" for pk in Campaign.objects.filter(is_public=True).exclude(
        kind=Campaign.Kind.WEB_ARTICLE).values_list("pk", flat=True)]
    urls += [f"/public/news/{pk}/" for pk in Campaign.objects.filter(
        is_public=True, kind=Campaign.Kind.WEB_ARTICLE).values_list("pk", flat=True)]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = unescape(response.content.decode())
        for more in re.findall(r'href="\?page=(\d+)"', pages[url]):
            pages[f"{url}?page={more}"] = unescape(client.get(f"{url}?page={more}")
                                                   .content.decode())
    return pages


def test_demo_consent_is_about_one_facility_in_ten(demo):
    total = Facility.objects.count()
    agreed = Facility.objects.filter(public_consent=True)
    assert 0.05 * total <= agreed.count() <= 0.15 * total
    assert not agreed.exclude(kind=Facility.Kind.ENTERPRISE).exists()


def test_no_page_shows_a_facility_that_did_not_agree(client, demo):
    pages = every_public_page(client)
    assert len(pages) >= 15
    agreed = list(Facility.objects.filter(public_consent=True).values_list("name", flat=True))
    refused = Facility.objects.filter(public_consent=False).values_list("name", "tax_code")
    # A consenting "X 2" contains a refusing "X": take the consenting names out first.
    for name in sorted(agreed, key=len, reverse=True):
        pages = {url: text.replace(name, "⟨named⟩") for url, text in pages.items()}
    for url, text in pages.items():
        for name, tax_code in refused:
            assert name not in text, (url, name)
            assert tax_code not in text, (url, tax_code)
    for url, text in pages.items():
        assert not any(code in text for code in Facility.objects.filter(
            public_consent=True).values_list("tax_code", flat=True)), url


def test_facilities_that_agreed_appear_where_relevant(client, demo):
    catalogue = unescape(client.get("/public/catalogue/").content.decode())
    named = Facility.objects.filter(public_consent=True, cp_measures__status="implemented")
    assert named.exists()
    assert all(facility.name in catalogue for facility in named.distinct())
    hosts = DemonstrationModel.objects.exclude(status="proposed").select_related("host")
    assert any(model.host.public_consent for model in hosts)
    for model in hosts:
        assert model.title in catalogue
        assert (model.host.name in catalogue) == model.host.public_consent


def test_private_campaigns_and_their_attendance_stay_private(client, demo):
    pages = every_public_page(client)
    text = "\n".join(pages.values())
    documents = set(Document.objects.filter(is_public=True).values_list("title", flat=True))
    for campaign in Campaign.objects.filter(is_public=False):
        # The demo's leaflet campaign is private, the leaflet itself a public document.
        if campaign.title not in documents:
            assert campaign.title not in text, campaign.title
        assert f"/public/events/{campaign.pk}/" not in text
        assert f"/public/news/{campaign.pk}/" not in text
        assert client.get(f"/public/events/{campaign.pk}/").status_code == 404
        assert client.get(f"/public/news/{campaign.pk}/").status_code == 404
    for document in Document.objects.filter(is_public=False):
        assert document.title not in text
        assert client.get(f"/public/documents/{document.pk}/download/").status_code == 404
    for document in Document.objects.filter(is_public=True):
        assert document.title in pages["/public/documents/"]
