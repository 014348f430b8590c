"""7天无理由 and 延迟发货 in a real browser: the buyer confirms a listing without no-reason returns at checkout,
the order goes late and the buyer, the shop and the platform each see the compensation."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_confirm_at_checkout_then_late_shipment_seen_by_all_three(
    new_page, login, shot, make_shop, make_product, make_user, make_address, operator
):
    from wanshang.orders.selectors import buyer_order_list
    from wanshang.orders.services import late_shipments_flag

    shop = make_shop(name="青禾数码旗舰店")
    card = make_product(
        shop,
        title="游戏点卡 100 元",
        prices=(9800,),
        no_return_kind="activated",
        no_return_note="卡密激活后不退",
    )
    fresh_leaf = shop.test_category
    buyer = make_user()
    make_address(buyer, is_default=True)

    page = new_page()
    login(page, buyer)
    page.goto(f"/p/{card.pk}/")
    expect(page.locator("[data-return-policy]")).to_contain_text("不支持7天无理由退货")
    expect(page.locator("[data-return-policy]")).to_contain_text("卡密激活后不退")
    expect(page.locator("[data-ship-promise]")).to_contain_text("付款后 48 小时内发货")
    shot(page, "-product")

    page.goto(f"/checkout/?sku={card.skus.get().pk}&qty=1")
    box = page.locator("input[name=confirm_no_return]")
    expect(box).to_have_attribute("required", "")
    expect(page.locator("[data-no-return-confirm]")).to_contain_text("游戏点卡 100 元")
    shot(page, "-checkout")
    page.get_by_role("button", name="提交订单").click()
    assert "/pay/" not in page.url  # the browser will not submit without the tick
    box.check()
    page.get_by_role("button", name="提交订单").click()
    expect(page).to_have_url(re.compile(r"/pay/"))
    page.get_by_role("button", name=re.compile("确认支付")).click()
    page.wait_for_load_state()

    order = buyer_order_list(buyer=buyer).get()
    order.refresh_from_db()
    assert late_shipments_flag(now=order.ship_deadline + timedelta(hours=2)) == 1

    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    login(phone, buyer)
    phone.goto(f"/orders/{order.pk}/")
    expect(phone.locator("[data-late-shipment]")).to_contain_text("平台已赔付你 ¥9.80")
    expect(phone.locator("[data-return-policy]").first).to_contain_text("不支持7天无理由退货")
    shot(phone, "-order-phone")

    seller = new_page()
    login(seller, shop.owner)
    seller.goto("/seller/orders/")
    seller.locator("[data-late-tab]").click()
    expect(seller.locator("[data-late]")).to_contain_text("延迟发货 · 赔付 ¥9.80")
    shot(seller, "-seller-orders")
    seller.goto("/seller/settlements/")
    expect(seller.locator("[data-kind=late]")).to_contain_text("延迟发货赔付")
    shot(seller, "-seller-ledger")

    op = new_page()
    login(op, operator)
    op.goto("/platform/late-shipments/")
    expect(op.get_by_text(order.no)).to_be_visible()
    shot(op, "-platform-list")
    op.goto(f"/platform/categories/{fresh_leaf.parent.pk}/edit/")
    op.get_by_label("不支持7天无理由（法定）").select_option("fresh")
    op.get_by_role("button", name="保存").click()
    expect(op.locator("[data-never-return]").filter(has_text="继承上级").first).to_be_visible()
    shot(op, "-platform-categories")
    for p in (page, phone, seller, op):
        assert not p.js_errors
