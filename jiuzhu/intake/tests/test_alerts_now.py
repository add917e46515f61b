"""The colour of an intake item is computed when read: a department item from its own due
date and first yellow day, an item decided here from its application's — no daily job."""

from datetime import date

import pytest
from django.utils import timezone

from jiuzhu.intake import services
from jiuzhu.intake.models import RequestItem

from .conftest import MZ01_MATERIALS, PNG, files

pytestmark = pytest.mark.django_db

ON = date(2026, 3, 2)  # a Monday


@pytest.fixture
def clock(monkeypatch):
    state = {"today": ON}
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: state["today"])
    return state


def take(staff, family):
    return services.request_create(
        actor=staff["window"], household=family, items=["MZ01", "JY02"], channel="window",
        on=ON, materials={"JY02": ["学籍证明"]},
        files=files(*MZ01_MATERIALS) + files("学籍证明", content=PNG))


def colours(request) -> dict[str, tuple[str, str]]:
    """Each item's colour as one row reads it and as the SQL of the lists gives it."""
    rows = RequestItem.objects.filter(request=request).select_related("application")
    sql = dict(RequestItem.objects.filter(request=request).with_alert()
               .values_list("item_code", "alert"))
    return {row.item_code: (row.alert, sql[row.item_code]) for row in rows}


def test_an_item_decided_here_has_its_applications_colour(staff, family, clock):
    request = take(staff, family)
    mz01 = request.items.get(item_code="MZ01").application
    assert mz01.due_date == date(2026, 3, 5)  # acceptance: 3 working days
    assert colours(request) == {"MZ01": ("none", "none"), "JY02": ("none", "none")}
    clock["today"] = date(2026, 3, 5)
    assert colours(request)["MZ01"] == ("yellow", "yellow")
    clock["today"] = date(2026, 3, 6)  # the application's due date passed yesterday
    assert colours(request)["MZ01"] == ("red", "red")
    assert colours(request)["JY02"] == ("none", "none")  # 4 of 15 working days


def test_no_colour_while_more_is_asked_for_and_a_new_limit_on_resubmission(staff, family, clock):
    request = take(staff, family)
    jy02 = request.items.get(item_code="JY02")
    services.item_act(actor=staff["jy"], item=jy02, action="accept", on=ON)
    services.item_act(actor=staff["jy"], item=jy02, action="request_more", on=ON,
                      data={"missing": ["户口簿"]})
    clock["today"] = date(2026, 4, 30)  # long past the first due date
    assert colours(request)["JY02"] == ("none", "none")
    services.item_act(actor=staff["window"], item=jy02, action="resubmit", on=clock["today"],
                      data={"materials": ["户口簿"]})
    row = RequestItem.objects.get(pk=jy02.pk)
    assert row.started_on == date(2026, 4, 30) and row.yellow_on and row.yellow_on < row.due_date
    assert colours(request)["JY02"] == ("none", "none")
    clock["today"] = row.yellow_on
    assert colours(request)["JY02"] == ("yellow", "yellow")


def test_the_migration_fills_the_first_yellow_day_of_department_items(staff, family, clock):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("jiuzhu.intake.migrations.0003_alert_computed")
    request = take(staff, family)
    jy02 = request.items.get(item_code="JY02")
    kept = jy02.yellow_on
    assert kept == date(2026, 3, 17)  # the 11th working day of 15
    RequestItem.objects.filter(pk=jy02.pk).update(yellow_on=None)
    migration.fill_yellow_on(apps, None)
    assert RequestItem.objects.get(pk=jy02.pk).yellow_on == kept
    assert request.items.get(item_code="MZ01").yellow_on is None  # its application's counts


def test_the_page_shows_the_applications_current_due_date_at_once(client, staff, family,
                                                                  clock):
    from django.urls import reverse

    from jiuzhu.applications.services import application_act

    request = take(staff, family)
    application = request.items.get(item_code="MZ01").application
    application = application_act(actor=staff["window"], application_id=application.pk,
                                  action="accept", data={})
    assert application.final_due_date == date(2026, 4, 14)  # 30 working days (清明 6 April)
    client.force_login(staff["window"])
    page = client.get(reverse("intake:detail", args=[request.pk])).content.decode()
    card = page.split('data-testid="item-MZ01"')[1].split("</article>")[0]
    assert "2026-04-14" in card  # no daily job has copied it to the item
