import pytest

from jiuzhu.testing import PASSWORD, UserFactory, demo_tree


@pytest.fixture
def tree(db):
    return demo_tree()


@pytest.fixture
def window_worker(tree):
    return UserFactory(username="window1", role="window_worker", region=tree["town1"])


@pytest.fixture
def other_window_worker(tree):
    return UserFactory(username="window2", role="window_worker", region=tree["town2"])


@pytest.fixture
def superuser(tree):
    return UserFactory(username="root", role="administrator", region=tree["province"],
                       is_superuser=True, is_staff=True)


@pytest.fixture
def password():
    return PASSWORD
