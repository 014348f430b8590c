"""Promotions in a real browser: a product on 限时折扣 with a claimable coupon; the buyer claims it (htmx), adds the
product to the cart, and checkout shows the coupon applied in the discount breakdown (and can switch it off and on
again); the order charges what the page showed."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_buyer_claims_a_coupon_and_checkout_applies_it_to_the_discounted_price(
    page, login, shot, make_shop, make_product, make_user, make_address
):
    from datetime import timedelta

    from django.utils import timezone

    from wanshang.marketing.services import PromotionInput, promotion_save
    from wanshang.orders.selectors import buyer_order_list

    shop = make_shop(name="青禾户外旗舰店")
    jacket = make_product(shop, title="三合一冲锋衣", prices=(25000,), stock=5)
    now = timezone.now()
    for data in (
        PromotionInput(
            kind="time_discount",
            name="换季限时折扣",
            starts_at=now - timedelta(minutes=1),
            ends_at=now + timedelta(days=1),
            items=[{"sku_id": jacket.skus.get().pk, "price_fen": 22000}],
        ),
        PromotionInput(
            kind="coupon",
            name="户外节店铺券",
            starts_at=now - timedelta(minutes=1),
            ends_at=now + timedelta(days=1),
            total_quantity=100,
            per_buyer_limit=1,
            config={"type": "amount", "threshold_fen": 20000, "amount_fen": 2000},
        ),
    ):
        promotion_save(shop=shop, actor=shop.owner, data=data)
    buyer = make_user()
    make_address(buyer, receiver="王小明", is_default=True)
    login(page, buyer)

    # product page: the buyer's price with its label, and the coupon to claim
    page.goto(f"/p/{jacket.pk}/")
    expect(page.locator(".pd-price-box [data-price]")).to_have_text("220.00")
    expect(page.locator(".pd-price-box [data-price-label]")).to_have_text("限时折扣")
    coupons = page.locator("[data-coupons]")
    expect(coupons).to_contain_text("店铺券 满200减20")
    with page.expect_response(
        lambda r: r.url.endswith("/coupons/claim/") and r.request.method == "POST"
    ) as resp:
        coupons.get_by_role("button", name="领取").click()
    assert resp.value.ok
    expect(coupons).to_contain_text("已领取")
    expect(coupons.get_by_role("button", name="领取")).to_have_count(0)

    # add to cart (htmx), then to checkout from the cart
    with page.expect_response(lambda r: r.url.endswith("/cart/add/") and r.request.method == "POST"):
        page.locator(".pd-actions").get_by_role("button", name="加入购物车").click()
    expect(page.locator("#toast-slot")).to_contain_text("已加入购物车")
    page.goto("/cart/")
    expect(page.locator(".cart-line")).to_contain_text("限时折扣")
    page.locator(".cart-summary").get_by_role("link", name="去结算").click()

    # checkout: the coupon is chosen and shows in the shop's breakdown and the totals
    expect(page).to_have_url(re.compile(r"/checkout/$"))
    expect(page.locator(".co-line")).to_contain_text("限时折扣")
    expect(page.locator(".co-shop-foot")).to_contain_text("店铺券 满200减20 -¥20.00")
    expect(page.locator("[data-cart-coupon] input[type=checkbox]")).to_be_checked()
    expect(page.locator("[data-cart-coupon]")).to_contain_text("已减 ¥20.00")
    expect(page.locator(".co-total [data-discount]")).to_have_text("-¥20.00")

    # switching the coupon off re-prices the page; on again, and it is back
    page.locator("[data-cart-coupon] input[type=checkbox]").uncheck()
    expect(page).to_have_url(re.compile(r"/checkout/\?.*pick=1"))
    expect(page.locator(".co-total [data-discount]")).to_have_text("-¥0.00")
    expect(page.locator("[data-cart-coupon] [data-reason]")).to_have_text("未选择")
    page.locator("[data-cart-coupon] input[type=checkbox]").check()
    expect(page.locator(".co-total [data-discount]")).to_have_text("-¥20.00")
    payable = page.locator(".payable").inner_text()
    shot(page)
    page.get_by_role("button", name="提交订单").click()
    expect(page).to_have_url(re.compile(r"/pay/[^/]+/$"))
    assert not page.js_errors

    (order,) = buyer_order_list(buyer=buyer)
    assert order.discount_fen == 2000
    assert order.lines.get().unit_price_fen == 22000
    assert order.total_fen == 22000 - 2000 + order.freight_fen
    assert payable == f"{order.total_fen // 100}.{order.total_fen % 100:02d}"
