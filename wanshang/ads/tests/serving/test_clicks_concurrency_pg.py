"""Real concurrency on PostgreSQL: one ad link clicked from many threads at once is recorded and charged once;
one visitor's several links to one ad clicked at once are charged once (the dedupe window's atomic claim)."""

import pytest

from wanshang.ads import traffic
from wanshang.ads.tests.serving.conftest import serve
from wanshang.common.tests.concurrency import run_concurrently

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("threads"),
]
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"
V = "f" * 32


@pytest.fixture(autouse=True)
def _postgres_only(require_postgres):
    """See conftest.require_postgres: skipped off PostgreSQL, failed under CI."""


def _click(token):
    return traffic.click_record(token=token, visitor=V, user_id=None, user_agent=BROWSER)


def test_one_link_clicked_from_many_threads_is_charged_once(live_ad):
    from wanshang.ads.models import AdClick, AdLedgerEntry

    live_ad()
    [ad] = serve("连衣裙", visitor=V)

    results = run_concurrently(_click, [ad.token] * 8, threads=8)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.status for r in results).count("charged") == 1
    assert AdClick.objects.count() == 1
    assert AdLedgerEntry.objects.filter(kind="charge").count() == 1


def test_one_visitors_links_to_one_ad_clicked_at_once_are_charged_once(live_ad):
    from wanshang.ads.models import AdClick, AdLedgerEntry

    live_ad()
    tokens = [serve("连衣裙", visitor=V)[0].token for _ in range(6)]

    results = run_concurrently(_click, tokens, threads=6)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert [r.status for r in results].count("charged") == 1
    assert AdClick.objects.filter(status="duplicate").count() == 5
    assert AdLedgerEntry.objects.filter(kind="charge").count() == 1
