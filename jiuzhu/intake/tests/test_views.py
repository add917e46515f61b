"""The intake pages: the form (search, prefill, submit, refusals), receipt (HTML and PDF),
queue, request page, inbox with action forms, overdue list with urges and Excel, the public
tracking page — with query-count guards and region isolation."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiuzhu.intake import services
from jiuzhu.intake.models import Request, RequestItem, Urge

from .conftest import MZ01_MATERIALS, PDF, files


def login(client, user, password):
    assert client.login(username=user.username, password=password)
    return client


def make(staff, family, items=("JY02", "CL01"), on=None):
    return services.request_create(actor=staff["window"], household=family, items=list(items),
                                   channel="window", on=on,
                                   materials={"JY02": ["学籍证明"]} if "JY02" in items else {})


def test_search_is_htmx_rows_in_the_region(client, staff, family, password,
                                           django_assert_max_num_queries):
    login(client, staff["window"], password)
    head = family.members.get(member_id="M1")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("intake:household_search"), {"q": head.id_number})
    assert response.status_code == 200 and family.household_id in response.content.decode()
    assert "<html" not in response.content.decode()
    login(client, staff["other_window"], password)
    response = client.get(reverse("intake:household_search"), {"q": "李大"})
    assert family.household_id not in response.content.decode()


def test_form_prefills_and_creates(client, staff, family, password, django_assert_max_num_queries):
    login(client, staff["window"], password)
    url = reverse("intake:create") + f"?household={family.pk}&items=MZ01&items=JY02"
    with django_assert_max_num_queries(12):  # constant: session, user, household, catalogue
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="MZ01" id="item-MZ01" checked' in page and 'value="JY02" id="item-JY02" checked' in page
    assert 'id="item-CL01" checked' not in page and 'id="item-CL01"' in page
    data = {"household": family.pk, "items": ["MZ01", "JY02"], "channel": "window",
            "applicant_name": "李大山", "m_JY02": ["学籍证明"]}
    for material in MZ01_MATERIALS:
        data[f"f_MZ01_{material}"] = SimpleUploadedFile(f"{material}.pdf", PDF)
    data["f_JY02_学籍证明"] = SimpleUploadedFile("x.pdf", PDF)
    response = client.post(reverse("intake:create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    request = Request.objects.get()
    assert response["Location"] == reverse("intake:receipt", args=[request.pk])
    assert set(request.items.values_list("item_code", "mode")) == {("MZ01", "internal"), ("JY02", "transfer")}
    assert request.items.get(item_code="MZ01").application.attachments.count() == 5


def test_form_refusal_names_the_field_and_changes_nothing(client, staff, family, password):
    login(client, staff["window"], password)
    response = client.post(reverse("intake:create"), {
        "household": family.pk, "items": ["JY02"], "channel": "proxy", "applicant_name": "李大山"})
    assert response.status_code == 422
    assert "代办、陪办须填写代办/陪办人姓名" in response.content.decode()
    assert not Request.objects.exists()


def test_form_is_for_window_workers_and_their_region(client, staff, family, password):
    login(client, staff["jy"], password)
    assert client.get(reverse("intake:create")).status_code == 403
    login(client, staff["other_window"], password)
    assert client.get(reverse("intake:create") + f"?household={family.pk}").status_code == 404


def test_receipt_html_and_pdf(client, staff, family, password, django_assert_max_num_queries):
    request = make(staff, family)
    login(client, staff["window"], password)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("intake:receipt", args=[request.pk]))
    page = response.content.decode()
    assert request.query_code in page and request.number in page
    assert page.count('data-testid="receipt-item"') == 2
    pdf = client.get(reverse("intake:receipt", args=[request.pk]) + "?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    login(client, staff["other_window"], password)
    assert client.get(reverse("intake:receipt", args=[request.pk])).status_code == 404


def test_queue_puts_online_requests_first(client, staff, family, password,
                                          django_assert_max_num_queries):
    from jiuzhu.testing import household_dict, member_dict

    make(staff, family)
    online = services.request_submit_online(household_data=household_dict(members=[member_dict()]),
                                            applicant={"name": "网上甲"}, items=["JY02"])
    login(client, staff["window"], password)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("intake:queue"))
    rows = response.content.decode().split('data-testid="queue-row"')
    assert len(rows) == 3 and online.number in rows[1]


def test_take_an_online_request_from_its_page(client, staff, family, password):
    from jiuzhu.testing import household_dict, member_dict

    online = services.request_submit_online(
        household_data=household_dict(members=[member_dict(name="钱网办")]),
        applicant={"name": "钱网办"}, items=["JY02"], files=files("学籍证明"))
    login(client, staff["window"], password)
    page = client.get(reverse("intake:detail", args=[online.pk])).content.decode()
    assert 'data-testid="take"' in page
    response = client.post(reverse("intake:take", args=[online.pk]), {"household": "", "m_JY02": ["学籍证明"]})
    assert response.status_code == 302
    online.refresh_from_db()
    assert online.status == "open" and online.household.head_name == "钱网办"
    assert online.items.get().materials == ["学籍证明"]


def test_inbox_actions_and_refusals(client, staff, family, password, django_assert_max_num_queries):
    for _ in range(3):  # more rows must not mean more queries
        make(staff, family, items=("JY02",))
    request = make(staff, family)
    jy02 = request.items.get(item_code="JY02")
    services.item_act(actor=staff["jy"], item=RequestItem.objects.filter(item_code="JY02").order_by("pk").first(),
                      action="add_cohandler", data={"departments": ["WJ"]})
    login(client, staff["jy"], password)
    with django_assert_max_num_queries(16):  # constant: paged ids, rows, co-handlers, urges, departments
        response = client.get(reverse("intake:inbox"))
    page = response.content.decode()
    assert page.count('data-testid="item-JY02"') == 4 and 'data-testid="item-CL01"' not in page
    assert 'data-testid="form-accept"' in page and 'data-testid="form-finish"' not in page
    # Co-handling departments are chosen from a list (several at once), not typed.
    assert '<option value="WJ">卫生健康局</option>' in page
    assert '<option value="JY">' not in page.split('data-testid="item-JY02"')[1]
    second = RequestItem.objects.filter(item_code="JY02").order_by("pk")[1]
    client.post(reverse("intake:act", args=[second.pk, "add_cohandler"]), {"departments": ["WJ", "CL"]})
    assert sorted(second.cohandlers.values_list("department_code", flat=True)) == ["CL", "WJ"]
    act = reverse("intake:act", args=[jy02.pk, "accept"])
    assert client.post(act, {"next": reverse("intake:inbox")}).status_code == 302
    assert RequestItem.objects.get(pk=jy02.pk).state == "accepted"
    # 409: accept again; 422: return without a reason — both shown, nothing changed.
    response = client.post(act, follow=True)
    assert "不能执行" in response.content.decode()
    response = client.post(reverse("intake:act", args=[jy02.pk, "return"]), {"reason": ""}, follow=True)
    assert "reason" in response.content.decode()
    assert RequestItem.objects.get(pk=jy02.pk).state == "accepted"
    client.post(reverse("intake:act", args=[jy02.pk, "finish"]),
                {"result": "granted", "note": "发放", "amount": "500"})
    assert RequestItem.objects.get(pk=jy02.pk).state == "finished"
    login(client, staff["cl"], password)
    # another department's item is not visible to this officer at all
    assert client.post(reverse("intake:act", args=[jy02.pk, "return"]), {"reason": "x"}).status_code == 404
    login(client, staff["other_jy"], password)
    assert client.post(reverse("intake:act", args=[jy02.pk, "return"]), {"reason": "x"}).status_code == 404


def test_overdue_urge_and_acknowledge(client, staff, family, password, django_assert_max_num_queries):
    request = make(staff, family, on=date(2025, 12, 1))
    for _ in range(3):
        make(staff, family, items=("JY05",), on=date(2025, 12, 1))
    jy02 = request.items.get(item_code="JY02")
    assert jy02.alert == "red"
    login(client, staff["supervisor"], password)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("intake:overdue"))
    page = response.content.decode()
    assert 'data-testid="item-JY02"' in page and 'data-testid="urge-form"' in page
    xlsx = client.get(reverse("intake:overdue") + "?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    from jiuzhu.audit.models import AuditEvent

    export = AuditEvent.objects.filter(action="export").latest("id")
    assert export.detail["what"] == "intake_overdue" and export.detail["rows"] == 5
    assert 'filename="intake-overdue-' in xlsx["Content-Disposition"]
    client.post(reverse("intake:urge", args=[jy02.pk]), {"message": "请本周内办结"})
    urge = Urge.objects.get()
    login(client, staff["jy"], password)
    page = client.get(reverse("intake:inbox")).content.decode()
    assert "请本周内办结" in page and reverse("intake:acknowledge", args=[urge.pk]) in page
    client.post(reverse("intake:acknowledge", args=[urge.pk]))
    assert Urge.objects.get().acknowledged_at is not None
    assert client.get(reverse("intake:overdue")).status_code == 403


@pytest.mark.django_db
def test_detail_and_public_tracking(client, staff, family, password, django_assert_max_num_queries):
    request = make(staff, family)
    login(client, staff["window"], password)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("intake:detail", args=[request.pk]))
    assert response.status_code == 200 and "JY02" in response.content.decode()
    client.logout()
    # The old public address leads to the self-service page, which wants the ID digits too.
    moved = client.get(reverse("intake:track"), {"code": request.query_code})
    assert moved.status_code == 302
    assert moved["Location"] == reverse("selfservice:track") + f"?code={request.query_code}"
    assert request.applicant_id_number == family.members.get(member_id="M1").id_number
    last4 = request.applicant_id_number[-4:]
    response = client.post(reverse("selfservice:track"), {"code": request.query_code,
                                                          "last4": last4})
    page = response.content.decode()
    assert "李*山" in page and "李大山" not in page and family.household_id not in page
    assert "已转办" in page
    wrong = "0000" if last4 != "0000" else "1111"
    refused = client.post(reverse("selfservice:track"), {"code": request.query_code,
                                                         "last4": wrong}).content.decode()
    assert "李*山" not in refused and "已转办" not in refused


def test_proxy_intake_carries_the_authorisation_to_the_application(client, staff, family, password):
    login(client, staff["window"], password)
    data = {"household": family.pk, "items": ["MZ01"], "channel": "proxy",
            "applicant_name": "李大山", "applicant_agent_name": "李小河",
            "f_proxy": SimpleUploadedFile("auth.pdf", PDF)}
    for material in MZ01_MATERIALS:
        data[f"f_MZ01_{material}"] = SimpleUploadedFile(f"{material}.pdf", PDF)
    response = client.post(reverse("intake:create"), data)
    assert response.status_code == 302, response.content.decode()[:1500]
    request = Request.objects.get()
    assert request.agent_name == "李小河"
    application = request.items.get().application
    assert application.attachments.filter(kind="authorisation").count() == 1


def test_detail_shows_the_applicants_phone_masked(client, staff, family, password):
    """个人信息 masked on the intake page too (the full value only on 查看完整信息)."""
    request = services.request_create(actor=staff["window"], household=family, items=["CL01"],
                                      channel="window",
                                      applicant={"name": "李大山", "phone": "13712345678"})
    assert request.applicant_phone == "13712345678"
    for who in ("window", "supervisor"):
        login(client, staff[who], password)
        page = client.get(reverse("intake:detail", args=[request.pk])).content.decode()
        assert "13712345678" not in page and "137****5678" in page, who
