import pytest

from jiuzhu.socialwork.models import SocialCase

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_phase_and_state_and_loads_once(tree, org, worker, clock):
    from jiuzhu.socialwork import demo

    from .conftest import make_household, standing
    from .test_services import _application

    standing(make_household(), circle=3, index=900)
    for _ in range(3):
        make_household()
    stopped = _application(make_household(), tree, "stopped")
    added = demo.load()
    assert added >= 4
    cases = SocialCase.objects.filter(social_worker=worker)
    assert {c.phase for c in cases} == {"before", "during", "after"}
    assert {c.state for c in cases} == {"open", "closed"}
    closed = cases.get(state="closed")
    assert all(g.outcome for n in closed.needs.all() for g in n.goals.all())
    assert cases.filter(application=stopped, trigger="left_dibao").exists()
    assert demo.load() == 0
