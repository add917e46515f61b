"""No step of an item's procedure may run past the item's own total (#11: MZ05's 8-working-day
investigation ran past its 1-day total): every county × every item × every step within the
total; a case's step deadlines; the catalogue refusing an item limit shorter than a step."""

from datetime import date

import pytest
from django.urls import reverse

from jiuzhu.applications.choices import Step
from jiuzhu.applications.deadlines import item_step_limits, start_step, start_total
from jiuzhu.applications.models import Application
from jiuzhu.applications.programs import PROGRAMS
from jiuzhu.calendars.limits import WITHIN_TOTAL, counties, longest_step, step_limits
from jiuzhu.catalogue import services as catalogue
from jiuzhu.catalogue.loader import read_catalogue
from jiuzhu.catalogue.models import Item
from jiuzhu.core.errors import ServiceError
from jiuzhu.testing import UserFactory

CATALOGUE_LIMITS = {entry["code"]: int(entry["limit"]) for entry in read_catalogue()["items"]}


def _total(county: str, code: str) -> int:
    """MZ01's total is the county's dibao total; another item's is its catalogue limit."""
    return step_limits(county).total if code == "MZ01" else CATALOGUE_LIMITS[code]


def test_every_county_has_limits_and_every_procedure_item_is_in_the_catalogue():
    assert "990102" in counties()
    assert set(PROGRAMS) <= set(CATALOGUE_LIMITS)


@pytest.mark.parametrize("county", counties())
@pytest.mark.parametrize("code", sorted(PROGRAMS))
def test_no_step_is_longer_than_the_items_total(county, code):
    limits = step_limits(county).for_item(code)
    total = _total(county, code)
    longer = {step: limits[step].days for step in WITHIN_TOTAL if limits[step].days > total}
    assert not longer, f"{county} {code}: total {total}, steps {longer}"


def test_mz05_decides_within_one_working_day_and_mz04_keeps_the_county_steps():
    limits = step_limits("990102")
    assert {step: limits.for_item("MZ05")[step].days for step in WITHIN_TOTAL} == dict.fromkeys(
        WITHIN_TOTAL, 1)
    assert limits.for_item("MZ04") is limits and limits.for_item("MZ04").investigation == 8
    assert longest_step("MZ05")[1].days == 1 and longest_step("MZ04")[1].days == 8


@pytest.mark.django_db
def test_every_catalogue_version_of_a_procedure_item_covers_its_steps():
    for item in Item.objects.exclude(program="").exclude(program="dibao"):
        county_step = longest_step(item.code)
        assert county_step is not None and item.limit >= county_step[1].days, item.code


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(set(PROGRAMS) - {"MZ01"}))
def test_a_cases_step_deadlines_lie_within_its_total(tree, code):
    application = Application(item_code=code, region=tree["village1"])
    on = date(2026, 3, 2)
    start_total(application, on)
    limits = item_step_limits(application)
    for step in (Step.INVESTIGATION, Step.OPINION, Step.DECISION):
        start_step(application, step, on)
        assert application.due_date <= application.final_due_date, (code, step)
    if code == "MZ05":
        assert limits.investigation == 1
        assert application.final_due_date == application.due_date == date(2026, 3, 3)


@pytest.mark.django_db
def test_the_catalogue_refuses_an_item_limit_shorter_than_a_step(tree):
    admin = UserFactory(role="administrator", region=tree["county"])
    tomorrow = date.today().replace(year=date.today().year + 1)
    before = Item.objects.count()
    with pytest.raises(ServiceError) as caught:
        catalogue.item_revise(actor=admin, code="MZ04", valid_from=tomorrow, note="缩短时限",
                              limit=5)
    assert caught.value.status == 422
    assert [e["path"] for e in caught.value.errors] == ["limit"]
    assert "入户调查" in caught.value.errors[0]["message"] and "8" in caught.value.errors[0]["message"]
    assert Item.objects.count() == before
    # dibao's total is the county's; an item without a programme runs no such procedure
    catalogue.item_revise(actor=admin, code="MZ04", valid_from=tomorrow, note="延长时限", limit=12)
    with pytest.raises(ServiceError) as caught:
        catalogue.item_create(actor=admin, code="MZ99", name="新临时救助", department="MZ",
                              level="township", limit=3, program="temporary", note="新增")
    assert [e["path"] for e in caught.value.errors] == ["limit"]


@pytest.mark.django_db
def test_the_catalogue_page_names_the_limit_field(client, tree):
    admin = UserFactory(role="administrator", region=tree["county"])
    client.force_login(admin)
    item = Item.objects.filter(code="MZ04").order_by("-valid_from").first()
    page = client.post(reverse("catalogue:admin_item", args=["MZ04"]), {
        "name": item.name, "department": "MZ", "level": item.level, "limit": "5",
        "program": item.program, "materials": "\n".join(item.materials),
        "valid_from": date.today().replace(year=date.today().year + 1).isoformat(),
        "note": "缩短时限"})
    assert page.status_code == 422
    assert "办理时限不能短于本事项“入户调查”环节的时限" in page.content.decode()
