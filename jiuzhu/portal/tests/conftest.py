"""``small_demo``: the small demo county (one generated family a village), loaded once for a
module and rolled back after it — each test of the module runs in its own savepoint inside
(``test_demo_walks.py``: three walks share one load instead of one each)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction


@pytest.fixture(scope="module")
def small_demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
    from jiuzhu.demo.loader import load_demo

    with django_db_blocker.unblock(), transaction.atomic():
        loaded = load_demo(per_village=1)
        yield loaded
        transaction.set_rollback(True)
