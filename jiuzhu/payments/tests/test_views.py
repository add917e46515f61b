"""The payroll and bank-account pages."""

from datetime import date

from jiuzhu.payments.models import BankAccount, Payroll


def test_the_payroll_page_generates_and_downloads(client, approved, people, tree):
    client.force_login(people["reviewer"])
    page = client.get("/payments/payroll/")
    assert page.status_code == 200 and "第1镇" in page.content.decode()
    assert "第2镇" not in page.content.decode()
    response = client.post("/payments/payroll/", {"township": tree["town1"].pk, "month": "2026-04"})
    assert response.status_code == 302
    payroll = Payroll.objects.get(month=date(2026, 4, 1))
    assert payroll.count == 1
    listed = client.get("/payments/payroll/").content.decode()
    assert "2026-04" in listed and str(payroll.total) in listed
    download = client.get(f"/payments/payroll/{payroll.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"
    assert client.post("/payments/payroll/", {"township": tree["town1"].pk,
                                              "month": "2026-4x"}).status_code == 422


def test_the_payroll_page_refuses_other_roles_and_townships(client, approved, people, tree):
    client.force_login(people["window"])
    assert client.get("/payments/payroll/").status_code == 403
    client.force_login(people["reviewer"])
    payroll = client.post("/payments/payroll/", {"township": tree["town1"].pk, "month": "2026-04"})
    assert payroll.status_code == 302
    pk = Payroll.objects.get().pk
    client.force_login(people["other_reviewer"])
    assert client.get(f"/payments/payroll/{pk}/download/").status_code == 404
    refused = client.post("/payments/payroll/", {"township": tree["town1"].pk, "month": "2026-05"})
    assert refused.status_code == 422  # not one of their townships
    assert not Payroll.objects.filter(month=date(2026, 5, 1)).exists()


def test_the_account_page(client, approved, people):
    household = approved.household
    client.force_login(people["window"])
    url = f"/payments/account/{household.pk}/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"bank_name": "示范银行", "account_number": "12", "holder_name": "张三"})
    assert bad.status_code == 422 and "账号应为" in bad.content.decode()
    assert client.post(url, {"bank_name": "示范银行", "account_number": "6217 0000 1234 5678",
                             "holder_name": "张三"}).status_code == 302
    assert BankAccount.objects.get(household=household).account_number == "6217000012345678"
    client.force_login(people["other_window"])
    assert client.get(url).status_code == 404
    client.force_login(people["investigator"])
    assert client.get(url).status_code == 403
