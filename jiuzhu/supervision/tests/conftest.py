from jiuzhu.payments.tests.conftest import (  # noqa: F401
    approved,
    clock,
    media,
    people,
    poor_household,
    staff,
)
