"""The dashboard: figures against hand-computed values, every figure against the list it
links to (a test per chart), sub-regions adding up, region scoping, snapshots, Excel, API."""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jiuzhu.monitoring import selectors, services
from jiuzhu.monitoring.models import MonthlySnapshot
from jiuzhu.monitoring.present import figure_url
from jiuzhu.testing import UserFactory

pytestmark = pytest.mark.django_db

CHARTS = ("coverage", "circles", "hardship", "timeliness", "discovery", "emergency", "money")
#: measures of money kept at a level above the townships (the county's own fund)
NOT_ADDITIVE = {"fund_available", "fund_paid"}


def _chart(data, key):
    return next(c for c in data["charts"] if c["key"] == key)


def _table(data, chart, key):
    return next(t for t in _chart(data, chart)["tables"] if t["key"] == key)


def _total(table, column):
    return next(r for r in table["rows"] if r.get("total"))["cells"][column]["v"]


def _row(table, label):
    return next(r for r in table["rows"] if r["label"] == label)


def _cells(chart):
    for table in chart["tables"]:
        for row in table["rows"]:
            for c in row["cells"]:
                if c.get("m"):
                    yield c
    for link in chart.get("links", []):
        yield link["cell"]


def test_figures_of_the_hand_built_county(county_data, supervisor, tree):
    data = selectors.compute(supervisor, tree["county"])
    households = _table(data, "coverage", "households")
    assert [_total(households, i) for i in range(5)] == [1, 1, 1, 1, 1]
    persons = _table(data, "coverage", "persons")
    assert [_total(persons, i) for i in range(5)] == [3, 2, 2, 4, 3]
    assert [c["v"] for c in _row(households, "第1镇")["cells"]] == [1, 1, 0, 1, 0]
    circles = _table(data, "circles", "circles")
    assert [_total(circles, i) for i in range(5)] == [3, 1, 2, 2, 3]  # h9 vetoed: no circle
    index = _table(data, "hardship", "index")
    assert [r["cells"][0]["v"] for r in index["rows"]] == [1, 1, 1, 2, 4]
    hardest = _table(data, "hardship", "hardest")
    assert [r["label"] for r in hardest["rows"]] == ["D00006", "D00004", "D00005"]
    sources = _table(data, "discovery", "sources")
    assert {r["label"]: r["cells"][0]["v"] for r in sources["rows"]}["热线"] == 2
    found = _table(data, "discovery", "found")
    assert [_total(found, i) for i in range(4)] == [3, 2, 5, 1]
    levels = _table(data, "emergency", "levels")
    assert [r["cells"][0]["v"] for r in levels["rows"]] == [1, 1, 1, 0]
    response = _table(data, "emergency", "response")
    assert [_total(response, i) for i in range(6)] == [3, 2, 1, 1, 5_200_000, 0]
    money = _table(data, "money", "programmes")
    total = _row(money, "合计")["cells"]
    assert [c["v"] for c in total] == [360_000, 250_000, 860_000, 14, "257.14"]
    assert _row(money, "城市低保")["cells"][0]["v"] == 40_000
    trend = _table(data, "coverage", "trend")
    assert len(trend["rows"]) == 24 and trend["rows"][-1]["label"] == "2026-12"
    assert [c["v"] for c in trend["rows"][-2]["cells"]] == [1, 1, 1, 1, 0]


@pytest.mark.parametrize("chart_key", CHARTS)
def test_every_figure_equals_its_list(client, county_data, supervisor, tree, chart_key):
    """Each figure of the chart equals the rows of the list it links to (the count, or the
    list's sum for persons and money); the first non-zero figure is also opened as a page."""
    data = selectors.compute(supervisor, tree["county"], only=chart_key)
    client.force_login(supervisor)
    opened = False
    for c in _cells(_chart(data, chart_key)):
        m = selectors.MEASURES[c["m"]]
        region = selectors.region_for(supervisor, c["r"])
        ctx = selectors.ctx_for_month(c["mo"])
        rows = selectors.list_rows(supervisor, m, ctx, c["p"], region)
        assert selectors.value_of(rows, m) == c["v"], c
        if c["v"] and not opened:
            page = client.get(figure_url(c))
            assert page.status_code == 200
            html = page.content.decode()
            total = re.search(r'data-total="(\d+)"', html).group(1)
            assert int(total) == c["v"], c
            if m.total == "count":
                count = re.search(r'data-count="(\d+)"', html).group(1)
                assert int(count) == c["v"]
            opened = True


