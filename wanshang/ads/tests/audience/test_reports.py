"""The audience plans in the reports: CPM blocks in the rollup's spend (the hour of a block's last impression,
split over its crowds by price), the crowd report with its conversions, and its isolation and bad input."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from wanshang.ads import rollup
from wanshang.ads.models import AdClick, AdConversion, AdImpression
from wanshang.ads.reports import crowd_report, traffic_report
from wanshang.ads.services import cpm_charge_due, rollup_run
from wanshang.common.errors import NotFound, ValidationError

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def shown(group, n, *, crowd, price, ts):
    AdImpression.objects.bulk_create(
        AdImpression(
            ts=ts,
            page_view=f"pv{i}",
            shop_id=group.shop_id,
            plan_id=group.plan_id,
            group_id=group.pk,
            keyword_id=0,
            product_id=group.product_id,
            position=1,
            price_fen=price,
            placement="home",
            crowd_id=crowd,
        )
        for i in range(n)
    )


def cpm_click_sold(group, *, crowd, ts, gmv):
    """A CPM ad's click (charged nothing) and the order attributed to it: the conversion's crowd is its click's."""
    c = AdClick.objects.create(
        token_hash=f"tok{group.pk}-{crowd}-{ts.timestamp()}",
        ts=ts,
        issued_at=ts,
        shop_id=group.shop_id,
        plan_id=group.plan_id,
        group_id=group.pk,
        keyword_id=0,
        product_id=group.product_id,
        price_fen=500,
        charged_fen=0,
        status="charged",
        reason="cpm",
        placement="home",
        crowd_id=crowd,
    )
    AdConversion.objects.create(
        shop_id=group.shop_id,
        click=c,
        order_id=c.pk,
        line_id=c.pk,
        plan_id=group.plan_id,
        group_id=group.pk,
        keyword_id=0,
        product_id=group.product_id,
        quantity=1,
        amount_fen=gmv,
        paid_at=ts + timedelta(minutes=5),
        placement="home",
    )


@pytest.fixture
def cpm_plan(live_audience):
    """A CPM plan with two crowds and two charged blocks on day0: block 0 (10:00) 600 impressions of crowd A at
    ¥5 per mille and 400 of B at ¥10 = ¥7; block 1 (11:00) 1000 of A = ¥5; an order of ¥80 through A."""
    shop, plan, group, (a, b) = live_audience(
        crowds=(("similar", 100, {}), ("competitor", 100, {})),
        bid=2000,
        billing="cpm",
        daily=50_000,
        balance=100_000,
    )
    day0 = timezone.localdate() - timedelta(days=2)
    shown(group, 600, crowd=a.pk, price=500, ts=at(day0, 10, 5))
    shown(group, 400, crowd=b.pk, price=1000, ts=at(day0, 10, 20))
    shown(group, 1000, crowd=a.pk, price=500, ts=at(day0, 11, 10))
    cpm_click_sold(group, crowd=a.pk, ts=at(day0, 11, 30), gmv=8000)
    assert cpm_charge_due().fen == 700 + 500
    return shop, plan, group, a, b, day0


def _crowds(shop, plan, day0):
    report = crowd_report(shop=shop, plan_id=plan.pk, start=day0, end=day0)
    return {r.key: (r.impressions, r.spend_fen, r.orders, r.gmv_fen, round(r.roas, 2)) for r in report.rows}


def test_cpm_blocks_are_spend_in_every_report_live_and_built(cpm_plan):
    shop, plan, group, a, b, day0 = cpm_plan
    for _state in ("live", "built"):
        total = traffic_report(shop=shop, by="day", plan_id=plan.pk, start=day0, end=day0).total
        assert (total.impressions, total.spend_fen, total.gmv_fen) == (2000, 1200, 8000)
        assert round(total.roas, 2) == 6.67  # 投产比 counts the CPM spend
        hours = traffic_report(shop=shop, by="hour", start=day0, end=day0).rows
        assert (hours[10].spend_fen, hours[11].spend_fen) == (
            700,
            500,
        )  # each block in its last impression's hour
        assert _crowds(shop, plan, day0) == {
            a.pk: (1600, 300 + 500, 1, 8000, 10.0),  # block 0 split by price: A 300, B 400
            b.pk: (400, 400, 0, 0, 0.0),
        }
        rollup_run(now=timezone.now())


def test_a_block_charged_after_its_hour_was_built_rebuilds_it(live_audience):
    shop, plan, group, (a,) = live_audience(billing="cpm", bid=2000, daily=50_000, balance=100_000)
    day0 = timezone.localdate() - timedelta(days=2)
    shown(group, 1000, crowd=a.pk, price=300, ts=at(day0, 9, 0))
    rollup_run(now=timezone.now())  # the hour is built before the CPM job charged it
    assert traffic_report(shop=shop, by="day", start=day0, end=day0).total.spend_fen == 0
    cpm_charge_due()
    rollup_run(now=timezone.now())
    assert traffic_report(shop=shop, by="day", start=day0, end=day0).total.spend_fen == 300


@pytest.mark.parametrize(
    ("amount", "weights", "parts"),
    [
        (700, {"a": 300_000, "b": 400_000}, {"a": 300, "b": 400}),
        (10, {"a": 1, "b": 1, "c": 1}, {"a": 4, "b": 3, "c": 3}),
        (5, {"a": 0, "b": 0}, {"a": 3, "b": 2}),
    ],
)
def test_a_block_split_sums_to_its_charge(amount, weights, parts):
    assert rollup.split_fen(amount, weights) == parts
    assert sum(rollup.split_fen(amount, weights).values()) == amount


def test_the_crowd_report_sees_only_the_own_shops_crowds(cpm_plan, live_audience, make_plan):
    shop, plan, group, a, b, day0 = cpm_plan
    shop_b, plan_b, group_b, (c,) = live_audience()
    shown(group_b, 5, crowd=c.pk, price=100, ts=at(day0, 9, 0))
    mine = crowd_report(shop=shop, start=day0, end=day0)  # every audience plan of the shop
    assert {r.key for r in mine.rows} == {a.pk, b.pk}
    assert {r.key for r in crowd_report(shop=shop_b, start=day0, end=day0).rows} == {c.pk}
    with pytest.raises(NotFound):
        crowd_report(shop=shop, plan_id=plan_b.pk)
    keyword_plan = make_plan(shop)
    with pytest.raises(ValidationError):
        crowd_report(shop=shop, plan_id=keyword_plan.pk)
    with pytest.raises(ValidationError):
        crowd_report(shop=shop, days=0)
    with pytest.raises(ValidationError):
        crowd_report(shop=shop, start=day0, end=day0 - timedelta(days=1))
