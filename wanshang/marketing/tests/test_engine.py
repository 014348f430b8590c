"""The pricing engine with promotions: item-level best price, shop/platform stacking, allocation, reasons."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.common.errors import Conflict, ValidationError
from wanshang.marketing.services import coupon_claim
from wanshang.pricing.selectors import price_items
from wanshang.pricing.types import PricingOptions

pytestmark = pytest.mark.django_db


def test_time_discount_and_member_price_pick_the_lower_never_both(buyer, shop, make_product, promo):
    from wanshang.marketing.services import member_levels_save

    p = make_product(shop, prices=(10000,))
    sku = p.skus.get()
    member_levels_save(shop=shop, levels=[{"rank": 1, "name": "普通会员", "min_spend_fen": 0}])
    promo(shop, "time_discount", items=[{"sku_id": sku.pk, "discount_bps": 9000}])
    promo(shop, "member_price", items=[{"sku_id": sku.pk, "level_prices": {"1": 8500}}])
    cart = price_items(buyer=buyer, items=[(sku.pk, 2)])
    line = cart.lines[0]
    assert line.unit_price_fen == 8500
    assert line.item_price.label.startswith("会员价")
    assert line.item_discount_fen == 3000


def test_full_reduction_and_coupon_stack_and_allocate_exactly(buyer, shop, make_product, promo):
    a = make_product(shop, prices=(17000,)).skus.get()
    b = make_product(shop, prices=(13333,)).skus.get()
    promo(shop, "full_reduction", config={"mode": "tiers", "tiers": [[20000, 2000], [30000, 5000]]})
    c = promo(
        shop,
        "coupon",
        config={"type": "amount", "threshold_fen": 10000, "amount_fen": 1000},
        total_quantity=10,
    )
    coupon_claim(buyer=buyer, promotion_id=c.pk)
    cart = price_items(buyer=buyer, items=[(a.pk, 1), (b.pk, 1)])
    group = cart.groups[0]
    assert group.discount_fen == 6000  # 满300减50 + 100-10 coupon
    assert sum(line.discount_fen for line in group.lines) == 6000
    assert {adj.label for adj in group.breakdown} == {"满300减50", "店铺券 满100减10"}
    assert cart.payable_fen == 30333 - 6000 + group.freight_fen


def test_coupon_that_does_not_reach_threshold_says_how_much_is_missing(buyer, shop, make_product, promo):
    sku = make_product(shop, prices=(16200,)).skus.get()
    c = promo(
        shop,
        "coupon",
        config={"type": "amount", "threshold_fen": 20000, "amount_fen": 2000},
        total_quantity=5,
    )
    coupon_claim(buyer=buyer, promotion_id=c.pk)
    cart = price_items(buyer=buyer, items=[(sku.pk, 1)])
    (view,) = cart.coupons
    assert not view.usable and view.reason == "还差38元可用"
    assert cart.discount_fen == 0


def test_coupon_not_combinable_with_full_reduction_engine_takes_the_better(buyer, shop, make_product, promo):
    sku = make_product(shop, prices=(30000,)).skus.get()
    promo(
        shop,
        "full_reduction",
        config={"mode": "tiers", "tiers": [[30000, 3000]], "combine_with": ["platform_coupon", "points"]},
    )
    c = promo(
        shop, "coupon", config={"type": "amount", "threshold_fen": 0, "amount_fen": 4000}, total_quantity=5
    )
    coupon_claim(buyer=buyer, promotion_id=c.pk)
    cart = price_items(buyer=buyer, items=[(sku.pk, 1)])
    assert cart.discount_fen == 4000
    assert [a.label for a in cart.groups[0].breakdown] == ["店铺券 无门槛减40"]


def test_platform_coupon_spreads_over_shops_and_records_platform_share(
    buyer, operator, make_shop, make_product, promo
):
    s1, s2 = make_shop(), make_shop()
    a = make_product(s1, prices=(10000,)).skus.get()
    b = make_product(s2, prices=(5000,)).skus.get()
    pc = promo(
        None,
        "coupon",
        actor=operator,
        config={"type": "amount", "threshold_fen": 12000, "amount_fen": 3000},
        total_quantity=100,
        platform_share_bps=5000,
    )
    coupon_claim(buyer=buyer, promotion_id=pc.pk)
    cart = price_items(buyer=buyer, items=[(a.pk, 1), (b.pk, 1)])
    assert cart.discount_fen == 3000
    shares = [g.discount_fen for g in cart.groups]
    assert shares == [2000, 1000]
    assert cart.platform_fen == 1500


def test_flash_sale_price_only_while_stock_lasts(buyer, shop, make_product, promo):
    sku = make_product(shop, prices=(5000,), stock=50).skus.get()
    f = promo(
        shop, "flash_sale", items=[{"sku_id": sku.pk, "price_fen": 1000, "stock": 2}], per_buyer_limit=5
    )
    assert price_items(buyer=buyer, items=[(sku.pk, 2)]).lines[0].unit_price_fen == 1000
    line = price_items(buyer=buyer, items=[(sku.pk, 3)]).lines[0]
    assert line.unit_price_fen == 5000 and "秒杀仅剩 2 件" in line.notes[0]
    f.items.update(sold=2, held=0)
    assert "抢光" in price_items(buyer=buyer, items=[(sku.pk, 1)]).lines[0].notes[0]


def test_wholesale_tiers_by_quantity_and_wholesale_only(buyer, make_user, shop, make_product, promo):
    sku = make_product(shop, prices=(1000,), stock=500).skus.get()
    promo(
        shop,
        "wholesale",
        items=[{"sku_id": sku.pk, "tiers": [[10, 900], [100, 800]]}],
        config={"wholesale_only": True},
        ends=None,
    )
    trader = make_user(account_type="wholesale")
    assert price_items(buyer=trader, items=[(sku.pk, 120)]).lines[0].unit_price_fen == 800
    assert price_items(buyer=trader, items=[(sku.pk, 50)]).lines[0].unit_price_fen == 900
    assert price_items(buyer=trader, items=[(sku.pk, 5)]).lines[0].unit_price_fen == 1000
    assert price_items(buyer=buyer, items=[(sku.pk, 120)]).lines[0].unit_price_fen == 1000


def test_bundle_discount_on_the_set(buyer, shop, make_product, promo):
    a = make_product(shop, prices=(6000,)).skus.get()
    b = make_product(shop, prices=(4000,)).skus.get()
    promo(
        shop,
        "bundle",
        items=[{"sku_id": a.pk, "quantity": 1}, {"sku_id": b.pk, "quantity": 1}],
        config={"price_fen": 8800},
    )
    cart = price_items(buyer=buyer, items=[(a.pk, 2), (b.pk, 1)])
    assert cart.discount_fen == 1200


def test_points_redeem_capped_and_platform_funded(buyer, shop, make_product, settings):
    from wanshang.marketing.services import points_change

    sku = make_product(shop, prices=(10000,)).skus.get()
    points_change(user=buyer, delta=8000, reason="grant")
    cart = price_items(buyer=buyer, items=[(sku.pk, 1)], options=PricingOptions(use_points=True))
    assert cart.discount_fen == 5000  # at most 50% of goods
    assert cart.points_used == 5000 and cart.platform_fen == 5000


@pytest.mark.parametrize(
    "kind,items,config,message",
    [
        ("time_discount", [{"price_fen": 20000}], {}, "须低于售价"),
        ("coupon", [], {"type": "amount", "threshold_fen": 1000, "amount_fen": 1000}, "须小于使用门槛"),
        ("full_reduction", [], {"mode": "tiers", "tiers": [[1000, 2000]]}, "优惠须小于门槛"),
        ("bundle", [{"quantity": 1}], {"price_fen": 100}, "至少包含 2"),
        ("time_discount", [{"discount_bps": 9000}], {"combine_with": ["member_price"]}, "不叠加"),
    ],
)
def test_bad_configurations_are_refused_with_a_message(
    shop, make_product, promo, kind, items, config, message
):
    from wanshang.marketing.models import Promotion

    sku = make_product(shop, prices=(10000,)).skus.get()
    items = [{"sku_id": sku.pk, **i} for i in items]
    with pytest.raises(ValidationError) as e:
        promo(shop, kind, items=items, config=config, total_quantity=10)
    assert message in e.value.message
    assert not Promotion.objects.exists()


def test_end_before_start_and_overlapping_exclusive_refused(shop, make_product, promo):
    sku = make_product(shop, prices=(10000,)).skus.get()
    now = timezone.now()
    with pytest.raises(ValidationError, match="结束时间须晚于开始时间"):
        promo(
            shop,
            "time_discount",
            items=[{"sku_id": sku.pk, "discount_bps": 9000}],
            starts=now + timedelta(days=2),
            ends=now + timedelta(days=1),
        )
    promo(shop, "time_discount", items=[{"sku_id": sku.pk, "discount_bps": 9000}])
    with pytest.raises(Conflict, match="同类活动"):
        promo(shop, "time_discount", items=[{"sku_id": sku.pk, "discount_bps": 8000}])
