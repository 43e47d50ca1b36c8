"""A commune official on a phone: sees only their commune, changes a stage from the list,
and cannot open another commune's facility."""

import pytest

from facilities.models import FacilityYearStatus, Stage
from tests.browser import screenshot
from tests.factories import FacilityFactory, StatusFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_commune_official_keeps_statuses_from_the_list(open_page, official_a, commune_a,
                                                       commune_b, width):
    mine = [FacilityFactory(commune=commune_a, name=f"Công ty Quang Minh {i}") for i in range(3)]
    StatusFactory(facility=mine[0], year=2018, stage=Stage.AWARE)
    other = FacilityFactory(commune=commune_b, name="Hợp tác xã Tiền Phong")
    StatusFactory(facility=other, year=2018, stage=Stage.UNAWARE)

    page = open_page(official_a, width)
    page.goto(f"{page.base}/facilities/")
    rows = page.locator("table.facility-table tbody tr")
    assert rows.count() == 3
    body = page.content()
    assert "Hợp tác xã Tiền Phong" not in body
    assert all(f.name in body for f in mine)

    select = page.get_by_label(f"Mức độ năm 2018 của {mine[0].name}")
    select.select_option(str(Stage.APPLYING))
    page.locator("td.stage-cell [role=status]").first.wait_for()
    assert page.locator("td.stage-cell [role=status]").first.inner_text() == "Đã lưu"
    status = FacilityYearStatus.objects.get(facility=mine[0], year=2018)
    assert status.stage == Stage.APPLYING and status.set_by == official_a
    screenshot(page, f"commune-official-list-{width}")

    response = page.goto(f"{page.base}/facilities/{other.pk}/")
    assert response.status == 404
    assert "Không tìm thấy trang" in page.content()
    response = page.goto(f"{page.base}/facilities/{other.pk}/edit/")
    assert response.status == 404
