"""Clicks through the signed link: charged once at the auction's price, never for a forged, replayed, expired,
bot or repeated click; attribution of paid lines to the last valid click within the window."""

import uuid
from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from wanshang.ads import traffic
from wanshang.ads.models import AdAccount, AdClick, AdConversion, AdLedgerEntry
from wanshang.ads.tests.serving.conftest import serve
from wanshang.ads.tests.spooling import click_settled
from wanshang.common.errors import ValidationError

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"
V = "a" * 32


def click(token, *, visitor=V, agent=BROWSER, user_id=None, now=None):
    return click_settled(token=token, visitor=visitor, user_id=user_id, user_agent=agent, now=now)


def _ad(live_ad, **kw):
    shop, plan, group, _kws = live_ad(**kw)
    [ad] = serve("连衣裙", visitor=V)
    return shop, plan, group, ad


def test_a_click_is_charged_once_at_the_auction_price(live_ad):
    shop, plan, group, ad = _ad(live_ad, bid=180)
    before = AdAccount.objects.get(shop=shop).balance_fen
    outcome = click(ad.token)
    assert outcome.status == "charged" and outcome.charged_fen == ad.price_fen <= 180
    assert AdAccount.objects.get(shop=shop).balance_fen == before - ad.price_fen
    entry = AdLedgerEntry.objects.get(kind="charge", plan_id=plan.pk)
    assert entry.amount_fen == -ad.price_fen and entry.keyword_id == ad.keyword_id
    # the same link again: not charged, nothing recorded
    assert click(ad.token).status == "replay"
    assert AdClick.objects.count() == 1 and AdLedgerEntry.objects.filter(kind="charge").count() == 1


def test_a_forged_or_altered_token_is_refused_and_not_recorded(live_ad):
    _shop, _plan, _group, ad = _ad(live_ad)
    payload = signing.loads(ad.token, salt=traffic.SALT)
    forged = signing.dumps({**payload, "c": 1}, salt="someone-else")
    for bad in (forged, ad.token[:-3] + "abc", "", "x" * 2000, signing.dumps([1, 2], salt=traffic.SALT)):
        with pytest.raises(ValidationError):
            click(bad)
    assert not AdClick.objects.exists()


def test_a_second_click_within_the_window_is_recorded_not_charged(live_ad):
    shop, _plan, _group, first = _ad(live_ad)
    [second] = serve("连衣裙", visitor=V)
    assert click(first.token).status == "charged"
    assert click(second.token).status == "duplicate"
    assert AdLedgerEntry.objects.filter(kind="charge").count() == 1
    # another visitor's click on the same ad is charged
    [third] = serve("连衣裙", visitor="b" * 32)
    assert click(third.token, visitor="b" * 32).status == "charged"


def test_the_window_ends(live_ad):
    from django.core.cache import cache

    _shop, _plan, _group, first = _ad(live_ad)
    assert click(first.token).status == "charged"
    later = timezone.now() + timedelta(minutes=31)
    [second] = serve("连衣裙", visitor=V, now=later)
    cache.delete(
        f"ads:click:{V}:{second.group_id}"
    )  # the cache entry's own timeout, which a test cannot wait for
    assert click(second.token, now=later).status == "charged"


@pytest.mark.parametrize(
    "agent", ["Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.0", "", "HeadlessChrome"]
)
def test_bots_are_recorded_and_not_charged(live_ad, agent):
    _shop, _plan, _group, ad = _ad(live_ad)
    assert click(ad.token, agent=agent).status == "bot"
    assert not AdLedgerEntry.objects.filter(kind="charge").exists()


def test_a_token_shown_to_another_visitor_or_expired_is_invalid(live_ad):
    _shop, _plan, _group, ad = _ad(live_ad)
    assert click(ad.token, visitor="c" * 32).status == "invalid"
    [other] = serve("连衣裙", visitor=V)
    assert click(other.token, now=timezone.now() + timedelta(days=2)).status == "invalid"
    assert not AdLedgerEntry.objects.filter(kind="charge").exists()
    assert set(AdClick.objects.values_list("reason", flat=True)) == {"other_visitor", "expired"}


