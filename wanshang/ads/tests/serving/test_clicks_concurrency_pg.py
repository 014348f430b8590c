"""Real concurrency on PostgreSQL: spooled clicks settled by several ingest jobs at once (each on its own spool
files, as from several web processes), beside single charges (the CPM charger's `ad_charge`): one link clicked
many times is recorded and charged once; one visitor's links to one ad are charged once (the window's claim);
and a plan's daily budget and the account's balance are never passed."""

import pytest
from django.db.models import Sum
from django.utils import timezone

from wanshang.ads import adspool, traffic
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


def _click(token, visitor=V):
    return traffic.click_record(token=token, visitor=visitor, user_id=None, user_agent=BROWSER)


def _split_spool(parts: int) -> None:
    """Deal the spooled lines round-robin into `parts` files, as if that many web processes had written them."""
    folder = adspool.spooling.folder(adspool.SETTING)
    lines, stamp = [], ""
    for path in sorted(folder.glob("*.jsonl")):
        stamp = path.name[:12]
        lines.extend(path.read_bytes().splitlines(keepends=True))
        path.unlink()
    for i in range(parts):
        (folder / f"{stamp}-web-{i}.jsonl").write_bytes(b"".join(lines[i::parts]))


def _ingest(_n):
    return adspool.ad_events_ingest()


def test_one_link_clicked_many_times_is_charged_once_by_concurrent_ingesters(live_ad):
    from wanshang.ads.models import AdClick, AdLedgerEntry

    live_ad()
    [ad] = serve("连衣裙", visitor=V)
    for _ in range(8):
        _click(ad.token)
    _split_spool(4)

    results = run_concurrently(_ingest, list(range(4)))

    assert not [r for r in results if isinstance(r, Exception)], results
    assert AdClick.objects.count() == 1 and AdClick.objects.get().status == "charged"
    assert AdLedgerEntry.objects.filter(kind="charge").count() == 1


def test_one_visitors_links_to_one_ad_are_charged_once_by_concurrent_ingesters(live_ad):
    from wanshang.ads.models import AdClick, AdLedgerEntry

    live_ad()
    for token in [serve("连衣裙", visitor=V)[0].token for _ in range(6)]:
        _click(token)
    _split_spool(3)

    results = run_concurrently(_ingest, list(range(3)))

    assert not [r for r in results if isinstance(r, Exception)], results
    assert AdClick.objects.filter(status="charged").count() == 1
    assert AdClick.objects.filter(status="duplicate").count() == 5
    assert AdLedgerEntry.objects.filter(kind="charge").count() == 1


@pytest.mark.parametrize("binds", ["daily", "balance"])
def test_concurrent_ingesters_and_single_charges_never_pass_the_budget_or_balance(live_ad, binds):
    from wanshang.ads import selectors
    from wanshang.ads.models import AdAccount, AdClick, AdLedgerEntry, AdPlan, AdPlanDay
    from wanshang.ads.services import ad_charge

    shop, plan, group, _ = live_ad(bid=100, daily=5000)
    ads = [serve("连衣裙", visitor=f"{n:032x}")[0] for n in range(40)]
    price = ads[0].price_fen
    for n, ad in enumerate(ads):
        _click(ad.token, visitor=f"{n:032x}")
    _split_spool(4)
    # room for 12 of the 40 clicks and 10 single charges of the same price
    limit = price * 12 + price // 2
    if binds == "daily":
        AdPlan.objects.filter(pk=plan.pk).update(daily_budget_fen=limit)
    else:
        AdAccount.objects.filter(shop=shop).update(balance_fen=limit)
    balance = AdAccount.objects.get(shop=shop).balance_fen

    def role(kind, n):
        if kind == "ingest":
            return adspool.ad_events_ingest()
        return ad_charge(group_id=group.pk, price_fen=price, ref=f"cpm-{n}", clicks=0)

    results = run_concurrently(role, [("ingest", n) for n in range(4)] + [("single", n) for n in range(10)])

    assert not [r for r in results if isinstance(r, Exception)], results
    charges = AdLedgerEntry.objects.filter(kind="charge")
    spent = -(charges.aggregate(s=Sum("amount_fen"))["s"] or 0)
    assert spent <= limit and spent + price > limit  # full up to one click's price, never past it
    day = AdPlanDay.objects.get(plan=plan, date=timezone.localdate())
    assert day.spend_fen == spent == AdPlan.objects.get(pk=plan.pk).total_spend_fen
    assert selectors.account_balance(shop=shop) == balance - spent >= 0
    charged_clicks = AdClick.objects.filter(status="charged")
    assert sum(c.charged_fen for c in charged_clicks) == -sum(
        c.amount_fen for c in charges.filter(reference__startswith="adclick:")
    )
    assert charges.filter(reference__startswith="adclick:").count() == charged_clicks.count()
    assert AdClick.objects.count() == 40
    assert set(AdClick.objects.exclude(status="charged").values_list("status", flat=True)) <= {"unpaid"}
