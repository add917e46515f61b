"""Personal data masked by default; shown in full only on 查看完整信息, with a reason, audited."""

import pytest

from jiuzhu.audit.models import AuditEvent
from jiuzhu.core.masking import mask_account, mask_id_number, mask_phone
from jiuzhu.households.services import household_register
from jiuzhu.payments.models import BankAccount
from jiuzhu.testing import PASSWORD, UserFactory, household_dict


def test_masks():
    assert mask_id_number("110101199001011234") == "110101********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_account("6228 4800 1234 5678") == "**** 5678"
    assert mask_id_number("") == mask_phone(None) == mask_account("") == ""
    assert mask_id_number("12345") == "*****"


@pytest.fixture
def household(window_worker):
    data = household_dict(household_id="H1", phone="13812345678")
    household = household_register(actor=window_worker, data=data)
    BankAccount.objects.create(household=household, bank_name="农商行",
                               account_number="6228480012345678901", holder_name="张三")
    return household


@pytest.fixture
def officer(tree):
    return UserFactory(username="leader1", role="supervisor", region=tree["town1"])


def _numbers(household):
    return [m.id_number for m in household.members.all()]


def test_detail_page_masks_id_numbers_and_phone_for_everyone(client, household, window_worker,
                                                             officer):
    for user in (window_worker, officer):
        client.login(username=user.username, password=PASSWORD)
        page = client.get(f"/households/{household.pk}/").content.decode()
        for number in _numbers(household):
            assert number not in page
            assert mask_id_number(number) in page
        assert "13812345678" not in page
        assert "138****5678" in page
    # The link to the full values only for a role that needs them.
    assert "查看完整信息" not in page  # the supervisor's
    client.login(username=window_worker.username, password=PASSWORD)
    assert "查看完整信息" in client.get(f"/households/{household.pk}/").content.decode()


def test_reveal_asks_a_reason_and_is_audited_naming_field_and_household(client, household,
                                                                       window_worker):
    client.login(username=window_worker.username, password=PASSWORD)
    url = f"/households/{household.pk}/reveal/?field=id_number"
    form = client.get(url)
    assert form.status_code == 200
    assert not any(n in form.content.decode() for n in _numbers(household))
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 422
    assert "请填写查看原因" in refused.content.decode()
    assert not AuditEvent.objects.filter(action="reveal").exists()

    shown = client.post(url, {"reason": "核对户籍"}).content.decode()
    assert all(n in shown for n in _numbers(household))
    event = AuditEvent.objects.get(action="reveal")
    assert event.actor == window_worker
    assert event.detail == {"field": "id_number", "household": "H1", "reason": "核对户籍"}

    shown = client.post(f"/households/{household.pk}/reveal/?field=account_number",
                        {"reason": "发放核对"}).content.decode()
    assert "6228480012345678901" in shown
    assert AuditEvent.objects.filter(action="reveal").count() == 2


def test_reveal_refused_to_roles_that_do_not_need_it(client, household, officer,
                                                     other_window_worker):
    for user in (officer, other_window_worker):
        client.login(username=user.username, password=PASSWORD)
        response = client.post(f"/households/{household.pk}/reveal/?field=id_number",
                               {"reason": "看看"})
        assert response.status_code in (403, 404)
        assert not any(n in response.content.decode() for n in _numbers(household))
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_history_shows_changed_id_numbers_masked(client, household, window_worker):
    from jiuzhu.households.selectors import household_history
    from jiuzhu.households.serializers import household_to_dict
    from jiuzhu.households.services import household_update

    data = household_to_dict(household)
    old = data["members"][0]["id_number"]
    data["phone"] = "13900001111"
    household_update(actor=window_worker, household=household, data=data, reason="改电话")
    text = repr(household_history(household=household))
    assert "13900001111" not in text and "139****1111" in text
    assert old not in text
    assert "id_number_index" not in text


def test_audit_details_hold_personal_data_masked(household, window_worker):
    """An audit event's detail (admin changes, snapshots) keeps ID numbers, phones and bank
    accounts masked, at any depth; other values as they were."""
    from jiuzhu.audit.services import audit_record

    event = audit_record(actor=window_worker, action="update", obj=household, detail={
        "via": "admin", "changes": {"phone": ["13812345678", "13900001111"],
                                    "account_number": ["6222000000000001", "6222000000009999"]},
        "before": {"members": [{"name": "张三", "id_number": "110101199001011234"}],
                   "applicant_phone": "13700001234"}})
    event.refresh_from_db()
    assert event.detail == {
        "via": "admin", "changes": {"phone": ["138****5678", "139****1111"],
                                    "account_number": ["**** 0001", "**** 9999"]},
        "before": {"members": [{"name": "张三", "id_number": "110101********1234"}],
                   "applicant_phone": "137****1234"}}