def test_township_figures_add_up_to_the_county(county_data, supervisor, tree):
    county = selectors.compute(supervisor, tree["county"])
    for chart in county["charts"]:
        for table in chart["tables"]:
            if not table["regions"]:
                continue
            rows = [r for r in table["rows"] if not r.get("total")]
            total = next(r for r in table["rows"] if r.get("total"))
            for i, c in enumerate(total["cells"]):
                if c.get("m") and c["m"] not in NOT_ADDITIVE:
                    assert sum(r["cells"][i]["v"] for r in rows) == c["v"], (table["key"], i)
    # and each township's own page says what its row on the county's page says
    town = selectors.compute(supervisor, tree["town1"])
    row = _row(_table(county, "coverage", "households"), "第1镇")
    assert [c["v"] for c in row["cells"]] == [
        _total(_table(town, "coverage", "households"), i) for i in range(5)]


def test_one_pass_over_the_province_gives_each_region_its_own_figures(county_data, tree):
    """The daily refresh shares one rollup over the province: every snapshot under it says
    exactly what that region's dashboard computed alone says (the most difficult of each
    region included)."""
    shared = selectors.Rollup(selectors.SYSTEM, tree["province"])
    regions = [*selectors.refresh_regions(tree["province"]), tree["village1"]]
    assert len(regions) == 6
    for region in regions:
        alone = selectors.compute(selectors.SYSTEM, region)
        together = selectors.compute(selectors.SYSTEM, region, rollup=shared)
        alone.pop("computed_at"), together.pop("computed_at")
        assert together == alone, region.code
    hardest = _table(selectors.compute(selectors.SYSTEM, tree["town1"], rollup=shared),
                     "hardship", "hardest")
    assert hardest["rows"]  # the comparison is not of empty tables


