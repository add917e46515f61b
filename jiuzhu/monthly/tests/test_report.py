"""Every figure of the 月报 of the hand-built county (conftest) against values computed by
hand; closing keeps the figures after a later change; the next month shows the note;
region scoping of the page and the API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from jiuzhu.core.errors import ServiceError
from jiuzhu.monthly import selectors, services
from jiuzhu.monthly.models import MonthlyReport
from jiuzhu.monthly.present import as_json, tables
from jiuzhu.monthly.tests.conftest import NOVEMBER, OCTOBER, case, home, pay, person

T1, T2, TOTAL = "990102001", "990102002", "total"
TODAY = date(2026, 12, 5)


def _pick(figures, keys):
    return {k: figures[k] for k in keys}


PERSONS = ("households", "persons", "female", "elderly", "minors", "disabled", "expenditure",
           "average", "standard")


def test_october_every_figure_by_hand(county):
    f = selectors.compute(county["tree"]["county"], OCTOBER)
    assert [r["code"] for r in f["rows"]] == [T1, T2]
    urban = f["urban_dibao"]
    # H1: 3 persons, 2 women, 2 elderly, 1 minor, 1 disabled, 1000.00 → 333.33 per person
    assert _pick(urban[T1], PERSONS) == {
        "households": 1, "persons": 3, "female": 2, "elderly": 2, "minors": 1, "disabled": 1,
        "expenditure": 100000, "average": 33333, "standard": [90000, 90000]}
    # H2: the son born 2008-10-31 is 18 on 31 October (no minor), his brother is 17
    assert _pick(urban[T2], PERSONS) == {
        "households": 1, "persons": 3, "female": 1, "elderly": 0, "minors": 1, "disabled": 1,
        "expenditure": 123457, "average": 41152, "standard": [90000, 90000]}
    # 2234.57 / 6 = 372.428… → 372.43
    assert _pick(urban[TOTAL], PERSONS) == {
        "households": 2, "persons": 6, "female": 3, "elderly": 2, "minors": 2, "disabled": 2,
        "expenditure": 223457, "average": 37243, "standard": [90000, 90000]}
    rural = f["rural_dibao"]
    # H3: the head is 60 on 31 October; the baby born in November is not counted yet
    assert _pick(rural[TOTAL], PERSONS) == {
        "households": 1, "persons": 1, "female": 0, "elderly": 1, "minors": 0, "disabled": 0,
        "expenditure": 72000, "average": 72000, "standard": [72000, 72000]}
    assert rural[T1]["persons"] == 1 and rural.get(T2, {}).get("persons", 0) == 0
    tekun = f["tekun"][TOTAL]
    # basic standard = 1.3 × standard to the yuan: 1170 (urban), 936 (rural)
    assert _pick(tekun, ("persons", "concentrated", "dispersed", "expenditure",
                         "standard_urban", "standard_rural")) == {
        "persons": 1, "concentrated": 0, "dispersed": 1, "expenditure": 117000,
        "standard_urban": [117000, 117000], "standard_rural": [93600, 93600]}
    temporary = f["temporary"]
    # two one-offs: 800.00 (支出型, 第2镇, head from another county) and 333.33 (急难型)
    assert _pick(temporary[TOTAL], ("times", "emergency", "expense", "non_local",
                                    "expenditure", "average", "households", "persons")) == {
        "times": 2, "emergency": 1, "expense": 1, "non_local": 1, "expenditure": 113333,
        "average": 56667, "households": 2, "persons": 3}  # 566.665 → 566.67 (half up)
    assert _pick(temporary[T1], ("times", "emergency", "non_local", "average")) == {
        "times": 1, "emergency": 1, "non_local": 0, "average": 33333}
    assert _pick(temporary[T2], ("times", "expense", "non_local", "average")) == {
        "times": 1, "expense": 1, "non_local": 1, "average": 80000}
    low = f["low_income"]
    # H7 recognised (2 persons) + H8 in circle 3 receiving nothing (3 persons); H9 vetoed
    # and H1 (circle 3, receiving dibao) are not counted
    assert _pick(low[TOTAL], ("households", "persons", "monitored_households",
                              "monitored_persons", "recognised_households")) == {
        "households": 2, "persons": 5, "monitored_households": 1, "monitored_persons": 3,
        "recognised_households": 1}
    assert (low[T1]["households"], low[T2]["monitored_households"]) == (1, 1)
    window = f["one_window"]["rows"]
    keys = ("received", "finished", "on_time", "transferred", "cohandled", "overdue",
            "on_time_rate")
    assert _pick(window["MZ"], keys) == {"received": 1, "finished": 1, "on_time": 1,
                                         "transferred": 0, "cohandled": 0, "overdue": 0,
                                         "on_time_rate": 1000}
    assert _pick(window["JY"], keys) == {"received": 1, "finished": 1, "on_time": 0,
                                         "transferred": 1, "cohandled": 0, "overdue": 0,
                                         "on_time_rate": 0}
    assert _pick(window["CL"], keys) == {"received": 1, "finished": 0, "on_time": 0,
                                         "transferred": 0, "cohandled": 0, "overdue": 1,
                                         "on_time_rate": -1}
    assert window["WJ"]["cohandled"] == 1
    assert _pick(window["ZJ"], ("received", "finished", "on_time")) == {
        "received": 0, "finished": 1, "on_time": 1}
    assert _pick(window["RS"], ("received", "finished", "transferred")) == {
        "received": 1, "finished": 0, "transferred": 1}
    # 2 of 3 on time = 66.67 % → 66.7 % (per mille, half up)
    assert _pick(window[TOTAL], keys) == {"received": 4, "finished": 3, "on_time": 2,
                                          "transferred": 2, "cohandled": 1, "overdue": 1,
                                          "on_time_rate": 667}


def test_township_report_and_tables(county):
    tree = county["tree"]
    f = selectors.compute(tree["town1"], OCTOBER)
    assert [r["code"] for r in f["rows"]] == [tree["village1"].code]
    assert f["urban_dibao"][TOTAL]["households"] == 1
    assert f["temporary"][TOTAL]["times"] == 1
    assert f["one_window"]["rows"][TOTAL]["received"] == 3  # MZ, JY, CL of 第1镇
    shown = {t.key: t for t in tables(selectors.compute(tree["county"], OCTOBER))}
    assert len(shown) == 6
    urban_total = shown["urban_dibao"].rows[-1]
    assert urban_total.total and urban_total.cells == ["2", "6", "3", "2", "2", "2", "2234.57",
                                                       "900.00", "372.43"]
    assert shown["tekun"].rows[-1].cells[-1] == "城市 1170.00 / 农村 936.00"
    assert shown["one_window"].rows[-1].cells[2] == "66.7%"


def test_november_draft_payroll_is_not_counted(county):
    f = selectors.compute(county["tree"]["county"], NOVEMBER)
    assert f["rural_dibao"][TOTAL]["households"] == 0  # the November list is a draft
    # H1 (circle 3) has no November payment yet: receiving nothing that month, monitored
    assert f["low_income"][TOTAL]["monitored_households"] == 2
    assert f["one_window"]["rows"]["JY"]["received"] == 1


def test_closing_keeps_the_figures_and_the_next_month_shows_the_note(county):
    tree, approver = county["tree"], county["approver"]
    report = services.month_close(actor=approver, region=tree["county"], month=OCTOBER,
                                  today=TODAY)
    stored = MonthlyReport.objects.filter(month=OCTOBER)
    assert stored.count() == 1 + 2 + 2  # the county, its 2 townships and 2 villages
    assert report.figures["urban_dibao"][TOTAL]["expenditure"] == 223457
    with pytest.raises(ValueError):
        report.save()
    with pytest.raises(ServiceError) as refused:
        services.month_close(actor=approver, region=tree["county"], month=OCTOBER, today=TODAY)
    assert "已关账" in refused.value.message
    # a later change: an October payment registered after the closing (补发) in 第2镇
    late = case(home(tree["village2"], "urban", person("户主癸", date(1990, 2, 2),
                                                         relation="head")), "MZ01")
    pay(late, county["oct2"], "500.00")
    shown = selectors.report(tree["county"], OCTOBER)
    assert shown["closed"] and shown["urban_dibao"][TOTAL]["households"] == 2
    assert shown["urban_dibao"][TOTAL]["expenditure"] == 223457
    assert selectors.report(tree["town2"], OCTOBER)["urban_dibao"][TOTAL]["expenditure"] == 123457
    city = selectors.report(tree["city"], OCTOBER)  # the sum of its counties, closed or not
    assert city["urban_dibao"]["990102"]["expenditure"] == 223457
    assert _pick(city["urban_dibao"][TOTAL], ("households", "persons", "expenditure", "average",
                                              "standard")) == {
        "households": 2, "persons": 6, "expenditure": 223457, "average": 37243,
        "standard": [90000, 90000]}
    assert city["temporary"][TOTAL]["average"] == 56667
    assert city["one_window"]["rows"][TOTAL]["on_time_rate"] == 667
    november = selectors.report(tree["county"], NOVEMBER)
    notes = {(n["table"], n["figure"], n["row"]): n for n in november["notes"]}
    assert notes[("urban_dibao", "households", TOTAL)]["difference"] == 1
    assert notes[("urban_dibao", "expenditure", TOTAL)]["difference"] == 50000
    assert notes[("urban_dibao", "expenditure", T2)]["applications"] == [late.number]
    assert ("urban_dibao", "expenditure", T1) not in notes
    text = " ".join(as_json(november)["notes"])
    assert "2026-10 城市最低生活保障 示范县 当月支出：关账时 2234.57元，现为 2734.57元（+500.00元）" in text
    assert late.number in text
    # closing November carries the note with it
    closed = services.month_close(actor=approver, region=tree["county"], month=NOVEMBER,
                                  today=TODAY)
    assert closed.figures["notes"] and closed.figures["notes"][0]["month"] == "2026-10"


def test_closing_is_refused_to_whom_may_not_and_for_a_month_not_ended(county):
    tree = county["tree"]
    with pytest.raises(ServiceError) as not_over:
        services.month_close(actor=county["approver"], region=tree["county"],
                             month=date(2026, 12, 1), today=TODAY)
    assert not_over.value.errors[0]["path"] == "month"
    with pytest.raises(ServiceError) as township:
        services.month_close(actor=county["approver"], region=tree["town1"], month=OCTOBER,
                             today=TODAY)
    assert township.value.errors[0]["path"] == "region"
    with pytest.raises(ServiceError) as forbidden:
        services.month_close(actor=county["reviewer1"], region=tree["town1"], month=OCTOBER,
                             today=TODAY)
    assert forbidden.value.code.value == "forbidden"
    assert not MonthlyReport.objects.exists()


def _api(client, user, query):
    from jiuzhu.accounts.services import token_create

    return client.get(f"/api/v1/reports/monthly?{query}",
                      HTTP_AUTHORIZATION=f"Bearer {token_create(user=user)}")


def test_api_exactly_as_50_api(client, county):
    answer = _api(client, county["supervisor"], "region=990102&month=2026-10")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    for key in ("urban_dibao", "rural_dibao", "tekun", "temporary", "low_income"):
        assert {"households", "persons", "expenditure"} <= set(body[key])
    assert _pick(body["urban_dibao"], ("households", "persons", "expenditure", "average")) == {
        "households": 2, "persons": 6, "expenditure": "2234.57", "average": "372.43"}
    assert body["temporary"]["expenditure"] == "1133.33"
    assert body["tekun"]["expenditure"] == "1170.00"
    assert body["low_income"] == {**body["low_income"], "households": 2, "persons": 5,
                                  "expenditure": "0.00"}
    assert [r["code"] for r in body["urban_dibao"]["rows"]] == [T1, T2]
    assert Decimal(body["urban_dibao"]["rows"][0]["expenditure"]) + Decimal(
        body["urban_dibao"]["rows"][1]["expenditure"]) == Decimal("2234.57")
    assert body["one_window"][-1]["on_time_rate"] == "66.7%"
    assert body["closed"] is False


def test_api_region_scoping_and_bad_month(client, county):
    reviewer = county["reviewer1"]
    assert _api(client, reviewer, "region=990102001&month=2026-10").status_code == 200
    assert _api(client, reviewer, "region=990102002&month=2026-10").status_code == 404
    assert _api(client, reviewer, "region=990102&month=2026-10").status_code == 404
    bad = _api(client, reviewer, "region=990102001&month=2026-13")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["path"] == "month"
    assert _api(client, county["window"], "month=2026-10").status_code == 403


def test_pages_roles_excel_and_pdf(client, county, password):
    from io import BytesIO

    from openpyxl import load_workbook

    client.login(username="rev1", password=password)
    page = client.get("/monthly/?region=990102001&month=2026-10")
    assert page.status_code == 200
    assert "城市最低生活保障" in page.content.decode() and "monthly-close" not in page.content.decode()
    assert client.get("/monthly/?region=990102002&month=2026-10").status_code == 404
    assert client.get("/monthly/?region=990102001&month=10/2026").status_code == 422
    workbook = load_workbook(BytesIO(client.get(
        "/monthly/?region=990102001&month=2026-10&export=xlsx").content))
    assert len(workbook.sheetnames) == 6
    assert workbook.worksheets[0]["B5"].value == 1  # 第1村 households of 城市低保
    client.logout()
    client.login(username="win1", password=password)
    assert client.get("/monthly/").status_code == 403
    client.logout()
    client.login(username="appr", password=password)
    page = client.get("/monthly/?region=990102&month=2026-10").content.decode()
    assert "monthly-close" in page
    pdf = client.get("/monthly/?region=990102&month=2026-10&export=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    closed = client.post("/monthly/close/", {"region": "990102", "month": "2026-10"})
    assert closed.status_code == 302
    assert MonthlyReport.objects.filter(region=county["tree"]["county"], month=OCTOBER).exists()
    assert "已关账" in client.get(closed["Location"]).content.decode()


def test_demo_load_closes_the_months_before_this_one_once(county):
    from jiuzhu.monthly import demo

    tree = county["tree"]
    assert tree["county"].code == demo.COUNTY_CODE
    assert demo.months_to_close(tree["county"], today=date(2026, 11, 20)) == [OCTOBER]
    assert demo.load(today=TODAY) == 2  # October and November
    assert MonthlyReport.objects.filter(region=tree["county"]).count() == 2
    assert demo.load(today=TODAY) == 0


def test_a_county_draft_is_read_until_recomputed_and_the_closing_replaces_it(client, county,
                                                                             password):
    """The daily task keeps a county's draft of a month not closed; the page, the API and
    the city (sum of its counties) read it and say when it was computed; 重新计算 brings a
    later payment in; closing the month drops the draft."""
    from jiuzhu.monthly.models import ReportDraft

    tree = county["tree"]
    assert services.drafts_refresh_daily(today=date(2026, 11, 20)) == 2  # October, November
    draft = ReportDraft.objects.get(region=tree["county"], month=OCTOBER)
    assert draft.figures["urban_dibao"][TOTAL]["expenditure"] == 223457
    late = case(home(tree["village2"], "urban", person("户主癸", date(1990, 2, 2),
                                                         relation="head")), "MZ01")
    pay(late, county["oct2"], "500.00")
    shown = selectors.report(tree["county"], OCTOBER)
    assert shown["draft"] and shown["urban_dibao"][TOTAL]["expenditure"] == 223457
    assert selectors.report(tree["county"], OCTOBER, live=True)["urban_dibao"][TOTAL][
        "expenditure"] == 273457
    assert selectors.report(tree["city"], OCTOBER)["draft"]["at"] == shown["draft"]["at"]
    # a township is computed when asked
    assert selectors.report(tree["town2"], OCTOBER)["urban_dibao"][TOTAL]["expenditure"] == 173457
    client.login(username="rev1", password=password)  # a township reviewer: not the county's
    refused = client.post("/monthly/recompute/", {"region": "990102", "month": "2026-10"})
    assert refused.status_code == 404
    assert ReportDraft.objects.get(pk=draft.pk).computed_at == draft.computed_at
    client.logout()
    client.login(username="appr", password=password)
    page = client.get("/monthly/?region=990102&month=2026-10").content.decode()
    assert "monthly-recompute" in page and "数字计算于" in page
    bad = client.post("/monthly/recompute/", {"region": "990102", "month": "10/2026"})
    assert bad.status_code == 302
    assert ReportDraft.objects.get(pk=draft.pk).figures["urban_dibao"][TOTAL]["expenditure"] == \
        223457
    done = client.post("/monthly/recompute/", {"region": "990102", "month": "2026-10"})
    assert done.status_code == 302
    assert selectors.report(tree["county"], OCTOBER)["urban_dibao"][TOTAL]["expenditure"] == \
        273457
    services.month_close(actor=county["approver"], region=tree["county"], month=OCTOBER,
                         today=TODAY)
    assert not ReportDraft.objects.filter(region=tree["county"], month=OCTOBER).exists()
    assert "monthly-recompute" not in client.get(
        "/monthly/?region=990102&month=2026-10").content.decode()
