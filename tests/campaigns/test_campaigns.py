"""Campaigns, attendance, attachments: the acceptance of issue 4 and the permission cast."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Unit
from campaigns.models import Attachment, Attendance, Campaign, Document, FundingLine
from reports import kpis
from tests.factories import FacilityFactory, district_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference(staff):
    return district_create(
        Campaign, kind=Campaign.Kind.TRAINING_CONFERENCE, title="Hội nghị tập huấn 2018",
        lead_unit=Unit.objects.get(code="KINH_TE"), starts_on=date(2018, 5, 10),
        people_reached=120, created_by=staff)


@pytest.fixture
def radio():
    return district_create(Campaign, kind=Campaign.Kind.RADIO, title="Tin phát thanh",
                           lead_unit=Unit.objects.get(code="TT_VHTT"),
                           starts_on=date(2018, 3, 5), broadcasts_aired=10)


def campaign_data(**changes):
    data = {"kind": "training_conference", "title": "Hội nghị tập huấn SXSH năm 2018",
            "lead_unit": Unit.objects.get(code="KINH_TE").pk, "starts_on": "2018-05-10",
            "ends_on": "", "place": "Hội trường UBND huyện", "people_reached": "164",
            "copies_printed": "0", "broadcasts_aired": "0", "description": "",
            "visited_model": "", "version": "0"}
    data.update(changes)
    return data


def test_staff_create_a_conference_and_paste_25_tax_codes(login, cast):
    facilities = [FacilityFactory() for _ in range(25)]
    client = login(cast["staff"])
    response = client.post(reverse("campaigns:create"), campaign_data())
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    pasted = "\n".join(f.tax_code for f in facilities[:20]) + ", " + " ; ".join(
        f.tax_code for f in facilities[20:])
    response = client.post(reverse("campaigns:attendance_add", args=[campaign.pk]),
                           {"tax_codes": pasted, "people": "2"}, follow=True)
    assert "25 cơ sở" in response.content.decode()
    assert campaign.attendances.count() == 25
    assert set(campaign.attendances.values_list("people", flat=True)) == {2}


def test_a_pasted_list_with_an_unknown_code_adds_nothing_and_names_it(login, cast, conference):
    known = [FacilityFactory() for _ in range(3)]
    client = login(cast["staff"])
    pasted = "\n".join([known[0].tax_code, "0109999999", known[1].tax_code])
    response = client.post(reverse("campaigns:attendance_add", args=[conference.pk]),
                           {"tax_codes": pasted, "people": "1"}, follow=True)
    body = response.content.decode()
    assert "0109999999" in body and "Chưa thêm cơ sở nào" in body
    assert Attendance.objects.count() == 0


def test_a_pasted_token_that_is_not_a_tax_code_is_named(login, cast, conference):
    FacilityFactory(tax_code="0101234567")
    response = login(cast["staff"]).post(
        reverse("campaigns:attendance_add", args=[conference.pk]),
        {"tax_codes": "0101234567 abc123", "people": "1"}, follow=True)
    assert "abc123" in response.content.decode()
    assert Attendance.objects.count() == 0


def test_add_by_search_and_by_commune(login, cast, conference, commune_b):
    in_b = [FacilityFactory(commune=commune_b) for _ in range(3)]
    client = login(cast["staff"])
    page = client.get(reverse("campaigns:detail", args=[conference.pk]),
                      {"commune": commune_b.pk})
    assert {f.pk for f in page.context["candidates"]} == {f.pk for f in in_b}
    client.post(reverse("campaigns:attendance_add", args=[conference.pk]),
                {"facilities": [f.pk for f in in_b[:2]], "people": "3"})
    assert conference.attendances.count() == 2
    # Adding again keeps the existing record and adds the new one only.
    client.post(reverse("campaigns:attendance_add", args=[conference.pk]),
                {"facilities": [f.pk for f in in_b], "people": "1"})
    assert conference.attendances.count() == 3


def test_unit_officer_runs_own_units_radio_campaign_but_not_the_conference(
        login, cast, conference):
    client = login(cast["unit"])
    response = client.post(reverse("campaigns:create"), campaign_data(
        kind="radio", title="Tin phát thanh SXSH", broadcasts_aired="12",
        lead_unit=Unit.objects.get(code="KINH_TE").pk))
    assert response.status_code == 302
    radio = Campaign.objects.get(kind="radio")
    # Whatever unit was posted, a unit officer's campaign is their own unit's.
    assert radio.lead_unit.code == "TT_VHTT"
    response = client.post(reverse("campaigns:edit", args=[radio.pk]), campaign_data(
        kind="radio", title="Tin phát thanh SXSH (sửa)", version=str(radio.version)))
    assert response.status_code == 302
    radio.refresh_from_db()
    assert radio.title == "Tin phát thanh SXSH (sửa)"
    assert client.get(reverse("campaigns:edit", args=[conference.pk])).status_code == 403
    assert client.post(reverse("campaigns:edit", args=[conference.pk]),
                       campaign_data(title="X")).status_code == 403
    assert client.post(reverse("campaigns:attendance_add", args=[conference.pk]),
                       {"tax_codes": "0101234567", "people": 1}).status_code == 403
    assert client.get(reverse("campaigns:delete", args=[conference.pk])).status_code == 403
    conference.refresh_from_db()
    assert conference.title == "Hội nghị tập huấn 2018"


@pytest.mark.parametrize("role", ["official_a", "leader", "admin"])
def test_read_only_roles_read_but_get_403_on_writes(login, cast, conference, role):
    client = login(cast[role])
    assert client.get(reverse("campaigns:index")).status_code == 200
    assert client.get(reverse("campaigns:detail", args=[conference.pk])).status_code == 200
    assert client.get(reverse("campaigns:create")).status_code == 403
    assert client.post(reverse("campaigns:create"), campaign_data()).status_code == 403
    assert client.post(reverse("campaigns:funding_add", args=[conference.pk]), {
        "source": 1, "year": 2018, "planned_vnd": 1, "spent_vnd": 0}).status_code == 403
    assert Campaign.objects.count() == 1 and FundingLine.objects.count() == 0


@pytest.mark.parametrize("name", ["campaigns:index", "campaigns:create", "campaigns:models",
                                  "campaigns:documents", "campaigns:document_upload"])
def test_pages_need_login(client, name):
    assert client.get(reverse(name)).status_code == 302


@pytest.mark.parametrize("path", ["/campaigns/999999/", "/campaigns/999999/edit/",
                                  "/campaigns/models/999999/",
                                  "/campaigns/documents/99999/download/"])
def test_bad_ids_are_404(login, cast, path):
    assert login(cast["staff"]).get(path).status_code == 404


def test_commune_official_sees_only_own_communes_attendance(login, cast, conference, commune_a,
                                                             commune_b):
    mine = FacilityFactory(commune=commune_a, name="Cơ sở của xã A")
    theirs = FacilityFactory(commune=commune_b, name="Cơ sở của xã B")
    Attendance.objects.create(campaign=conference, facility=mine)
    Attendance.objects.create(campaign=conference, facility=theirs)
    body = login(cast["official_a"]).get(
        reverse("campaigns:detail", args=[conference.pk])).content.decode()
    assert "Cơ sở của xã A" in body and "Cơ sở của xã B" not in body


def test_attendance_is_awareness_evidence_by_start_year(conference, staff):
    facility = FacilityFactory()
    Attendance.objects.create(campaign=conference, facility=facility)
    evaluation = kpis.evaluate([2017, 2018, 2019])
    assert evaluation[2018].aware == {facility.pk}
    assert evaluation[2017].aware == set()
    assert evaluation[2019].aware == {facility.pk}
    # Nothing is copied into the facility's statuses.
    assert not facility.statuses.exists()


def test_change_people_and_remove(login, cast, conference):
    attendance = Attendance.objects.create(campaign=conference, facility=FacilityFactory())
    client = login(cast["staff"])
    client.post(reverse("campaigns:attendance_people", args=[conference.pk, attendance.pk]),
                {"people": "4"})
    attendance.refresh_from_db()
    assert attendance.people == 4
    response = client.post(reverse("campaigns:attendance_people",
                                   args=[conference.pk, attendance.pk]), {"people": "0"},
                           follow=True)
    assert response.status_code == 200
    attendance.refresh_from_db()
    assert attendance.people == 4
    client.post(reverse("campaigns:attendance_remove", args=[conference.pk, attendance.pk]))
    assert not Attendance.objects.exists()


def test_dates_and_numbers_are_validated(login, cast):
    client = login(cast["staff"])
    response = client.post(reverse("campaigns:create"), campaign_data(
        starts_on="2018-05-10", ends_on="2018-05-01", people_reached="-4"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ngày kết thúc không được trước ngày bắt đầu" in body
    assert "Số người được tiếp cận: không được là số âm" in body
    assert not Campaign.objects.exists()


def png_bytes():
    return (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00"
            b"\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18"
            b"\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.mark.parametrize(("name", "content", "kind", "message"), [
    ("anh.png", b"MZ\x90\x00 an executable", "photo", "không được chấp nhận"),
    ("anh.jpg", png_bytes(), "photo", "nhưng nội dung là PNG"),
    ("tai-lieu.pdf", png_bytes(), "document", "không được chấp nhận"),
    ("trong.pdf", b"", "document", ""),
    ("lon.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (5 * 1024 * 1024), "photo", "lớn hơn 5 MB"),
])
def test_bad_uploads_are_refused_with_a_message(login, cast, conference, name, content, kind,
                                                message):
    response = login(cast["staff"]).post(
        reverse("campaigns:attachment_add", args=[conference.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, content)}, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "alert-danger" in response.content.decode()
    assert not Attachment.objects.exists()


def test_good_upload_and_download(login, cast, conference):
    client = login(cast["staff"])
    client.post(reverse("campaigns:attachment_add", args=[conference.pk]),
                {"kind": "photo", "file": SimpleUploadedFile("hoi-nghi.png", png_bytes())})
    attachment = Attachment.objects.get()
    response = login(cast["official_a"]).get(
        reverse("campaigns:attachment_download", args=[conference.pk, attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()


def test_document_library_counts_downloads(login, cast, conference):
    client = login(cast["staff"])
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    response = client.post(reverse("campaigns:document_upload"), {
        "title": "Sổ tay SXSH", "kind": "handbook", "campaign": conference.pk,
        "is_public": "on", "file": SimpleUploadedFile("so-tay.pdf", pdf)})
    assert response.status_code == 302
    document = Document.objects.get()
    for _ in range(3):
        login(cast["leader"]).get(reverse("campaigns:document_download", args=[document.pk]))
    document.refresh_from_db()
    assert document.download_count == 3
    assert login(cast["leader"]).get(reverse("campaigns:document_upload")).status_code == 403


def test_campaign_list_query_count_is_bounded(login, cast, conference,
                                              django_assert_max_num_queries):
    client = login(cast["staff"])
    with django_assert_max_num_queries(10) as first:
        client.get(reverse("campaigns:index"))
    for n in range(20):
        district_create(Campaign, kind="radio", title=f"Tin {n}", starts_on=date(2018, 1, 1),
                        lead_unit=Unit.objects.get(code="TT_VHTT"))
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("campaigns:index"))


def test_delete_campaign_with_confirmation(login, cast, conference):
    client = login(cast["staff"])
    assert "Đồng ý xóa" in client.get(reverse("campaigns:delete",
                                              args=[conference.pk])).content.decode()
    client.post(reverse("campaigns:delete", args=[conference.pk]))
    assert not Campaign.objects.exists()


