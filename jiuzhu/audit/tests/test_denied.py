"""Denied access is audited as such: a 403, and an object of another region (a 404 that
is not a missing object) leave an audit event ``denied``."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jiuzhu.audit.models import AuditEvent
from jiuzhu.audit.services import audit_denied
from jiuzhu.core.access import get_visible
from jiuzhu.core.errors import ErrorCode, ServiceError
from jiuzhu.households.models import Household
from jiuzhu.households.services import household_register
from jiuzhu.testing import ApiClient, UserFactory, household_dict

pytestmark = pytest.mark.django_db


@pytest.fixture
def town1_household(tree, window_worker):
    """A household of township 1 (城关街道 in the demo county)."""
    return household_register(actor=window_worker, data=household_dict(region_code="990102001001"))


def _denied():
    return list(AuditEvent.objects.filter(action="denied").order_by("id"))


def test_another_townships_household_page_is_404_and_audited_as_denied(
        client, town1_household, other_window_worker):
    """A window worker of township 2 (东河镇) opens a household of township 1 (城关街道)."""
    client.force_login(other_window_worker)
    response = client.get(reverse("households:detail", args=[town1_household.pk]))
    assert response.status_code == 404
    [event] = _denied()
    assert event.actor == other_window_worker
    assert event.object_type == "households.household"
    assert event.object_id == str(town1_household.pk)
    assert event.object_repr == ""  # another region's names stay out of the actor's audit
    assert event.region_path == town1_household.region_path
    assert event.path == reverse("households:detail", args=[town1_household.pk])
    assert event.detail["reason"] == "不在本人辖区"
    assert event.detail["status"] == 404
    assert not AuditEvent.objects.filter(action="view").exists()


def test_a_missing_household_is_404_and_not_a_denial(client, town1_household,
                                                     other_window_worker):
    client.force_login(other_window_worker)
    missing = Household.objects.order_by("-pk").first().pk + 100
    assert client.get(reverse("households:detail", args=[missing])).status_code == 404
    assert _denied() == []


def test_the_own_household_is_not_a_denial(client, town1_household, window_worker):
    client.force_login(window_worker)
    assert client.get(reverse("households:detail", args=[town1_household.pk])).status_code == 200
    assert _denied() == []
    assert AuditEvent.objects.filter(action="view", object_id=str(town1_household.pk)).exists()


def test_a_user_without_a_region_is_denied_with_that_reason(client, town1_household, tree):
    nobody = UserFactory(username="noregion", role="window_worker", region=None)
    api = ApiClient(client, {"nobody": nobody}, "")
    response = api.get("nobody", f"/api/v1/households/{town1_household.pk}")
    assert response.status_code in (401, 404)
    if response.status_code == 404:
        [event] = _denied()
        assert event.detail["reason"] == "账号没有所属区划"


def test_the_api_denial_of_another_townships_household_is_audited(client, town1_household,
                                                                  other_window_worker):
    api = ApiClient(client, {"w2": other_window_worker}, "")
    response = api.get("w2", f"/api/v1/households/{town1_household.pk}")
    assert response.status_code == 404
    [event] = _denied()
    assert (event.actor, event.object_id) == (other_window_worker, str(town1_household.pk))


def test_a_403_is_audited_as_denied(client, tree, window_worker):
    client.force_login(window_worker)
    assert client.get(reverse("audit:list")).status_code == 403
    [event] = _denied()
    assert event.actor == window_worker
    assert event.region_path == window_worker.region_path
    assert event.path == reverse("audit:list")
    assert event.detail["status"] == 403
    assert event.detail["view"] == "audit:list"
    assert event.detail["reason"]


def test_an_anonymous_403_is_recorded_as_anonymous(tree):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    [event] = _denied()
    assert event.actor is None and event.actor_name == "anonymous"


def test_get_visible_reports_only_objects_that_exist_elsewhere(town1_household,
                                                               other_window_worker,
                                                               window_worker):
    seen = []

    def on_denied(user, obj, reason):
        seen.append((user, obj.pk, reason))

    assert get_visible(Household, window_worker, pk=town1_household.pk) == town1_household
    with pytest.raises(ServiceError) as refused:
        get_visible(Household, other_window_worker, on_denied=on_denied, message="家庭不存在",
                    pk=town1_household.pk)
    assert refused.value.code == ErrorCode.NOT_FOUND and refused.value.message == "家庭不存在"
    assert seen == [(other_window_worker, town1_household.pk, "不在本人辖区")]
    # Outside a request the event is written at once.
    assert [e.object_id for e in _denied()] == [str(town1_household.pk)]
    with pytest.raises(ServiceError):
        get_visible(Household, other_window_worker, on_denied=on_denied, pk=10 ** 9)
    # Visible to the user but filtered out by the caller: not found, not a denial.
    with pytest.raises(ServiceError):
        get_visible(Household.objects.filter(status="inactive"), window_worker,
                    on_denied=on_denied, pk=town1_household.pk)
    assert len(seen) == 1 and len(_denied()) == 1


def test_audit_denied_can_be_called_directly(other_window_worker, town1_household):
    audit_denied(other_window_worker, Household, town1_household.pk, "测试原因")
    [event] = _denied()
    assert event.detail == {"reason": "测试原因", "status": 404}
