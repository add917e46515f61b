from jiuzhu.payments.tests.conftest import (  # noqa: F401
    approved,
    media,
    people,
    poor_household,
    staff,
)
