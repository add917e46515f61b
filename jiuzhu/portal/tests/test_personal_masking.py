"""Personal data masked on every page family (个人信息保护法, least privilege): a role without
``households.reveal_personal_data`` sees ID numbers and phones masked and gets no ``tel:``
link; a role with it sees the masked text too, and its ``tel:`` link dials the real number.
One shared fixture, no demo data."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from jiuzhu.core.access import SYSTEM
from jiuzhu.core.masking import mask_id_number, mask_phone
from jiuzhu.emergency import services as emergency
from jiuzhu.households.idnumber import id_number_make
from jiuzhu.households.services import household_register
from jiuzhu.leads import services as leads
from jiuzhu.leads.models import GridAssignment
from jiuzhu.testing import UserFactory, household_dict, member_dict

PHONE = "13900000008"
LEAD_ID = id_number_make(area="990102", birth=date(1958, 4, 12), sequence=77)
LEAD_PHONE, REPORTER_PHONE = "13900000002", "13800000001"


@pytest.fixture
def world(tree, settings, tmp_path):
    """A family with an emergency case and a lead in 第1镇, and who looks at them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    town = tree["town1"]
    grid = UserFactory(username="grid1", role="grid_worker", region=tree["grid1"])
    GridAssignment.objects.create(grid=tree["grid1"], worker=grid, region_path=tree["grid1"].path)
    window = UserFactory(username="w1", role="window_worker", region=town)
    family = household_register(actor=SYSTEM, grid_code=tree["grid1"].code, data=household_dict(
        members=[member_dict(name="陈大山"),
                 member_dict(member_id="M2", name="李秀英", relation="spouse",
                             birth=date(1972, 8, 9))],
        address="第1村3组8号", phone=PHONE))
    case = emergency.open_case(actor=grid, household=family, source="grid_worker",
                               cause="homeless", occurred_on=timezone.localdate(),
                               narrative="房屋倒塌", checklist=["E01"], sudden_expense_fen=0)
    lead = leads.lead_record(actor=window, data={
        "source": "hotline", "reporter_name": "邻居李女士", "reporter_phone": REPORTER_PHONE,
        "person_name": "陈老汉", "id_number": LEAD_ID, "phone": LEAD_PHONE,
        "address": "第1村3组12号", "region_code": tree["grid1"].code,
        "description": "独居老人", "urgency": "normal"})
    return {
        "family": family, "case": case, "lead": lead, "window": window, "grid": grid,
        "ids": [m.id_number for m in family.members.all()],
        # a role that sees the pages but may not reveal personal data
        "supervisor": UserFactory(username="s1", role="supervisor", region=tree["county"]),
    }


def _page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (user.username, url)
    return response.content.decode()


def test_emergency_case_page(client, world):
    url = f"/emergency/{world['case'].pk}/"
    page = _page(client, world["supervisor"], url)
    assert PHONE not in page and mask_phone(PHONE) in page
    assert "tel:" not in page
    page = _page(client, world["window"], url)  # may reveal: the link dials the real number
    assert f'href="tel:{PHONE}"' in page and f">{PHONE}<" not in page


def test_lead_pages_and_export(client, world):
    lead = world["lead"]
    for user in (world["supervisor"], world["window"]):
        page = _page(client, user, f"/leads/{lead.pk}/")
        # the window worker's link dials, and its convert form (an input) starts from, the
        # real values; the text shown is masked
        page = page.replace(f'href="tel:{LEAD_PHONE}"', "").replace(f'value="{LEAD_ID}"', "")
        for value in (LEAD_ID, LEAD_PHONE, REPORTER_PHONE):
            assert value not in page, user.username
        assert mask_id_number(LEAD_ID) in page and mask_phone(LEAD_PHONE) in page
    assert "tel:" not in _page(client, world["supervisor"], f"/leads/{lead.pk}/")

    client.force_login(world["supervisor"])  # no households.export_full_id
    book = load_workbook(BytesIO(client.get("/leads/export.xlsx").content))
    cells = {str(c) for row in book.active.iter_rows(values_only=True) for c in row}
    assert mask_id_number(LEAD_ID) in cells and mask_phone(LEAD_PHONE) in cells
    assert not cells & {LEAD_ID, LEAD_PHONE, REPORTER_PHONE}


def test_verification_start_page(client, world):
    officer = UserFactory(username="v1", role="verification_officer", region=world["window"].region)
    page = _page(client, officer, f"/verification/new/{world['family'].pk}/")
    for number in world["ids"]:
        assert number not in page and mask_id_number(number) in page
