"""折上折 warnings in a 满减's preview: example baskets priced by the checkout's pipeline, with real promotions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.common.errors import NotFound
from wanshang.marketing.selectors import promotion_stacking_preview
from wanshang.marketing.services import PromotionInput, coupon_claim, promotion_save
from wanshang.pricing.selectors import price_items

pytestmark = pytest.mark.django_db


def _promo(shop, kind, name, *, config=None, items=None, starts_in=timedelta(seconds=-5), **extra):
    now = timezone.now()
    return promotion_save(
        shop=shop,
        actor=shop.owner,
        data=PromotionInput(
            kind=kind,
            name=name,
            starts_at=now + starts_in,
            ends_at=now + starts_in + timedelta(days=2),
            config=config or {},
            items=items or [],
            **extra,
        ),
    )


def _full_reduction(shop, **kw):
    return _promo(
        shop, "full_reduction", "店庆满减", config={"mode": "tiers", "tiers": [[20000, 2000]]}, **kw
    )


def test_a_full_reduction_stacked_with_a_discount_and_a_coupon_is_flagged_with_the_final_price(
    make_shop, make_product, buyer
):
    shop = make_shop()
    sku = make_product(shop, prices=(10000,), stock=50).skus.get()
    _promo(shop, "time_discount", "周末八折", items=[{"sku_id": sku.pk, "discount_bps": 8000}])
    coupon = _promo(
        shop,
        "coupon",
        "满100减30",
        config={"type": "amount", "threshold_fen": 10000, "amount_fen": 3000},
        total_quantity=100,
    )
    fr = _full_reduction(shop)
    [row] = promotion_stacking_preview(shop=shop, promotion_id=fr.pk)
    # three at ¥80 reach 满200: the rule alone says ¥300 - ¥20 = ¥280; the buyer pays 240 - 20 - 30 = ¥190
    assert (row.quantity, row.list_total_fen, row.rule_total_fen, row.final_total_fen) == (
        3,
        30000,
        28000,
        19000,
    )
    assert row.final_unit_fen == 6333 and row.rule_unit_fen == 9333
    assert row.rule_label == "满200减20"
    assert row.discounts == ["限时折扣 -¥60.00", "满200减20 -¥20.00", "店铺券 满100减30 -¥30.00"]
    [warning] = row.warnings
    assert "¥63.33/件" in warning and "¥93.33/件" in warning and "折上折" in warning
    # the same price checkout charges a buyer who holds the coupon
    coupon_claim(buyer=buyer, promotion_id=coupon.pk)
    cart = price_items(buyer=buyer, items=[(sku.pk, 3)])
    assert cart.lines[0].payable_fen == row.final_total_fen


def test_a_full_reduction_alone_is_not_flagged(make_shop, make_product):
    shop = make_shop()
    make_product(shop, prices=(10000,), stock=50)
    fr = _full_reduction(shop)
    [row] = promotion_stacking_preview(shop=shop, promotion_id=fr.pk)
    assert (row.quantity, row.final_total_fen, row.rule_total_fen) == (2, 18000, 18000)
    assert row.warnings == []


def test_below_the_floor_is_flagged_and_a_scheduled_rule_is_priced_at_its_start(
    make_shop, make_product, settings
):
    settings.WANSHANG = {**settings.WANSHANG, "STACKING_FLOOR_BPS": 9000, "STACKING_EXTRA_BPS": 5000}
    shop = make_shop()
    sku = make_product(shop, prices=(10000,), stock=50).skus.get()
    _promo(
        shop,
        "time_discount",
        "明日八五折",
        items=[{"sku_id": sku.pk, "discount_bps": 8500}],
        starts_in=timedelta(days=1),
    )
    fr = _full_reduction(shop, starts_in=timedelta(days=1))
    [row] = promotion_stacking_preview(shop=shop, promotion_id=fr.pk)
    # at its start: 3 × ¥85 = 255 - 20 = ¥235, 7.8 折 of ¥300 < the 9 折 floor; 16% below the rule < 50%
    assert row.final_total_fen == 23500
    assert row.warnings == ["叠加后相当于 7.8 折，低于店铺可承受的最低 9 折"]


def test_an_item_price_that_does_not_combine_leaves_the_rule_out(make_shop, make_product):
    shop = make_shop()
    sku = make_product(shop, prices=(10000,), stock=50).skus.get()
    _promo(
        shop,
        "time_discount",
        "独享七折",
        config={"combine_with": []},
        items=[{"sku_id": sku.pk, "discount_bps": 7000}],
    )
    fr = _full_reduction(shop)
    [row] = promotion_stacking_preview(shop=shop, promotion_id=fr.pk)
    assert row.final_total_fen == 7000 * 3 and "本满减未生效" in row.discounts[-1]


def test_other_shops_and_kinds(make_shop, make_product):
    shop = make_shop()
    sku = make_product(shop, prices=(10000,), stock=5).skus.get()
    fr = _full_reduction(shop)
    with pytest.raises(NotFound):
        promotion_stacking_preview(shop=make_shop(), promotion_id=fr.pk)
    discount = _promo(shop, "time_discount", "八折", items=[{"sku_id": sku.pk, "discount_bps": 8000}])
    assert promotion_stacking_preview(shop=shop, promotion_id=discount.pk) == []
