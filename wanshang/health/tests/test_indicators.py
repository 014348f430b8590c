"""The daily snapshot: each indicator computed in one call over all shops, stored per day, a warning opening
one item however often the job runs; the credit level stored beside them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.health import indicators as registry
from wanshang.health.models import HealthItem, ShopCredit, ShopIndicator
from wanshang.health.selectors import credit_of, indicator_rows
from wanshang.health.snapshot import credit_level, indicators_compute
from wanshang.orders.lateship import late_shipments_flag

pytestmark = pytest.mark.django_db


@pytest.fixture
def counting_indicator():
    """A plugged-in count indicator (the shape adlaw's shop_hit_counts uses) that records its calls."""
    calls = []

    def shop_hit_counts(*, shop_ids, since):
        calls.append(sorted(shop_ids))
        return {shop_ids[0]: 3}

    registry.register(
        registry.Indicator(
            key="test_hits",
            label="测试违规词",
            definition="测试：近30天的违规词命中数。",
            unit=registry.COUNT,
            compute=registry.count_of(shop_hit_counts),
            threshold=0,
            points=2,
            auto_verify=True,
        )
    )
    yield calls
    registry._REGISTRY.pop("test_hits", None)


def test_one_call_per_indicator_over_all_shops_and_one_item_per_warning(shop, other_shop, counting_indicator):
    now = timezone.now()
    indicators_compute(now=now)
    indicators_compute(now=now + timedelta(hours=1))  # again the same day: the day's rows replaced
    assert counting_indicator == [sorted([shop.pk, other_shop.pk])] * 2
    first = min(shop.pk, other_shop.pk)
    assert ShopIndicator.objects.filter(key="test_hits", warning=True).get().shop_id == first
    assert ShopIndicator.objects.filter(day=timezone.localdate(now)).count() == 2 * len(registry.indicators())
    item = HealthItem.objects.get()
    assert (item.shop_id, item.kind, item.status) == (first, "test_hits", "open")
    assert "3" in item.detail and "阈值" in item.detail


def test_late_shipments_warn_from_real_orders(shop, make_product, make_user, place_paid, settings):
    settings.WANSHANG = {**settings.WANSHANG, "HEALTH_RULES": {"late_shipment": {"min_base": 1}}}
    product = make_product(shop)
    order = place_paid(make_user(), product)
    later = order.ship_deadline + timedelta(hours=1)
    assert late_shipments_flag(now=later) == 1
    indicators_compute(now=later)
    rows = {r.key: r for r in indicator_rows(shop_id=shop.pk)}
    late = rows["late_shipment"]
    assert (late.value, late.numerator, late.denominator, late.warning) == (1.0, 1, 1, True)
    assert late.definition and rows["refund_rate"].value == 0.0
    assert (
        HealthItem.objects.filter(shop=shop, kind="late_shipment").count() == 1
    )  # (its picture-less product opens image_problems too)
    assert credit_of(shop_id=shop.pk).sales_fen == order.total_fen


def test_the_rows_exist_before_the_first_run(shop):
    rows = indicator_rows(shop_id=shop.pk)
    assert [r.key for r in rows][:2] == ["late_shipment", "not_as_described"]
    assert all(r.value is None for r in rows)
    assert credit_of(shop_id=shop.pk) is None


@pytest.mark.parametrize(
    ("sales_fen", "dsr", "points", "level"),
    [
        (0, None, 0, 1),
        (100_000, 4.9, 0, 2),
        (1_000_000, 4.9, 0, 3),
        (10_000_000, 4.9, 0, 4),
        (100_000_000, 4.9, 0, 5),
        (100_000_000, 4.4, 0, 4),  # a poor DSR costs one
        (100_000_000, 4.9, 12, 4),  # 12 live points cost one
        (100_000_000, 4.4, 30, 2),
        (0, 3.0, 60, 1),  # never below one
    ],
)
def test_credit_level(sales_fen, dsr, points, level):
    assert credit_level(sales_fen=sales_fen, dsr=dsr, points=points) == level


def test_credit_is_stored_for_every_shop(shop, other_shop):
    indicators_compute(now=timezone.now())
    assert ShopCredit.objects.count() == 2 and credit_of(shop_id=shop.pk).name == "一钻"
