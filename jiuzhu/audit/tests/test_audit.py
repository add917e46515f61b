import pytest
from django.urls import reverse

from jiuzhu.audit.models import AuditEvent
from jiuzhu.audit.services import audit_record
from jiuzhu.testing import UserFactory


def test_events_cannot_be_changed_or_deleted(window_worker):
    event = audit_record(actor=window_worker, action="login")
    event.action = "logout"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="x")
    assert AuditEvent.objects.get().action == "login"


def test_audit_page_for_administrators_only(client, tree, window_worker):
    admin = UserFactory(username="sysadmin", role="administrator", region=tree["county"])
    audit_record(actor=window_worker, action="login", region_path=window_worker.region_path)
    client.force_login(window_worker)
    assert client.get(reverse("audit:list")).status_code == 403
    client.force_login(admin)
    page = client.get(reverse("audit:list"), {"q": "window1"})
    assert page.status_code == 200
    assert "window1" in page.content.decode()


def test_audit_page_is_limited_to_the_subtree(client, tree, window_worker, other_window_worker):
    admin = UserFactory(username="townadmin", role="administrator", region=tree["town2"])
    audit_record(actor=window_worker, action="login", region_path=window_worker.region_path)
    audit_record(actor=other_window_worker, action="login",
                 region_path=other_window_worker.region_path)
    client.force_login(admin)
    body = client.get(reverse("audit:list")).content.decode()
    assert "window2" in body
    assert "window1" not in body
