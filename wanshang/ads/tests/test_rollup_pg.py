"""The rollup tests again on PostgreSQL (the refund join casts the click id to text, hours are truncated in the
database's time zone arithmetic): every test of test_rollup.py, run against the PostgreSQL test database."""

import pytest

from wanshang.ads.tests.test_rollup import *  # noqa: F403  (the same tests, collected here with the marks below)
from wanshang.ads.tests.test_rollup import ad as ad  # noqa: F401  (fixtures)
from wanshang.ads.tests.test_rollup import day0 as day0  # noqa: F401

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgres_only(require_postgres):
    """See conftest.require_postgres: skipped off PostgreSQL, failed under CI."""
