"""The funds pages: who opens which (the menu's permission ``funds.view`` holds for each
role that may), the forms shown only to who may act, refused forms with the field named,
the statement adding up, the downloads."""

import subprocess
from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jiuzhu.core.access import SYSTEM
from jiuzhu.funds import selectors, services
from jiuzhu.funds.choices import ReplenishmentState
from jiuzhu.funds.models import Fund, LedgerEntry, Replenishment
from jiuzhu.testing import UserFactory

from .conftest import DAY


@pytest.fixture
def donation(funds):
    return services.record_income(actor=SYSTEM, fund=funds["county"], amount_fen=8_888_800,
                                  source="donation", on=DAY, voucher="JZ-1",
                                  donor="示范县爱心企业联合会", receipt_number="SJ2026-0001")


@pytest.fixture
def help_paid(funds, tree):
    commitment = services.commit(actor=SYSTEM, fund=funds["town1"], amount_fen=300_000,
                                 case_id=11, case_number="JN990102001202600001",
                                 township=tree["town1"], level="red", on=date(2026, 3, 3))
    return services.pay(actor=SYSTEM, commitment=commitment, payee="陈老汉", method="cash",
                        voucher="ZF-1", on=date(2026, 3, 3))


ROLES = [("window_worker", "town1"), ("township_reviewer", "town1"),
         ("county_approver", "county"), ("supervisor", "county"),
         ("administrator", "county")]


@pytest.mark.parametrize(("role", "region"), ROLES)
def test_each_role_that_may_opens_the_pages(client, tree, funds, donation, help_paid, role,
                                            region):
    user = UserFactory(role=role, region=tree[region])
    assert user.has_perm("funds.view")  # the menu entry's permission
    client.force_login(user)
    page = client.get(reverse("funds:list"))
    assert page.status_code == 200
    assert "第1镇备用金" in page.content.decode()
    assert client.get(reverse("funds:detail", args=[funds["town1"].pk])).status_code == 200
    assert client.get(reverse("funds:statement", args=[funds["town1"].pk])).status_code == 200
    assert client.get(reverse("funds:replenishments")).status_code == 200
    county = client.get(reverse("funds:detail", args=[funds["county"].pk])).status_code
    assert county == (404 if region == "town1" else 200)


@pytest.mark.parametrize("role", ["grid_worker", "village_assistant", "investigator",
                                  "department_officer"])
def test_other_roles_are_refused(client, tree, funds, role):
    user = UserFactory(role=role, region=tree["county"])
    assert not user.has_perm("funds.view")
    client.force_login(user)
    assert client.get(reverse("funds:list")).status_code == 403
    assert client.get(reverse("funds:detail", args=[funds["county"].pk])).status_code == 403


def test_forms_only_for_who_may(client, funds, approver, reviewer, supervisor):
    url = reverse("funds:detail", args=[funds["county"].pk])
    client.force_login(approver)
    text = client.get(url).content.decode()
    for name in ("income", "allocate", "recover", "reverse"):
        assert f'data-testid="form-{name}"' in text
    client.force_login(supervisor)
    text = client.get(url).content.decode()
    assert 'data-testid="form-' not in text
    posted = client.post(url, {"form": "income", "income-source": "fiscal",
                               "income-amount": "1", "income-on": "2026-03-02",
                               "income-voucher": "V"})
    assert posted.status_code == 403
    client.force_login(reviewer)
    text = client.get(reverse("funds:detail", args=[funds["town1"].pk])).content.decode()
    assert 'data-testid="form-' not in text


def test_income_through_the_page(client, funds, approver):
    url = reverse("funds:detail", args=[funds["county"].pk])
    client.force_login(approver)
    before = LedgerEntry.objects.count()
    refused = client.post(url, {"form": "income", "income-source": "donation",
                                "income-amount": "100.50", "income-on": "2026-03-02",
                                "income-voucher": "JZ-2", "income-donor": ""})
    assert refused.status_code == 422
    assert 'data-error="donor"' in refused.content.decode()
    assert LedgerEntry.objects.count() == before
    done = client.post(url, {"form": "income", "income-source": "donation",
                             "income-amount": "100.50", "income-on": "2026-03-02",
                             "income-voucher": "JZ-2", "income-donor": "张三",
                             "income-receipt_number": "SJ-9"})
    assert done.status_code == 302
    entry = LedgerEntry.objects.latest("pk")
    assert (entry.amount_fen, entry.donor, entry.created_by) == (10_050, "张三", approver)


