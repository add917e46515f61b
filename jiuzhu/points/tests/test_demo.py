"""The demo: goods in stock with donations, points of the confirmed orders, a transfer from
volunteer1 to a family, a redemption; loading twice adds nothing; the invariant holds."""

import pytest

from jiuzhu.core.access import SYSTEM
from jiuzhu.points import demo, selectors, services
from jiuzhu.points.models import Good, PointEntry, Redemption, StockMove

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent(tree, organisation, household):
    from jiuzhu.testing import UserFactory

    volunteer = UserFactory(username="volunteer1", role="provider", region=tree["county"],
                            organisation=organisation, full_name="魏佳")
    services.issue_for_service(actor=SYSTEM, order_id=99, provider_key="provider:1",
                               volunteer_user=volunteer, region=tree["village1"], minutes=180)
    demo.load()
    counts = (Good.objects.count(), StockMove.objects.count(), PointEntry.objects.count(),
              Redemption.objects.count())
    assert counts[0] == len(demo.GOODS) and counts[3] == 1
    assert PointEntry.objects.filter(kind="transfer").count() == 1
    assert StockMove.objects.filter(kind="donation").exclude(donor="").exists()
    demo.load()
    assert (Good.objects.count(), StockMove.objects.count(), PointEntry.objects.count(),
            Redemption.objects.count()) == counts
    summary = selectors.summary(SYSTEM)
    assert summary == {"issued": 30, "redeemed": 5, "balances_total": 25}
