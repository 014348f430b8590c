"""Promotions through the order lifecycle: used at checkout, given back on cancel/refund, points earned."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.aftersales.services import refund_approve, refund_request
from wanshang.checkout.services import flash_buy
from wanshang.common.errors import Conflict
from wanshang.marketing.models import Coupon, FlashClaim, PointsAccount, PromotionItem
from wanshang.marketing.services import coupon_claim, points_change
from wanshang.orders.models import Order
from wanshang.orders.services import order_cancel, order_confirm_receipt, order_ship, orders_cancel_expired
from wanshang.payments.models import SettlementEntry
from wanshang.payments.services import sandbox_pay
from wanshang.pricing.types import PricingOptions

pytestmark = pytest.mark.django_db


def balance(user):
    return PointsAccount.objects.get(user=user).balance


def test_coupon_is_used_by_the_order_and_comes_back_when_it_is_cancelled(
    buyer, address, shop, make_product, promo, place
):
    sku = make_product(shop, prices=(25000,)).skus.get()
    c = promo(
        shop,
        "coupon",
        config={"type": "amount", "threshold_fen": 20000, "amount_fen": 2000},
        total_quantity=5,
    )
    coupon = coupon_claim(buyer=buyer, promotion_id=c.pk)
    payment = place(buyer, address, [(sku.pk, 1)])
    order = payment.orders.get()
    coupon.refresh_from_db()
    assert coupon.status == "used" and coupon.payment_id == payment.pk
    assert order.discount_fen == 2000 and order.adjustments[0]["label"] == "店铺券 满200减20"
    assert order.lines.get().discounts[0]["amount_fen"] == 2000
    order_cancel(order_id=order.pk, buyer=buyer, actor=buyer, actor_kind="buyer", reason="不想要了")
    coupon.refresh_from_db()
    assert coupon.status == "unused" and coupon.payment_id is None


def test_a_used_coupon_cannot_be_used_twice(buyer, address, shop, make_product, promo, place):
    sku = make_product(shop, prices=(25000,)).skus.get()
    c = promo(
        shop, "coupon", config={"type": "amount", "threshold_fen": 0, "amount_fen": 2000}, total_quantity=5
    )
    coupon_claim(buyer=buyer, promotion_id=c.pk)
    place(buyer, address, [(sku.pk, 1)])
    second = place(buyer, address, [(sku.pk, 1)])
    assert second.orders.get().discount_fen == 0


def test_coupon_claim_limits(buyer, shop, promo):
    c = promo(
        shop,
        "coupon",
        config={"type": "amount", "threshold_fen": 0, "amount_fen": 500},
        total_quantity=1,
        per_buyer_limit=1,
    )
    coupon_claim(buyer=buyer, promotion_id=c.pk)
    with pytest.raises(Conflict, match="已领完|限领"):
        coupon_claim(buyer=buyer, promotion_id=c.pk)


def test_points_spent_come_back_on_refund_and_are_earned_on_completion(
    buyer, address, shop, make_product, place
):
    sku = make_product(shop, prices=(10000,)).skus.get()
    points_change(user=buyer, delta=3000, reason="grant")
    payment = place(buyer, address, [(sku.pk, 1)], options=PricingOptions(use_points=True))
    order = payment.orders.get()
    assert order.points_used == 3000 and order.platform_fen == 3000 and balance(buyer) == 0
    sandbox_pay(buyer=buyer, payment_no=payment.no)
    refund = refund_request(buyer=buyer, order_id=order.pk, reason="拍错了")
    refund_approve(shop=shop, refund_id=refund.pk, actor=shop.owner)
    assert balance(buyer) == 3000
    # a second order completes: points are earned on what was paid for goods
    payment = place(buyer, address, [(sku.pk, 1)])
    order = payment.orders.get()
    sandbox_pay(buyer=buyer, payment_no=payment.no)
    order_ship(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF1234567890", actor=shop.owner)
    order_confirm_receipt(buyer=buyer, order_id=order.pk)
    assert balance(buyer) == 3000 + 100


def test_platform_share_is_owed_to_the_shop_in_settlement(
    buyer, operator, address, make_shop, make_product, promo, place
):
    shop = make_shop()
    sku = make_product(shop, prices=(20000,)).skus.get()
    pc = promo(
        None,
        "coupon",
        actor=operator,
        config={"type": "amount", "threshold_fen": 10000, "amount_fen": 4000},
        total_quantity=9,
        platform_share_bps=5000,
    )
    coupon_claim(buyer=buyer, promotion_id=pc.pk)
    payment = place(buyer, address, [(sku.pk, 1)])
    order = payment.orders.get()
    assert order.platform_fen == 2000
    sandbox_pay(buyer=buyer, payment_no=payment.no)
    order_ship(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF1234567890", actor=shop.owner)
    order_confirm_receipt(buyer=buyer, order_id=order.pk)
    entry = SettlementEntry.objects.get(order=order)
    assert entry.gross_fen == order.total_fen + 2000


def test_unpaid_flash_order_times_out_and_returns_flash_stock(
    buyer, make_user, address, make_address, shop, make_product, promo
):
    sku = make_product(shop, prices=(9900,), stock=20).skus.get()
    f = promo(shop, "flash_sale", items=[{"sku_id": sku.pk, "price_fen": 990, "stock": 1}], per_buyer_limit=1)
    item = f.items.get()
    payment = flash_buy(buyer=buyer, item_id=item.pk, address_id=address.pk, idempotency_key="flash-0001")
    order = payment.orders.get()
    assert order.total_fen - order.freight_fen == 990
    assert order.pay_deadline <= timezone.now() + timedelta(minutes=15)
    other = make_user()
    with pytest.raises(Conflict, match="抢光"):
        flash_buy(
            buyer=other, item_id=item.pk, address_id=make_address(other).pk, idempotency_key="flash-0002"
        )
    assert orders_cancel_expired(now=timezone.now() + timedelta(minutes=16)) == 1
    item.refresh_from_db()
    assert item.sold == 0 and FlashClaim.objects.get(buyer=buyer).quantity == 0
    payment = flash_buy(
        buyer=other, item_id=item.pk, address_id=make_address(other).pk, idempotency_key="flash-0003"
    )
    assert payment.orders.get().status == Order._meta.get_field("status").default


def test_flash_buy_refused_before_start(buyer, address, shop, make_product, promo):
    sku = make_product(shop, prices=(9900,), stock=20).skus.get()
    now = timezone.now()
    f = promo(
        shop,
        "flash_sale",
        items=[{"sku_id": sku.pk, "price_fen": 990, "stock": 5}],
        starts=now + timedelta(hours=1),
        ends=now + timedelta(hours=2),
    )
    with pytest.raises(Conflict, match="尚未开始"):
        flash_buy(
            buyer=buyer, item_id=f.items.get().pk, address_id=address.pk, idempotency_key="flash-early-1"
        )
    assert PromotionItem.objects.get().sold == 0 and not Order.objects.exists()


def test_coupon_held_stays_usable_after_the_merchant_pauses_the_promotion(
    buyer, address, shop, make_product, promo, place
):
    from wanshang.marketing.services import promotion_pause

    sku = make_product(shop, prices=(25000,)).skus.get()
    c = promo(
        shop, "coupon", config={"type": "amount", "threshold_fen": 0, "amount_fen": 1000}, total_quantity=5
    )
    coupon_claim(buyer=buyer, promotion_id=c.pk)
    promotion_pause(shop=shop, promotion_id=c.pk)
    assert place(buyer, address, [(sku.pk, 1)]).orders.get().discount_fen == 1000
    assert Coupon.objects.get().status == "used"


def test_partial_refund_returns_the_units_allocated_share_and_points_in_proportion(
    buyer, address, shop, make_product, promo, place
):
    from wanshang.aftersales.services import refund_quote
    from wanshang.inventory.models import Stock
    from wanshang.marketing.models import PointsEntry

    a = make_product(shop, prices=(10000,), stock=10).skus.get()
    b = make_product(shop, prices=(5000,), stock=10).skus.get()
    promo(shop, "full_reduction", config={"mode": "tiers", "tiers": [[30000, 3000]]})
    points_change(user=buyer, delta=1000, reason="grant")
    payment = place(buyer, address, [(a.pk, 3), (b.pk, 1)], options=PricingOptions(use_points=True))
    order = payment.orders.get()
    sandbox_pay(buyer=buyer, payment_no=payment.no)
    line_a = order.lines.get(sku=a)
    # 满300减30 and 1000 points (¥10) spread over ¥350 of goods: line A (¥300) carries 30×300/350 + 10×300/350
    assert line_a.discount_fen == sum(d["amount_fen"] for d in line_a.discounts)
    quote = refund_quote(order=order, lines=[(line_a.pk, 1)])
    assert not quote.is_full and quote.amount_fen * 3 in range(line_a.payable_fen - 2, line_a.payable_fen + 3)
    refund = refund_request(buyer=buyer, order_id=order.pk, reason="多买了一件", lines=[(line_a.pk, 1)])
    refund_approve(shop=shop, refund_id=refund.pk, actor=shop.owner)
    order.refresh_from_db()
    assert order.status == "paid"
    assert Stock.objects.get(sku=a).on_hand == 10 - 3 + 1
    returned = sum(PointsEntry.objects.filter(order=order, reason="return").values_list("delta", flat=True))
    assert 0 < returned < 1000
    # the rest of the order: everything else, freight, the remaining points, order refunded
    rest = refund_request(buyer=buyer, order_id=order.pk, reason="不要了")
    refund_approve(shop=shop, refund_id=rest.pk, actor=shop.owner)
    order.refresh_from_db()
    assert order.status == "refunded"
    assert refund.amount_fen + rest.amount_fen == order.total_fen
    assert balance(buyer) == 1000
    with pytest.raises(Exception, match="只有已付款未发货"):
        refund_request(buyer=buyer, order_id=order.pk, reason="再退一次")


def test_flash_sale_stock_is_set_aside_from_normal_sale_until_it_ends(
    buyer, make_user, make_address, address, shop, make_product, promo
):
    from wanshang.inventory.selectors import available_by_sku
    from wanshang.marketing.models import PromotionItem
    from wanshang.marketing.services import flash_holds_release, promotion_end
    from wanshang.pricing.selectors import price_items

    sku = make_product(shop, prices=(5000,), stock=8).skus.get()
    f = promo(
        shop,
        "flash_sale",
        items=[{"sku_id": sku.pk, "price_fen": 990, "stock": 5}],
        per_buyer_limit=5,
        ends=timezone.now() + timedelta(hours=1),
    )
    assert available_by_sku(sku_ids=[sku.pk])[sku.pk] == 3  # normal buyers see 3
    other = make_user()
    line = price_items(buyer=other, items=[(sku.pk, 4)]).lines[
        0
    ]  # 4 at the flash price: the 5 set aside count
    assert line.ok and line.unit_price_fen == 990
    item = f.items.get()
    flash_buy(buyer=buyer, item_id=item.pk, quantity=5, address_id=address.pk, idempotency_key="hold-0001")
    item.refresh_from_db()
    assert (item.sold, item.held) == (5, 0)
    line = price_items(buyer=other, items=[(sku.pk, 4)]).lines[
        0
    ]  # sold out at the flash price, 3 left at ¥50
    assert not line.ok and "仅剩 3 件" in line.problem
    # an unpaid flash order times out during the sale: its units go back to the sale, not to normal stock
    assert orders_cancel_expired(now=timezone.now() + timedelta(minutes=16)) == 1
    item.refresh_from_db()
    assert (item.sold, item.held) == (0, 5) and available_by_sku(sku_ids=[sku.pk])[sku.pk] == 3
    # the job gives the rest back once the sale is over; ending it by hand does the same at once
    assert flash_holds_release(now=timezone.now()) == 0
    assert flash_holds_release(now=timezone.now() + timedelta(hours=2)) == 1
    assert PromotionItem.objects.get(pk=item.pk).held == 0 and available_by_sku(sku_ids=[sku.pk])[sku.pk] == 8
    g = promo(
        shop,
        "flash_sale",
        items=[{"sku_id": sku.pk, "price_fen": 990, "stock": 6}],
        name="第二场秒杀",
        starts=timezone.now() + timedelta(hours=3),
        ends=timezone.now() + timedelta(hours=4),
    )
    assert available_by_sku(sku_ids=[sku.pk])[sku.pk] == 2
    promotion_end(shop=shop, promotion_id=g.pk)
    assert available_by_sku(sku_ids=[sku.pk])[sku.pk] == 8


def test_a_flash_sale_larger_than_any_warehouse_can_set_aside_is_refused(shop, make_product, promo):
    from wanshang.common.errors import ValidationError as VE
    from wanshang.marketing.models import Promotion

    sku = make_product(shop, prices=(5000,), stock=3).skus.get()
    with pytest.raises((VE, Exception), match="库存"):
        promo(shop, "flash_sale", items=[{"sku_id": sku.pk, "price_fen": 990, "stock": 4}])
    assert not Promotion.objects.exists()
