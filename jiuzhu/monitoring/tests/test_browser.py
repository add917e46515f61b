"""The supervisor drills from the county to a village in headless Chromium, downloads a
chart's Excel, and the township figures on the county's page add up to the county's."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from jiuzhu.testing import UserFactory, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _numbers(page, testid: str) -> list[list[int]]:
    """The figures of a table, row by row (合计 last)."""
    rows = page.locator(f'[data-testid="{testid}"] tbody tr')
    out = []
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        out.append([int(cells.nth(j).inner_text().replace(",", "") or 0)
                    for j in range(cells.count())])
    return out


def test_the_supervisor_drills_from_the_county_to_a_village(browser, live_server, county_data,
                                                             tree):
    supervisor = UserFactory(username="supervisor1", role="supervisor", region=tree["county"],
                             full_name="赵督办")
    base = live_server.url
    page = browser_login(browser, base, supervisor, timeout_ms=180_000)
    page.goto(f"{base}/dashboard/")
    assert page.locator('[data-testid="dashboard-title"]').get_attribute("data-region") == "990102"
    assert "数据截至" in page.locator('[data-testid="freshness"]').inner_text()
    # the charts are drawn (ECharts, vendored) above their tables
    page.wait_for_selector("#chart-coverage-households canvas")

    # the township rows add up to the county's 合计, in every column of the circle chart
    rows = _numbers(page, "table-circles-circles")
    *towns, total = rows
    assert [sum(col) for col in zip(*towns, strict=True)] == total and total[0] > 0
    households = _numbers(page, "table-coverage-households")
    assert [sum(col) for col in zip(*households[:-1], strict=True)] == households[-1]

    # a chart's Excel: the same figures
    with page.expect_download() as download:
        page.locator('[data-testid="xlsx-circles"]').click()
    with open(download.value.path(), "rb") as excel:
        book = load_workbook(io.BytesIO(excel.read()))
    sheet = list(book.worksheets[0].iter_rows(values_only=True))
    assert sheet[0][0] == "示范县" and list(sheet[-1][1:]) == total

    # drill: county → township (a click on the row) → village
    page.locator('[data-testid="table-circles-circles"] [data-testid="drill"]',
                 has_text="第1镇").click()
    page.wait_for_url(re.compile(r".*/dashboard/990102001/$"))
    assert "第1镇" in page.locator('[data-testid="crumbs"]').inner_text()
    assert _numbers(page, "table-circles-circles")[-1] == towns[0]
    page.locator('[data-testid="table-circles-circles"] [data-testid="drill"]',
                 has_text="第1村").click()
    page.wait_for_url(re.compile(r".*/dashboard/990102001001/$"))
    assert page.locator('[data-testid="crumbs"]').inner_text().count("第1村") == 1
    assert page.locator('[data-testid="drill"]').count() == 0  # a village is the bottom

    # a figure opens its list, with as many households as it says
    link = page.locator('[data-testid="table-circles-circles"] tr[data-total] a[data-figure]').first
    figure = int(link.get_attribute("data-figure"))
    link.click()
    page.wait_for_url(re.compile(r".*/dashboard/list/.*"))
    assert int(page.locator('[data-testid="list-total"]').get_attribute("data-count")) == figure
