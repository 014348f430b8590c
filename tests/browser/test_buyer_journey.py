"""The buyer's journey in a real browser: SKU picker (Alpine), add to cart (htmx), a two-shop checkout, the
sandbox cashier, and the order list; then the same product page on a phone-sized (H5) screen."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_to_cart(page):
    with page.expect_response(lambda r: r.url.endswith("/cart/add/") and r.request.method == "POST") as resp:
        page.locator(".pd-actions").get_by_role("button", name="加入购物车").click()
    assert resp.value.ok
    expect(page.locator("#toast-slot")).to_contain_text("已加入购物车")


def test_buyer_picks_a_sku_buys_from_two_shops_and_pays_in_the_sandbox(
    page, login, shot, make_shop, make_product, make_user, make_address
):
    from wanshang.orders.selectors import buyer_order_list

    shop_a, shop_b = make_shop(name="青禾服饰旗舰店"), make_shop(name="澜芯数码专营店")
    dress = make_product(shop_a, title="法式复古碎花连衣裙", prices=(15900, 16900), stock=5)
    buds = make_product(shop_b, title="主动降噪蓝牙耳机", prices=(29900,), stock=3)
    buyer = make_user()
    make_address(buyer, receiver="王小明", is_default=True)

    login(page, buyer)

    # product page: the Alpine picker starts on the first SKU; picking 款2 shows its price
    page.goto(f"/p/{dress.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("法式复古碎花连衣裙")
    price = page.locator(".pd-price-box [data-price]")
    expect(price).to_have_text("159.00")
    picker = page.get_by_role("radiogroup", name="款式")
    picker.get_by_role("button", name="款2").click()
    expect(picker.get_by_role("button", name="款2")).to_have_class(re.compile(r"\bon\b"))
    expect(price).to_have_text("169.00")
    add_to_cart(page)
    expect(page.locator("#cart-count")).to_have_text("1")

    # the second shop's single-SKU product
    page.goto(f"/p/{buds.pk}/")
    expect(page.locator(".pd-price-box [data-price]")).to_have_text("299.00")
    add_to_cart(page)
    expect(page.locator("#cart-count")).to_have_text("2")

    # cart: one group per shop
    page.goto("/cart/")
    groups = page.locator(".cart-shop")
    expect(groups).to_have_count(2)
    expect(groups.filter(has_text="青禾服饰旗舰店")).to_contain_text("法式复古碎花连衣裙")
    expect(groups.filter(has_text="澜芯数码专营店")).to_contain_text("主动降噪蓝牙耳机")
    expect(page.locator(".cart-summary .total")).to_contain_text("468.00")
    page.locator(".cart-summary").get_by_role("link", name="去结算").click()

    # checkout: the default address is chosen; submit
    expect(page).to_have_url(re.compile(r"/checkout/$"))
    expect(page.get_by_role("heading", name="确认订单")).to_be_visible()
    expect(page.locator(".co-shop")).to_have_count(2)
    expect(page.locator(".addr-card.on")).to_contain_text("王小明")
    page.get_by_role("button", name="提交订单").click()

    # cashier → sandbox → success
    expect(page).to_have_url(re.compile(r"/pay/[^/]+/$"))
    expect(page.get_by_text("订单提交成功，请尽快付款！")).to_be_visible()
    page.get_by_role("button", name="确认支付（沙箱）").click()
    expect(page).to_have_url(re.compile(r"/pay/[^/]+/done/$"))
    expect(page.get_by_role("heading", name="支付成功")).to_be_visible()

    # my orders: two orders waiting for shipment
    page.goto("/orders/")
    cards = page.locator(".order-card")
    expect(cards).to_have_count(2)
    expect(cards.locator(".status").filter(has_text="待发货")).to_have_count(2)
    expect(cards.filter(has_text="青禾服饰旗舰店")).to_contain_text("款2")
    shot(page)
    assert not page.js_errors

    orders = list(buyer_order_list(buyer=buyer))
    assert len(orders) == 2
    assert {o.status for o in orders} == {"paid"}
    assert {o.shop_id for o in orders} == {shop_a.pk, shop_b.pk}
    by_shop = {o.shop_id: o for o in orders}
    line = by_shop[shop_a.pk].lines.get()
    assert line.unit_price_fen == 16900 and line.quantity == 1
    assert by_shop[shop_b.pk].lines.get().unit_price_fen == 29900


def test_phone_screen_shows_the_sticky_bar_and_buy_now_goes_to_checkout(
    new_page, login, shot, make_shop, make_product, make_user, make_address
):
    shop = make_shop(name="青禾服饰旗舰店")
    dress = make_product(shop, title="法式复古碎花连衣裙", prices=(15900, 16900), stock=5)
    buyer = make_user()
    make_address(buyer, is_default=True)
    page = new_page(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    login(page, buyer)

    page.goto(f"/p/{dress.pk}/")
    bar = page.locator(".pd-bottom-bar")
    expect(bar).to_be_visible()
    expect(page.locator(".pd-actions")).to_be_hidden()
    box = bar.bounding_box()
    assert box["y"] + box["height"] == pytest.approx(844, abs=1), "the bar sticks to the bottom of the screen"
    add, buy = bar.get_by_role("button", name="加入购物车"), bar.get_by_role("button", name="立即购买")
    expect(add).to_be_visible()
    expect(buy).to_be_visible()

    page.get_by_role("radiogroup", name="款式").get_by_role("button", name="款2").tap()
    expect(page.locator(".pd-price-box [data-price]")).to_have_text("169.00")
    shot(page, "-product")
    buy.tap()

    expect(page).to_have_url(re.compile(r"/checkout/\?sku=\d+&qty=1$"))
    expect(page.get_by_role("heading", name="确认订单")).to_be_visible()
    expect(page.locator(".co-line")).to_have_count(1)
    expect(page.locator(".co-line")).to_contain_text("款2")
    expect(page.locator(".payable")).to_contain_text("169.00")
    expect(page.get_by_role("button", name="提交订单")).to_be_enabled()
    shot(page)
    assert not page.js_errors
