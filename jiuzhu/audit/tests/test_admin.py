"""The Django admin has no back door (issue #14, item 1): as the superuser ``admin``, case,
money and household models cannot be changed or deleted there, users are never deleted, and
every write the admin may make is audited with its changed fields."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from jiuzhu.accounts.models import User
from jiuzhu.applications.models import Application
from jiuzhu.audit.admin_guard import AuditedAdminMixin, is_config
from jiuzhu.audit.models import AuditEvent
from jiuzhu.core.access import SYSTEM
from jiuzhu.households.services import household_register
from jiuzhu.leads.models import Lead
from jiuzhu.payments.models import BankAccount, Payment
from jiuzhu.supervision.models import TipOff
from jiuzhu.testing import UserFactory, household_dict


@pytest.fixture
def root(tree, client):
    user = UserFactory(username="admin", role="administrator", region=tree["province"],
                       is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


@pytest.fixture
def household(tree):
    return household_register(actor=SYSTEM, data=household_dict(region_code=tree["village1"].code))


@pytest.fixture
def case(household):
    town = household.region.parent
    return Application.objects.create(
        number="R000001", query_code="Q000001", household=household, item_code="A01",
        channel="window", state="approved", region=town, region_path=town.path, step="none",
        step_started_on=date(2026, 10, 1), approved_amount=Decimal("500.00"))


def _url(obj, view: str = "change") -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk])


def _admin_events():
    return list(AuditEvent.objects.filter(detail__via="admin").order_by("id"))


def test_every_admin_is_guarded_and_only_configuration_is_writable(rf, root):
    request = rf.get("/admin/")
    request.user = root
    writable = set()
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, AuditedAdminMixin), model
        if (model_admin.has_add_permission(request)
                or model_admin.has_change_permission(request)
                or model_admin.has_delete_permission(request)):
            writable.add(model._meta.label_lower)
            assert is_config(model)
            # An inline's rows would be written without an audit of their own.
            assert not model_admin.inlines, model
        else:
            # A read-only admin refuses every POST of its change form (inlines included).
            assert model_admin.get_actions(request) == {}, model
    assert {"regions.region", "accounts.user", "auth.group"} <= writable
    for label in ("payments.payment", "payments.bankaccount", "payments.payroll",
                  "leads.lead", "supervision.tipoff", "documents.document",
                  "funds.ledgerentry", "exchange.importjob"):
        assert label not in writable


def test_a_benefit_bank_account_cannot_be_changed(client, root, household):
    account = BankAccount.objects.create(household=household, bank_name="农商银行",
                                         account_number="6222000000000001", holder_name="张三")
    page = client.get(_url(account))
    assert page.status_code == 200
    assert "6222000000000001" not in page.content.decode()
    response = client.post(_url(account), {"household": household.pk, "bank_name": "农商银行",
                                           "account_number": "6222000000009999",
                                           "holder_name": "张三"})
    assert response.status_code == 403
    assert BankAccount.objects.get().account_number == "6222000000000001"
    assert client.post(_url(account, "delete"), {"post": "yes"}).status_code == 403
    assert BankAccount.objects.exists()


def test_a_lead_cannot_be_deleted(client, root, tree):
    lead = Lead.objects.create(source="other", person_name="某", description="x",
                               region=tree["village1"], region_path=tree["village1"].path)
    assert client.post(_url(lead, "delete"), {"post": "yes"}).status_code == 403
    response = client.post(reverse("admin:leads_lead_changelist"),
                           {"action": "delete_selected", "_selected_action": [lead.pk],
                            "post": "yes"})
    assert response.status_code in (200, 302)
    assert Lead.objects.filter(pk=lead.pk).exists()


def test_a_tip_off_cannot_be_deleted(client, root, household, case):
    tip = TipOff.objects.create(household=household, application=case,
                                region_path=household.region_path,
                                source="phone", content="多报", received_on=date(2026, 11, 2))
    assert client.post(_url(tip, "delete"), {"post": "yes"}).status_code == 403
    assert TipOff.objects.filter(pk=tip.pk).exists()


def test_a_payment_cannot_be_changed_or_deleted(client, root, household, case):
    town = household.region.parent
    payment = Payment.objects.create(application=case, month=date(2026, 11, 1),
                                     amount=Decimal("500.00"), township=town,
                                     region_path=case.region_path)
    assert client.post(_url(payment), {"amount": "9999.00"}).status_code == 403
    assert client.post(_url(payment, "delete"), {"post": "yes"}).status_code == 403
    assert Payment.objects.get().amount == Decimal("500.00")


def test_a_user_is_never_deleted_through_the_admin(client, root, window_worker):
    assert client.post(_url(window_worker, "delete"), {"post": "yes"}).status_code == 403
    response = client.post(reverse("admin:accounts_user_changelist"),
                           {"action": "delete_selected", "_selected_action": [window_worker.pk],
                            "post": "yes"})
    assert response.status_code in (200, 302)
    assert User.objects.filter(pk=window_worker.pk).exists()


def test_a_user_change_is_audited_without_the_password_hash(client, root, window_worker):
    page = client.get(_url(window_worker))
    assert page.status_code == 200
    form = {"username": "window1", "full_name": "王五", "role": "window_worker",
            "region": window_worker.region_id, "phone": "", "first_name": "", "last_name": "",
            "email": "", "is_staff": "", "is_active": "",  # deactivated
            "date_joined_0": "2026-11-01", "date_joined_1": "08:00:00",
            "last_login_0": "", "last_login_1": ""}
    response = client.post(_url(window_worker), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    window_worker.refresh_from_db()
    assert not window_worker.is_active
    (event,) = _admin_events()
    assert event.action == "update" and event.actor == root
    assert event.object_id == str(window_worker.pk)
    assert event.detail["changes"]["is_active"] == [True, False]
    assert event.detail["changes"]["full_name"][1] == "王五"

    old_hash = window_worker.password
    response = client.post(reverse("admin:auth_user_password_change",
                                   args=[window_worker.pk]),
                           {"password1": "Another-Passw0rd!x", "password2": "Another-Passw0rd!x",
                            "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:3000]
    window_worker.refresh_from_db()
    assert window_worker.password != old_hash
    last = _admin_events()[-1]
    assert last.detail["changes"]["password"] == ["已修改", "已修改"]
    stored = json.dumps([e.detail for e in AuditEvent.objects.all()], ensure_ascii=False)
    assert old_hash not in stored and window_worker.password not in stored


def test_configuration_writes_are_audited_old_to_new(client, root, tree):
    region = tree["village2"]
    response = client.post(_url(region), {"code": region.code, "name": "新村",
                                          "level": region.level, "parent": region.parent_id,
                                          "area_type": region.area_type})
    assert response.status_code == 302, response.content.decode()[:3000]
    (event,) = _admin_events()
    assert event.detail["changes"]["name"] == ["第2村", "新村"]
    assert event.region_path == region.path

    response = client.post(reverse("admin:auth_group_add"), {"name": "审核组"})
    assert response.status_code == 302
    group = Group.objects.get(name="审核组")
    added = _admin_events()[-1]
    assert (added.action, added.object_id) == ("create", str(group.pk))
    assert added.detail["changes"]["name"] == [None, "审核组"]

    response = client.post(reverse("admin:auth_group_changelist"),
                           {"action": "delete_selected", "_selected_action": [group.pk],
                            "post": "yes"})
    assert response.status_code == 302
    assert not Group.objects.exists()
    deleted = _admin_events()[-1]
    assert (deleted.action, deleted.object_id) == ("delete", str(group.pk))
    assert deleted.detail["before"]["name"] == "审核组"


def test_a_county_second_factor_policy_is_set_in_the_admin_and_audited(client, root, tree):
    from jiuzhu.accounts.models import SecondFactorPolicy

    county = tree["county"]
    response = client.post(reverse("admin:accounts_secondfactorpolicy_add"),
                           {"region": county.pk, "mode": "required_roles"})
    assert response.status_code == 302, response.content.decode()[:3000]
    policy = SecondFactorPolicy.objects.get(region=county)
    assert policy.mode == "required_roles"
    event = _admin_events()[-1]
    assert (event.action, event.object_id) == ("create", str(policy.pk))
    assert event.detail["changes"]["mode"] == [None, "required_roles"]
