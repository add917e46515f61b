"""大处方统计 (the county prescription report): its counts are the per-household 大处方
counted; a township user sees their township only; the Excel has the rows."""

from __future__ import annotations

import io
import random

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jiuzhu.assessments.prescription import household_prescription, items_receiving_in
from jiuzhu.assessments.prescription_report import prescription_report
from jiuzhu.core.access import SYSTEM
from jiuzhu.core.errors import ServiceError
from jiuzhu.households.services import household_register
from jiuzhu.rules import vocabulary as v
from jiuzhu.rules.prescription import CODES, ON_REQUEST
from jiuzhu.rules.synthetic import generate_dicts
from jiuzhu.rules.validation import id_check_character
from jiuzhu.testing import UserFactory


@pytest.fixture
def approver(tree):
    return UserFactory(username="approver1", role="county_approver", region=tree["county"])


def _population(tree, n=40):
    """Synthetic households over two townships (a village, the township itself), with care levels,
    single parents, female heads, supporters who are not children and events mixed in."""
    rng = random.Random(7)
    places = [tree["village1"], tree["town1"], tree["village2"]]
    households = []
    for k, data in enumerate(generate_dicts(n, seed=23)):
        data["household_id"] = f"RPT{k:04d}"
        data["region_code"] = places[k % len(places)].code
        for member in data["members"]:
            if rng.random() < 0.3:
                member["care_level"] = rng.choice(v.CARE_LEVELS)
            first17 = f"990102{member['birth_date'].replace('-', '')}{k:02d}{rng.randrange(10)}"
            member["id_number"] = first17 + id_check_character(first17)
        for supporter in data["supporters"]:
            supporter["relation"] = rng.choice(["child", "other"])
        data["flags"]["single_parent"] = rng.random() < 0.4
        data["flags"]["recent_hardship_event"] = rng.random() < 0.3
        households.append(household_register(actor=SYSTEM, data=data))
    return households


def _counted(actor, households):
    """Per township: households, and per item (recommended, applicable) from each
    household's own 大处方 — the page's path."""
    counts: dict[str, list] = {}
    for household in households:
        town = household.region_path.split("/")[3]
        row = counts.setdefault(town, [0, [0] * len(CODES), [0] * len(CODES)])
        row[0] += 1
        result = household_prescription(actor=actor, household=household)
        for k, entry in enumerate(result.entries):
            status = entry["status"]
            row[1][k] += status == "eligible"
            row[2][k] += status == "possible" or (
                status == "not_eligible" and entry["item_code"] in ON_REQUEST)
    return counts


@pytest.mark.django_db
def test_the_counts_are_the_households_own_prescriptions_counted(tree, approver, window_worker):
    from jiuzhu.applications.services import application_create

    households = _population(tree)
    # what a household already receives counts in neither column (and makes it assisted)
    for k, code in ((0, "MZ01"), (4, "MZ02")):  # both in 第1镇
        application_create(actor=window_worker, household=households[k], item_code=code,
                           channel="window")
    assert items_receiving_in(tree["county"]) == {households[0].pk: {"MZ01"},
                                                  households[4].pk: {"MZ02"}}
    assert items_receiving_in(tree["town2"]) == {}
    report = prescription_report(actor=approver, region=tree["county"])
    expected = _counted(approver, households)
    assert [row.code for row in report.rows] == sorted(expected)
    for row in report.rows:
        households_count, recommended, applicable = expected[row.code]
        assert row.households == households_count
        assert row.recommended == recommended, row.name
        assert row.applicable == applicable, row.name
    assert report.total.households == len(households)
    assert report.total.recommended == [sum(r.recommended[k] for r in report.rows)
                                        for k in range(len(CODES))]
    assert sum(report.total.recommended) > 0 and sum(report.total.applicable) > 0
    assert [row.name for row in report.rows] == ["第1镇", "第2镇"]
    assert report.items[0] == ("MZ03", "特困人员救助供养")


@pytest.mark.django_db
def test_a_township_user_sees_their_township_only(client, tree, approver, window_worker):
    _population(tree, n=12)
    client.force_login(window_worker)
    url = reverse("assessments:prescription_report")
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('data-testid="township-row"') == 1
    assert "第1镇" in body and "第2镇" not in body
    assert 'data-testid="total-row"' in body
    assert client.get(url, {"region": tree["town2"].code}).status_code == 404
    assert client.get(url, {"region": tree["county"].code}).status_code == 404
    with pytest.raises(ServiceError):
        prescription_report(actor=window_worker, region=tree["town2"])


@pytest.mark.django_db
def test_the_county_page_and_its_excel(client, tree, approver):
    _population(tree, n=12)
    client.force_login(approver)
    url = reverse("assessments:prescription_report")
    body = client.get(url).content.decode()
    assert body.count('data-testid="township-row"') == 2
    assert "特困人员救助供养" in body and "推荐" in body and "可申请" in body
    # on a phone the table is cards: each count names its item (and the total row too)
    assert body.count('data-label="城乡最低生活保障 · 推荐"') == 3
    response = client.get(url, {"region": tree["county"].code, "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "示范县" in rows[0][0]
    assert rows[1][:3] == ("乡镇（街道）", "家庭户数", "特困人员救助供养")
    assert rows[2][2:4] == ("推荐", "可申请")
    assert [r[0] for r in rows[3:]] == ["第1镇", "第2镇", "合计"]
    assert rows[-1][1] == 12
    assert len(rows[-1]) == 2 + 2 * len(CODES)
    report = prescription_report(actor=approver, region=tree["county"])
    assert list(rows[-1][2:]) == [x for pair in report.total.cells for x in pair]


@pytest.mark.django_db
def test_department_officers_do_not_see_it(client, tree):
    officer = UserFactory(username="officer1", role="department_officer", region=tree["county"],
                          department="JY")
    client.force_login(officer)
    assert client.get(reverse("assessments:prescription_report")).status_code == 403