def test_allocation_above_available_through_the_page(client, funds, approver):
    url = reverse("funds:detail", args=[funds["county"].pk])
    client.force_login(approver)
    answer = client.post(url, {"form": "allocate", "allocate-reserve": funds["town2"].pk,
                               "allocate-amount": "50000.01", "allocate-on": "2026-03-02",
                               "allocate-voucher": "HB-3"})
    assert answer.status_code == 409
    text = answer.content.decode()
    assert 'data-error="amount"' in text and "50000.00" in text
    ok = client.post(url, {"form": "allocate", "allocate-reserve": funds["town2"].pk,
                           "allocate-amount": "50000", "allocate-on": "2026-03-02",
                           "allocate-voucher": "HB-3"})
    assert ok.status_code == 302
    assert Fund.objects.get(pk=funds["town2"].pk).balance_fen == 5_000_000


def test_reversal_through_the_page(client, funds, approver, donation):
    url = reverse("funds:detail", args=[funds["county"].pk])
    client.force_login(approver)
    answer = client.post(url, {"form": "reverse", "reverse-entry": donation.pk,
                               "reverse-reason": "收据号登记错误"})
    assert answer.status_code == 302
    assert Fund.objects.get(pk=funds["county"].pk).balance_fen == 5_000_000


def test_ledger_pager_and_excel(client, funds, approver):
    for n in range(60):
        services.record_income(actor=SYSTEM, fund=funds["county"], amount_fen=100 + n,
                               source="social", on=DAY, voucher=f"S{n}")
    url = reverse("funds:detail", args=[funds["county"].pk])
    client.force_login(approver)
    text = client.get(url).content.decode()
    assert "第 1 / 2 页" in text and 'data-testid="export-xlsx"' in text
    export = client.get(url + "?export=xlsx")
    assert export.status_code == 200
    sheet = load_workbook(BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "分录号" and len(rows) == 1 + 62  # header, 60 + fiscal + allocation
    assert {"社会筹集" in (r[2] or "") for r in rows[1:]} == {True, False}


def test_the_statement_adds_up(client, funds, approver, donation, help_paid, tree):
    county, town1 = funds["county"], funds["town1"]
    services.record_income(actor=SYSTEM, fund=county, amount_fen=1_000, source="lottery",
                           on=date(2025, 12, 31), voucher="old")
    services.commit(actor=SYSTEM, fund=town1, amount_fen=2_000, case_id=12,
                    township=tree["town1"], level="yellow", on=date(2026, 4, 1))
    result = selectors.statement(county, date(2026, 1, 1), date(2026, 12, 31))
    assert result.opening_fen == 1_000
    assert result.income_by_source["fiscal"] == 10_000_000
    assert result.income_by_source["donation"] == 8_888_800
    assert result.allocation_fen == 5_000_000
    assert result.adds_up
    assert result.closing_fen == Fund.objects.get(pk=county.pk).balance_fen
    reserve = selectors.statement(town1, date(2026, 1, 1), date(2026, 12, 31))
    assert reserve.income_by_source["transfer"] == 5_000_000
    assert reserve.payments == [("第1镇", "red", 300_000)]
    assert reserve.open_commitment_fen == 2_000 and reserve.open_commitment_count == 1
    assert reserve.adds_up and reserve.closing_fen == 4_700_000
    march = selectors.statement(town1, date(2026, 3, 1), date(2026, 3, 31))
    assert march.adds_up and march.open_commitment_fen == 0
    client.force_login(approver)
    url = reverse("funds:statement", args=[town1.pk]) + "?start=2026-01-01&end=2026-12-31"
    page = client.get(url)
    text = page.content.decode()
    assert "47,000.00" in text and "echarts.min.js" in text and "funds-chart-data" in text
    sheet = load_workbook(BytesIO(client.get(url + "&export=xlsx").content)).active
    values = {(r[0], r[1]): r[2] for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert values[("期末余额", None)] == 47_000
    pdf = client.get(url + "&export=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_acknowledgement_names_the_donor(client, funds, approver, donation, help_paid, tmp_path):
    client.force_login(approver)
    answer = client.get(reverse("funds:acknowledgement", args=[donation.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    path = tmp_path / "ack.pdf"
    path.write_bytes(answer.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "示范县爱心企业联合会" in text.replace(" ", "").replace("\n", "")
    assert "捐赠确认书" in text.replace(" ", "")
    assert "88,888.00" in text
    # only a donation has one
    other = LedgerEntry.objects.filter(fund=funds["county"], source="fiscal").first()
    assert client.get(reverse("funds:acknowledgement", args=[other.pk])).status_code == 404


def test_acknowledgement_outside_the_region_is_not_found(client, donation, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("funds:acknowledgement", args=[donation.pk])).status_code == 404


def test_replenishment_through_the_pages(client, funds, reviewer, approver, help_paid):
    url = reverse("funds:replenishments")
    client.force_login(reviewer)
    text = client.get(url).content.decode()
    assert "JN990102001202600001" in text and f'data-testid="request-{funds["town1"].pk}"' in text
    asked = client.post(url, {"action": "request", "reserve": funds["town1"].pk,
                              f"r{funds['town1'].pk}-note": "三月红色救助"})
    assert asked.status_code == 302
    item = Replenishment.objects.get()
    assert item.amount_fen == 300_000
    assert 'data-testid="decide-' not in client.get(url).content.decode()
    client.force_login(approver)
    text = client.get(url).content.decode()
    assert f'data-testid="decide-{item.pk}"' in text and "陈老汉" in text
    refused = client.post(url, {"action": "decide", "id": item.pk,
                                f"d{item.pk}-decision": "approve", f"d{item.pk}-voucher": ""})
    assert refused.status_code == 422 and 'data-error="voucher"' in refused.content.decode()
    done = client.post(url, {"action": "decide", "id": item.pk,
                             f"d{item.pk}-decision": "approve", f"d{item.pk}-voucher": "BC-1"})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.state == ReplenishmentState.APPROVED
    assert Fund.objects.get(pk=funds["town1"].pk).balance_fen == 5_000_000


def test_ledger_filter_narrows_the_page_and_the_export(client, funds, approver, donation):
    url = reverse("funds:detail", args=[funds["county"].pk])
    client.force_login(approver)
    text = client.get(url + "?kind=allocation").content.decode()
    assert 'data-kind="allocation"' in text and 'data-kind="income"' not in text
    sheet = load_workbook(BytesIO(client.get(url + "?kind=income&export=xlsx").content)).active
    kinds = [r[2] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(kinds) == ["收入·慈善捐赠", "收入·财政专项"]


def test_a_reversible_row_links_to_the_reversal_form(client, funds, approver, supervisor,
                                                     donation):
    url = reverse("funds:detail", args=[funds["county"].pk])
    client.force_login(approver)
    text = client.get(url).content.decode()
    assert f'data-testid="reverse-{donation.pk}"' in text
    opened = client.get(url + f"?reverse={donation.pk}").content.decode()
    assert f'value="{donation.pk}"' in opened and 'id="form-reverse" class="accordion-collapse collapse show"' in opened
    services.reverse(actor=approver, entry=donation, reason="错账")
    assert f'data-testid="reverse-{donation.pk}"' not in client.get(url).content.decode()
    client.force_login(supervisor)
    assert 'data-testid="reverse-' not in client.get(url).content.decode()


def test_a_reversed_donation_has_no_acknowledgement(client, funds, approver, donation):
    services.reverse(actor=approver, entry=donation, reason="捐赠人撤回")
    client.force_login(approver)
    assert client.get(reverse("funds:acknowledgement", args=[donation.pk])).status_code == 404
    text = client.get(reverse("funds:detail", args=[funds["county"].pk])).content.decode()
    assert 'data-testid="acknowledgement"' not in text