def test_the_page_drills_down_and_links_every_figure(client, county_data, supervisor, tree):
    client.force_login(supervisor)
    page = client.get(reverse("monitoring:home"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "示范县" in html and "数据截至" in html and "城市低保" in html
    assert reverse("monitoring:region", args=[tree["town1"].code]) in html
    assert 'id="dashboard-data"' in html and "echarts.min.js" in html
    town = client.get(reverse("monitoring:region", args=[tree["town1"].code]))
    assert reverse("monitoring:region", args=[tree["village1"].code]) in town.content.decode()
    village = client.get(reverse("monitoring:region", args=[tree["village1"].code]))
    assert village.status_code == 200
    assert 'data-testid="drill"' not in village.content.decode()  # grids: no dashboards


def test_region_scoping(client, county_data, town_reviewer, tree):
    client.force_login(town_reviewer)
    assert client.get(reverse("monitoring:home")).status_code == 200
    for code in (tree["county"].code, tree["town2"].code, "nowhere"):
        assert client.get(reverse("monitoring:region", args=[code])).status_code == 404
        assert client.get(reverse("monitoring:list"),
                          {"m": "covered", "r": code}).status_code == 404
    # the own township's list holds only its own households
    page = client.get(reverse("monitoring:list"), {"m": "circle", "p": "3",
                                                   "r": tree["town1"].code})
    assert "D00004" in page.content.decode() and "D00009" not in page.content.decode()
    data = selectors.compute(town_reviewer, tree["town1"])
    assert _total(_table(data, "circles", "circles"), 2) == 2


@pytest.mark.parametrize("role", ["window_worker", "grid_worker", "social_worker"])
def test_others_may_not_open_it(client, tree, role):
    user = UserFactory(role=role, region=tree["county"])
    client.force_login(user)
    assert client.get(reverse("monitoring:home")).status_code == 403
    assert client.get(reverse("monitoring:list"), {"m": "covered"}).status_code == 403
    assert not user.has_perm("monitoring.view_dashboard")


def test_chart_excel(client, county_data, supervisor, tree):
    client.force_login(supervisor)
    response = client.get(reverse("monitoring:chart_xlsx", args=[tree["county"].code, "money"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "示范县" and rows[0][1] == "城市低保"
    assert rows[-1][0] == "合计" and rows[-1][1] == 400
    listing = client.get(reverse("monitoring:list"), {"m": "covered", "p": "all",
                                                      "r": tree["county"].code,
                                                      "export": "xlsx"})
    assert len(list(load_workbook(io.BytesIO(listing.content)).worksheets[0].rows)) == 6


def test_snapshot_refresh_and_freshness(client, county_data, supervisor, tree, monkeypatch,
                                        django_capture_on_commit_callbacks):
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("monitoring:refresh", args=[tree["county"].code]))
    assert response.status_code == 302
    snapshot = MonthlySnapshot.objects.get(region=tree["county"])
    assert snapshot.figures["charts"]
    assert MonthlySnapshot.objects.filter(region=tree["province"]).count() == 0  # its subtree
    data = selectors.figures(supervisor, tree["county"])
    assert data["snapshot"] is True
    page = client.get(reverse("monitoring:region", args=[tree["county"].code]))
    assert "每日快照" in page.content.decode() and 'data-status="done"' in page.content.decode()
    assert MonthlySnapshot.objects.count() == 3  # the county and its townships
    # a village refreshes nothing (computed live): refused with a reason, nothing written
    client.post(reverse("monitoring:refresh", args=[tree["village1"].code]))
    assert MonthlySnapshot.objects.count() == 3
    saved = []
    monkeypatch.setattr(services, "snapshot_save", lambda region, **kw: saved.append(region.code))
    assert services.refresh_daily() == 5  # province, city, county and its two townships
    assert saved == ["99", "9901", "990102", "990102001", "990102002"]


def test_summary_for_the_home_page(county_data, supervisor, window_worker):
    summary = selectors.summary(supervisor)
    texts = {item["label"]: item["text"] for item in summary["headline"]}
    assert texts == {"3–4 圈未享受救助（户）": "3", "在保家庭（户）": "5",
                     "在办急难个案（件）": "3", "本月发放金额（元）": "3600.00"}
    assert selectors.summary(window_worker) == {}
    from django.template.loader import render_to_string

    html = render_to_string("monitoring/_summary.html", {"dashboard_summary": summary})
    assert "打开综合看板" in html and "/dashboard/list/?m=covered" in html


def _api(client, user):
    from jiuzhu.accounts.services import token_create

    token = token_create(user=user)
    return lambda path, data=None: client.get(path, data or {},
                                              HTTP_AUTHORIZATION=f"Bearer {token}")


def test_api(client, county_data, supervisor, town_reviewer, tree):
    api = _api(client, supervisor)
    response = api("/api/v1/dashboard", {"region": tree["county"].code})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["region_name"] == "示范县" and len(body["charts"]) == 7
    money = next(c for c in body["charts"] if c["key"] == "money")
    cell = money["tables"][1]["rows"][0]["cells"][0]
    assert cell["value"] == 40_000 and cell["format"] == "fen"
    assert parse_qs(urlparse(cell["list_url"]).query)["m"] == ["paid"]
    reviewer = _api(client, town_reviewer)
    assert reviewer("/api/v1/dashboard", {"region": tree["county"].code}).status_code == 404
    assert reviewer("/api/v1/dashboard").json()["region_code"] == tree["town1"].code
    outsider = _api(client, UserFactory(role="window_worker", region=tree["county"]))
    assert outsider("/api/v1/dashboard").status_code == 403