def test_a_click_the_budget_cannot_pay_is_unpaid_and_stops_the_plan(live_ad):
    from wanshang.ads.models import AdPlanDay

    _shop, plan, _group, ad = _ad(live_ad, bid=100, daily=1000)
    AdPlanDay.objects.create(
        plan=plan, shop_id=plan.shop_id, date=timezone.localdate(), spend_fen=1000 - ad.price_fen + 1
    )
    assert click(ad.token).status == "unpaid"
    assert serve("连衣裙", visitor="d" * 32) == []


def _paid(order_id, *, buyer_id, product_id, visitor="", amount=9900):
    from wanshang.common.domain_events import LineFacts, OrderFacts

    line = LineFacts(
        line_id=order_id * 10,
        sku_id=1,
        product_id=product_id,
        category_id=1,
        quantity=1,
        unit_price_fen=amount,
        payable_fen=amount,
    )
    return OrderFacts(
        order_id=order_id,
        no=uuid.uuid4().hex[:12],
        shop_id=1,
        buyer_id=buyer_id,
        payment_id=1,
        status="paid",
        total_fen=amount,
        freight_fen=0,
        points_used=0,
        visitor=visitor,
        lines=(line,),
    )


def test_attribution_to_the_last_click_within_the_window(live_ad, buyer):
    from wanshang.ads.attribution import conversions_record

    _shop, _plan, group, ad = _ad(live_ad)
    assert click(ad.token, user_id=buyer.pk).status == "charged"
    facts = _paid(7, buyer_id=buyer.pk, product_id=group.product_id)
    assert conversions_record(orders=[facts]) == 1
    assert conversions_record(orders=[facts]) == 0  # a replayed event adds nothing
    conv = AdConversion.objects.get()
    assert (conv.keyword_id, conv.amount_fen, conv.query) == (ad.keyword_id, 9900, "连衣裙")
    # by the visitor cookie the order came from, without a log-in at the click
    [anon] = serve("连衣裙", visitor="e" * 32)
    assert click(anon.token, visitor="e" * 32).status == "charged"
    assert (
        conversions_record(orders=[_paid(8, buyer_id=999, product_id=group.product_id, visitor="e" * 32)])
        == 1
    )
    # past the window (15 days) nothing is attributed
    late = timezone.now() + timedelta(days=16)
    assert conversions_record(orders=[_paid(9, buyer_id=buyer.pk, product_id=group.product_id)], at=late) == 0
    # another product's line is not
    assert conversions_record(orders=[_paid(10, buyer_id=buyer.pk, product_id=group.product_id + 999)]) == 0


def test_bot_clicks_are_not_attributed(live_ad, buyer):
    from wanshang.ads.attribution import conversions_record

    _shop, _plan, group, ad = _ad(live_ad)
    assert click(ad.token, user_id=buyer.pk, agent="Baiduspider").status == "bot"
    assert conversions_record(orders=[_paid(11, buyer_id=buyer.pk, product_id=group.product_id)]) == 0


def test_placement_creative_and_crowd_ride_the_token_into_click_and_conversion(live_ad, buyer):
    """A token made for an audience placement with a creative and a crowd carries them (signed) into the
    click row and from there into the conversion; a search token carries none."""
    from wanshang.ads.attribution import conversions_record

    _shop, _plan, group, ad = _ad(live_ad)
    assert "m" not in signing.loads(ad.token, salt=traffic.SALT)  # a search token stays as it was
    payload = signing.loads(ad.token, salt=traffic.SALT)
    token = signing.dumps({**payload, "m": "cart", "r": 41, "w": 7}, salt=traffic.SALT, compress=True)
    assert click(token, user_id=buyer.pk).status == "charged"
    row = AdClick.objects.get()
    assert (row.placement, row.creative_id, row.crowd_id) == ("cart", 41, 7)
    assert conversions_record(orders=[_paid(11, buyer_id=buyer.pk, product_id=group.product_id)]) == 1
    assert AdConversion.objects.get().placement == "cart"
    # an unknown placement in a (validly signed) token falls back to search rather than storing junk
    bad = signing.dumps({**payload, "m": "nowhere", "r": True, "v": "x"}, salt=traffic.SALT, compress=True)
    click(bad, visitor="f" * 32)
    assert AdClick.objects.get(page_view="x").placement == "search"
    assert AdClick.objects.get(page_view="x").creative_id is None
