"""A buyer's data deletion (insights.privacy → BuyerDataDeleted): their ad clicks lose user and browser; the
charges, the conversions and other people's clicks stay as they were."""

import pytest

from wanshang.ads.models import AdClick, AdLedgerEntry
from wanshang.ads.tests.serving.conftest import serve
from wanshang.ads.tests.spooling import click_settled

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"


def _click(visitor, user_id=None):
    [ad] = serve("连衣裙", visitor=visitor)
    return click_settled(token=ad.token, visitor=visitor, user_id=user_id, user_agent=BROWSER)


def test_a_deletion_unlinks_the_buyers_ad_clicks_and_keeps_the_charges(live_ad, buyer, make_user):
    from wanshang.insights.services import buyer_events_delete

    live_ad()
    other = make_user()
    assert _click("b" * 32, user_id=buyer.pk).status == "charged"
    assert _click("o" * 32, user_id=other.pk).status == "charged"
    charges = list(AdLedgerEntry.objects.filter(kind="charge").values_list("amount_fen", flat=True))

    buyer_events_delete(user_id=buyer.pk)

    assert not AdClick.objects.filter(user_id=buyer.pk).exists()
    assert not AdClick.objects.filter(visitor="b" * 32).exists()
    mine = AdClick.objects.get(visitor="")
    assert mine.user_id is None and mine.status == "charged" and mine.charged_fen > 0
    assert AdClick.objects.filter(user_id=other.pk, visitor="o" * 32).count() == 1
    assert list(AdLedgerEntry.objects.filter(kind="charge").values_list("amount_fen", flat=True)) == charges


def test_a_deletion_without_ad_clicks_touches_none(live_ad, buyer, make_user):
    from wanshang.insights.services import buyer_events_delete

    live_ad()
    other = make_user()
    _click("o" * 32, user_id=other.pk)
    buyer_events_delete(user_id=buyer.pk)
    assert AdClick.objects.filter(user_id=other.pk, visitor="o" * 32).count() == 1
