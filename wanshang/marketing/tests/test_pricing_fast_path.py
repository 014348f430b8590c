"""The fast pricing path of issue 13: what it reads equals what the ORM reads, and each process's copies of the
shops' promotions and freight templates follow an edit made by another process (the shared token).
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wanshang.catalog.models import Product, Sku
from wanshang.catalog.selectors import skus_for_purchase
from wanshang.fulfillment import selectors as freight
from wanshang.fulfillment.services import freight_template_save
from wanshang.marketing.models import Coupon, Promotion
from wanshang.marketing.services import coupon_claim, member_levels_save, points_change, promotion_pause
from wanshang.marketing.steps import context
from wanshang.marketing.steps.labels import coupon_label
from wanshang.pricing.selectors import price_items
from wanshang.pricing.types import PricingOptions

pytestmark = pytest.mark.django_db

BEIJING = "110105"


def test_sku_records_carry_what_the_models_hold(shop, make_shop, make_product):
    on_sale = make_product(shop, prices=(1990, 2990), images=["https://img.example/a.jpg"])
    off = make_product(shop, prices=(500,), on_sale=False)
    other = make_shop()
    closed = make_product(other, prices=(700,))
    Sku.objects.filter(pk=on_sale.skus.order_by("pk").last().pk).update(is_active=False)
    type(other).objects.filter(pk=other.pk).update(status="suspended")
    ids = list(Sku.objects.filter(product__in=[on_sale, off, closed]).values_list("pk", flat=True))

    with CaptureQueriesContext(connection) as queries:
        found = skus_for_purchase(sku_ids=ids + [10**9])
    assert len(queries) == 1
    assert set(found) == set(ids)  # an unknown id is simply absent
    for sku in Sku.objects.select_related("product__shop", "product__category").filter(pk__in=ids):
        got, product = found[sku.pk], sku.product
        for name in (
            "pk",
            "id",
            "price_fen",
            "weight_g",
            "spec_values",
            "is_active",
            "spec_text",
            "product_id",
        ):
            assert getattr(got.sku, name) == getattr(sku, name), name
        for name in (
            "pk",
            "title",
            "images",
            "main_image",
            "status",
            "is_wholesale",
            "min_order_qty",
            "freight_template_id",
            "ship_within_hours",
            "no_return_kind",
            "no_return_note",
            "shop_id",
            "category_id",
        ):
            assert getattr(got.product, name) == getattr(product, name), name
        assert got.product.category.path == product.category.path
        for name in ("pk", "name", "slug", "logo_url", "status", "ship_within_hours"):
            assert getattr(got.product.shop, name) == getattr(product.shop, name), name
    reasons = {sku_id: (b.ok, b.reason) for sku_id, b in found.items()}
    assert sorted(reasons.values()) == sorted(
        [(True, ""), (False, "该规格已失效"), (False, "商品已下架"), (False, "店铺已暂停营业")]
    )
    assert Product.objects.get(pk=on_sale.pk).main_image == "https://img.example/a.jpg"


def test_held_coupons_are_the_unused_unexpired_ones_of_these_shops_and_the_platform(
    buyer, shop, make_shop, promo, operator
):
    other = make_shop()
    mine = promo(
        shop, "coupon", config={"type": "amount", "threshold_fen": 0, "amount_fen": 500}, total_quantity=9
    )
    theirs = promo(
        other, "coupon", config={"type": "amount", "threshold_fen": 0, "amount_fen": 600}, total_quantity=9
    )
    platform = promo(
        None,
        "coupon",
        actor=operator,
        config={"type": "percent", "discount_bps": 9000, "cap_fen": 800},
        total_quantity=9,
    )
    for p in (mine, mine, theirs, platform):
        coupon_claim(buyer=buyer, promotion_id=p.pk)
    used = Coupon.objects.filter(promotion=mine).order_by("pk").first()
    Coupon.objects.filter(pk=used.pk).update(status=Coupon.Status.USED)
    now = timezone.now()
    Coupon.objects.filter(promotion=platform).update(valid_until=now + timedelta(hours=2))

    held = context.held_coupons(buyer_id=buyer.pk, shop_ids={shop.pk}, now=now)

    expected = Coupon.objects.filter(
        buyer=buyer, status=Coupon.Status.UNUSED, valid_until__gt=now, shop__in=[shop]
    ) | Coupon.objects.filter(
        buyer=buyer, status=Coupon.Status.UNUSED, valid_until__gt=now, shop__isnull=True
    )
    expected = list(expected.order_by("valid_until", "id"))
    assert [c.pk for c in held] == [c.pk for c in expected]
    for got, want in zip(held, expected, strict=True):
        assert (got.promotion_id, got.shop_id, got.valid_from, got.valid_until) == (
            want.promotion_id,
            want.shop_id,
            want.valid_from,
            want.valid_until,
        )
        assert got.promotion.pk == want.promotion_id and got.label == coupon_label(want.promotion)
    # an hour past the platform coupon's end it is gone; nothing of the other shop ever shows
    later = context.held_coupons(buyer_id=buyer.pk, shop_ids={shop.pk}, now=now + timedelta(hours=3))
    assert [c.promotion_id for c in later] == [mine.pk]


def test_a_member_cart_reads_skus_stock_points_and_coupons_in_two_queries(
    buyer, shop, make_product, promo, operator
):
    a = make_product(shop, prices=(10000,)).skus.get()
    b = make_product(shop, prices=(20000,)).skus.get()
    member_levels_save(shop=shop, levels=[{"rank": 1, "name": "普通会员", "min_points": 10}])
    promo(shop, "member_price", config={"level_bps": {"1": 9500}})
    promo(shop, "full_reduction", config={"mode": "tiers", "tiers": [[20000, 2000]]})
    c = promo(
        shop, "coupon", config={"type": "amount", "threshold_fen": 0, "amount_fen": 500}, total_quantity=9
    )
    p = promo(
        None,
        "coupon",
        actor=operator,
        config={"type": "amount", "threshold_fen": 0, "amount_fen": 300},
        total_quantity=9,
    )
    for promotion in (c, p):
        coupon_claim(buyer=buyer, promotion_id=promotion.pk)
    points_change(user=buyer, delta=500, reason="grant")
    items = [(a.pk, 1), (b.pk, 2)]
    first = price_items(
        buyer=buyer, items=items, district_code=BEIJING, options=PricingOptions(use_points=True)
    )

    with CaptureQueriesContext(connection) as queries:
        again = price_items(
            buyer=buyer, items=items, district_code=BEIJING, options=PricingOptions(use_points=True)
        )
    # SKUs with their stock; coupons with the points balance (member level and the points step share it);
    # promotions and freight templates come from the process's copies
    assert len(queries) == 2, [q["sql"][:80] for q in queries]
    assert again.points_available == first.points_available and again.points_used == first.points_used
    assert again.payable_fen == first.payable_fen and again.discount_fen == first.discount_fen
    assert again.lines[0].item_price.label == "会员价（普通会员）"
    assert {v.coupon.pk for v in again.coupons if v.chosen} == {
        v.coupon.pk for v in first.coupons if v.chosen
    }


def test_stock_read_with_the_skus_equals_the_stock_read_alone(shop, make_product):
    from wanshang.inventory.models import Stock, Warehouse
    from wanshang.inventory.selectors import available_by_sku, buyable_with_stock

    a, b, c = (make_product(shop, prices=(1000,), stock=n).skus.get() for n in (5, 0, 3))
    second = Warehouse.objects.create(shop=shop, name="二仓")
    Stock.objects.create(sku=a, warehouse=second, on_hand=7, reserved=2, shop=shop)
    Stock.objects.filter(sku=c).update(reserved=3)  # all of it held
    Stock.objects.filter(sku=b).delete()  # no stock row at all
    ids = [a.pk, b.pk, c.pk, 10**9]

    with CaptureQueriesContext(connection) as queries:
        found, stock = buyable_with_stock(sku_ids=ids)
    assert len(queries) == 1
    assert stock == available_by_sku(sku_ids=ids) == {a.pk: 10, c.pk: 0}
    assert set(found) == set(skus_for_purchase(sku_ids=ids)) == {a.pk, b.pk, c.pk}


def test_held_coupons_bring_the_points_balance_the_points_read_gives(buyer, shop, promo):
    coupon = promo(
        shop, "coupon", config={"type": "amount", "threshold_fen": 0, "amount_fen": 500}, total_quantity=9
    )
    now = timezone.now()
    empty = context.Context(now=now)
    assert context.held_coupons(buyer_id=buyer.pk, shop_ids={shop.pk}, now=now, ctx=empty) == []
    assert not empty.points_loaded  # no row to carry it: the points step reads it itself
    assert context.points_balance(empty, buyer) == 0
    coupon_claim(buyer=buyer, promotion_id=coupon.pk)
    ctx = context.Context(now=now)
    context.held_coupons(buyer_id=buyer.pk, shop_ids={shop.pk}, now=now, ctx=ctx)
    assert ctx.points_loaded and ctx.points_balance == 0  # no points account yet
    points_change(user=buyer, delta=321, reason="grant")
    ctx = context.Context(now=now)
    context.held_coupons(buyer_id=buyer.pk, shop_ids={shop.pk}, now=now, ctx=ctx)
    assert ctx.points_loaded and ctx.points_balance == 321 == context.points_balance(None, buyer)


def test_the_kept_scope_set_follows_new_scope_ids():
    from types import SimpleNamespace

    from wanshang.marketing.types import Scope

    line = SimpleNamespace(product=SimpleNamespace(pk=7, shop_id=3))
    promotion = SimpleNamespace(scope=Scope.PRODUCTS, scope_ids=[1, 7])
    assert context.in_scope(promotion, line)
    promotion.scope_ids = [1]  # a new list (as a reload gives): the kept set is built again
    assert not context.in_scope(promotion, line)
    promotion.scope, promotion.scope_ids = Scope.SHOPS, [3]
    assert context.in_scope(promotion, line)
    promotion.scope_ids = None
    assert not context.in_scope(promotion, line)


def _as_another_process(state: dict, fresh: dict):
    """Swap a module's per-process copy for another process's (returns the one it replaced)."""
    mine = dict(state)
    state.clear()
    state.update(fresh)
    return mine


def test_a_promotion_paused_by_another_process_is_seen_at_the_next_price(buyer, shop, make_product, promo):
    sku = make_product(shop, prices=(10000,)).skus.get()
    sale = promo(shop, "time_discount", items=[{"sku_id": sku.pk, "discount_bps": 8000}])
    assert (
        price_items(buyer=buyer, items=[(sku.pk, 1)]).lines[0].unit_price_fen == 8000
    )  # this process copies it

    # another process (its own empty copy) pauses the sale through the service, which bumps the shared token
    ours = _as_another_process(context._snapshot, {"token": None, "shops": {}, "coupon_promotions": {}})
    promotion_pause(shop=shop, promotion_id=sale.pk)
    _as_another_process(context._snapshot, ours)

    assert price_items(buyer=buyer, items=[(sku.pk, 1)]).lines[0].unit_price_fen == 10000


def test_without_a_bump_the_process_keeps_its_copy_of_the_promotions(buyer, shop, make_product, promo):
    """The copy is really used: a change that skips the services (no bump) is not seen until the token moves."""
    sku = make_product(shop, prices=(10000,)).skus.get()
    sale = promo(shop, "time_discount", items=[{"sku_id": sku.pk, "discount_bps": 8000}])
    assert price_items(buyer=buyer, items=[(sku.pk, 1)]).lines[0].unit_price_fen == 8000
    Promotion.objects.filter(pk=sale.pk).update(status=Promotion.Status.PAUSED)
    assert price_items(buyer=buyer, items=[(sku.pk, 1)]).lines[0].unit_price_fen == 8000
    context.snapshot_bump()
    assert price_items(buyer=buyer, items=[(sku.pk, 1)]).lines[0].unit_price_fen == 10000


def test_a_promotion_that_ends_needs_no_bump(buyer, shop, make_product, promo):
    sku = make_product(shop, prices=(10000,)).skus.get()
    now = timezone.now()
    promo(
        shop, "time_discount", items=[{"sku_id": sku.pk, "discount_bps": 8000}], ends=now + timedelta(hours=1)
    )
    assert price_items(buyer=buyer, items=[(sku.pk, 1)], now=now).lines[0].unit_price_fen == 8000
    later = now + timedelta(hours=2)
    assert price_items(buyer=buyer, items=[(sku.pk, 1)], now=later).lines[0].unit_price_fen == 10000


def test_a_freight_template_edited_by_another_process_is_seen_at_the_next_price(buyer, shop, make_product):
    sku = make_product(shop, prices=(1000,)).skus.get()
    assert price_items(buyer=buyer, items=[(sku.pk, 1)], district_code=BEIJING).freight_fen == 1000

    ours = _as_another_process(freight._held, {"token": None, "shops": {}})
    default = next(t for t in freight.freight_template_list(shop=shop) if t.is_default)
    freight_template_save(
        shop=shop,
        template_id=default.pk,
        is_default=True,
        name=default.name,
        mode="piece",
        first_units=1,
        first_fen=1500,
        additional_units=1,
        additional_fen=500,
        free_threshold_fen=9900,
    )
    _as_another_process(freight._held, ours)

    assert price_items(buyer=buyer, items=[(sku.pk, 1)], district_code=BEIJING).freight_fen == 1500
