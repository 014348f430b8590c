"""Clicks and impressions through the ads spool: the request only verifies and appends; the ingest job records,
drops replays, applies the dedupe window in time order and charges within the budgets, exactly once even when
it crashes mid-batch; a paid order right after a click is still attributed to it."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.ads import adspool, traffic
from wanshang.ads.models import AdAccount, AdClick, AdImpression, AdLedgerEntry, AdPlanDay, AdSpoolCursor
from wanshang.ads.services import ChargeItem, ad_charge_batch
from wanshang.ads.tests.serving.conftest import serve
from wanshang.ads.tests.spooling import ads_ingested
from wanshang.ads.traffic import search_ads_serve
from wanshang.search.selectors import query_words

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"


def _visitor(n: int) -> str:
    return f"{n:032x}"


def _click(ad, visitor, **kw):
    return traffic.click_record(token=ad.token, visitor=visitor, user_id=None, user_agent=BROWSER, **kw)


def test_the_request_spools_and_the_job_records_and_charges(live_ad):
    shop, _plan, _group, _ = live_ad(bid=150)
    before = AdAccount.objects.get(shop=shop).balance_fen
    served = search_ads_serve(
        words=query_words("连衣裙"), query="连衣裙", page=1, per_page=40, visitor=_visitor(1), terminal="pc"
    )
    outcome = _click(served[0], _visitor(1))
    assert outcome.status == "pending"
    assert not AdImpression.objects.exists() and not AdClick.objects.exists()  # only in the spool so far

    assert ads_ingested() == 2
    assert AdImpression.objects.count() == 1
    click = AdClick.objects.get()
    assert (click.status, click.charged_fen) == ("charged", served[0].price_fen)
    assert AdAccount.objects.get(shop=shop).balance_fen == before - served[0].price_fen
    assert AdLedgerEntry.objects.get(kind="charge").reference == f"adclick:{click.pk}"
    assert ads_ingested() == 0


def test_bots_and_foreign_tokens_are_classified_at_once_and_recorded_uncharged(live_ad):
    live_ad()
    [ad] = serve("连衣裙", visitor=_visitor(1))
    assert (
        traffic.click_record(token=ad.token, visitor=_visitor(1), user_id=None, user_agent="curl/8").status
        == "bot"
    )
    assert (
        _click(ad, _visitor(2)).status == "invalid"
    )  # shown to another visitor (the bot's row holds the hash)
    ads_ingested()
    assert list(AdClick.objects.values_list("status", flat=True)) == ["bot"]
    assert not AdLedgerEntry.objects.filter(kind="charge").exists()


def test_replays_within_a_batch_and_across_batches_record_and_charge_once(live_ad):
    live_ad()
    [ad] = serve("连衣裙", visitor=_visitor(1))
    for _ in range(3):
        _click(ad, _visitor(1))
    ads_ingested()
    _click(ad, _visitor(1))  # the same link later: the row is there
    ads_ingested()
    assert AdClick.objects.count() == 1
    assert AdLedgerEntry.objects.filter(kind="charge").count() == 1


def test_the_dedupe_window_goes_by_click_time_not_spool_order(live_ad):
    live_ad()
    v = _visitor(1)
    first, second = serve("连衣裙", visitor=v)[0], serve("连衣裙", visitor=v)[0]
    now = timezone.now()
    _click(second, v, now=now + timedelta(minutes=2))  # written first, clicked later
    _click(first, v, now=now)
    ads_ingested()
    rows = dict(AdClick.objects.values_list("ts", "status"))
    assert rows == {now: "charged", now + timedelta(minutes=2): "duplicate"}


def test_a_batch_never_spends_past_the_daily_budget(live_ad):
    from wanshang.ads.models import AdPlan

    _shop, plan, _group, _ = live_ad(bid=100)
    ads = [serve("连衣裙", visitor=_visitor(n))[0] for n in range(15)]
    price = ads[0].price_fen
    AdPlan.objects.filter(pk=plan.pk).update(daily_budget_fen=price * 10 + price // 2)  # room for 10 clicks
    for n, ad in enumerate(ads):
        _click(ad, _visitor(n))
    ads_ingested()
    day = AdPlanDay.objects.get(plan=plan, date=timezone.localdate())
    charged = AdClick.objects.filter(status="charged")
    assert charged.count() == 10 and day.spend_fen == price * 10 == sum(c.charged_fen for c in charged)
    assert set(AdClick.objects.exclude(status="charged").values_list("status", "reason")) == {
        ("unpaid", "daily_budget")
    }
    assert day.exhausted_reason == "daily_budget"
    assert day.clicks == 10 == AdLedgerEntry.objects.filter(kind="charge").count()
    assert serve("连衣裙", visitor=_visitor(99)) == []  # serving stopped once, after the batch


def test_an_ingester_crash_mid_batch_charges_nothing_then_everything_once(live_ad, monkeypatch):
    shop, _plan, _group, _ = live_ad(bid=100)
    before = AdAccount.objects.get(shop=shop).balance_fen
    ads = [serve("连衣裙", visitor=_visitor(n))[0] for n in range(4)]
    for n, ad in enumerate(ads):
        _click(ad, _visitor(n))
    settle = adspool.clicks_settle
    read = dict(AdSpoolCursor.objects.values_list("name", "offset"))  # the impressions, read by serve()

    def crash_after_charging(clicks):
        settle(clicks)
        assert AdLedgerEntry.objects.filter(kind="charge").count() == 4  # charged inside the batch …
        raise RuntimeError("the ingester died before its commit")

    monkeypatch.setattr(adspool, "clicks_settle", crash_after_charging)
    with pytest.raises(RuntimeError):
        ads_ingested()
    monkeypatch.undo()
    # … and all of it rolled back with the cursor
    assert not AdClick.objects.exists() and not AdLedgerEntry.objects.filter(kind="charge").exists()
    assert AdAccount.objects.get(shop=shop).balance_fen == before
    assert dict(AdSpoolCursor.objects.values_list("name", "offset")) == read  # the cursor did not move

    ads_ingested()
    ads_ingested()
    assert AdClick.objects.filter(status="charged").count() == 4
    charges = AdLedgerEntry.objects.filter(kind="charge")
    assert charges.count() == 4 and len({c.reference for c in charges}) == 4
    assert AdAccount.objects.get(shop=shop).balance_fen == before - sum(a.price_fen for a in ads)


def test_a_charge_batch_answers_a_charged_reference_duplicate(live_ad):
    _shop, _plan, group, _ = live_ad(bid=100)
    item = ChargeItem(ref="adclick:x1", group_id=group.pk, price_fen=50, keyword_id=None, now=timezone.now())
    assert ad_charge_batch(items=[item])["adclick:x1"].charged
    again = ad_charge_batch(
        items=[item, ChargeItem(**{**item.__dict__, "ref": "adclick:x2", "group_id": 10**9})]
    )
    assert again["adclick:x1"].reason == "duplicate" and not again["adclick:x1"].charged
    assert again["adclick:x2"].invalid
    assert AdLedgerEntry.objects.filter(kind="charge").count() == 1


def test_a_foreign_or_torn_line_is_skipped(live_ad, settings):
    live_ad()
    [ad] = search_ads_serve(
        words=query_words("连衣裙"), query="连衣裙", page=1, per_page=40, visitor=_visitor(1), terminal="pc"
    )
    [path] = adspool.spooling.folder(adspool.SETTING).glob("*.jsonl")
    with open(path, "ab") as fh:
        fh.write(b'["c", "soon"]\n["x"]\nnot json\n')
    _click(ad, _visitor(1))
    assert ads_ingested() == 2
    assert AdClick.objects.get().status == "charged"


def test_an_order_paid_seconds_after_a_spooled_click_is_attributed(live_ad, buyer):
    from wanshang.ads.models import AdConversion
    from wanshang.ads.subscribers import on_orders_paid
    from wanshang.common.domain_events import LineFacts, OrderFacts, OrdersPaid

    _shop, _plan, group, _ = live_ad()
    [ad] = serve("连衣裙", visitor=_visitor(1))
    traffic.click_record(token=ad.token, visitor=_visitor(1), user_id=buyer.pk, user_agent=BROWSER)
    assert not AdClick.objects.exists()  # still in the spool when the payment arrives
    line = LineFacts(
        line_id=70,
        sku_id=1,
        product_id=group.product_id,
        category_id=1,
        quantity=1,
        unit_price_fen=9900,
        payable_fen=9900,
    )
    facts = OrderFacts(
        order_id=7,
        no=uuid.uuid4().hex[:12],
        shop_id=group.shop_id,
        buyer_id=buyer.pk,
        payment_id=1,
        status="paid",
        total_fen=9900,
        freight_fen=0,
        points_used=0,
        visitor="",
        lines=(line,),
    )
    on_orders_paid(OrdersPaid(payment_id=1, orders=(facts,), at=timezone.now() + timedelta(seconds=5)))
    conversion = AdConversion.objects.get()
    assert conversion.click.token_hash == AdClick.objects.get().token_hash
