"""After-sales in a real browser: the buyer receives an order, returns one unit with a photo and a tracking
number, the shop approves with its return address and confirms the return, and the refund lands; the case page
on a phone-sized screen."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.journey, pytest.mark.django_db(transaction=True)]


def _png(tmp_path):
    from PIL import Image

    path = tmp_path / "broken-cup.png"
    Image.new("RGB", (320, 240), (180, 40, 40)).save(path, "PNG")
    return str(path)


def test_buyer_returns_one_unit_and_the_refund_lands(
    new_page, login, shot, make_shop, make_product, make_user, make_address, place, tmp_path
):
    from wanshang.aftersales.selectors import buyer_case_list, reason_list
    from wanshang.aftersales.services import return_address_save
    from wanshang.orders.services import order_ship
    from wanshang.payments.services import sandbox_pay

    shop = make_shop(name="青瓷生活馆")
    cup = make_product(shop, title="手绘青瓷茶杯", prices=(6800,), stock=10).skus.get()
    buyer = make_user()
    address = make_address(buyer, receiver="王小明", is_default=True)
    payment = place(buyer, address, [(cup.pk, 2)])
    sandbox_pay(buyer=buyer, payment_no=payment.no)
    order = payment.orders.get()
    order_ship(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF1000200030", actor=shop.owner)
    return_address_save(
        shop=shop, contact="李仓管", phone="0571-88886666", address="杭州市余杭区仓前街道 1 号"
    )

    buyer_page = new_page()
    login(buyer_page, buyer)
    buyer_page.goto(f"/orders/{order.pk}/")
    buyer_page.on("dialog", lambda d: d.accept())
    buyer_page.get_by_role("button", name="确认收货").click()
    expect(buyer_page.locator(".order-status-banner h1")).to_contain_text("交易成功")

    buyer_page.get_by_role("link", name="申请售后").click()
    expect(buyer_page).to_have_url(re.compile(r"/aftersales/new/"))
    buyer_page.get_by_label("退货退款").check()
    line = order.lines.get()
    buyer_page.locator(f'input[name="qty_{line.pk}"]').fill("1")
    why = next(r for r in reason_list(case_type="return_refund") if r.name == "质量问题")
    buyer_page.get_by_label("售后原因").select_option(str(why.pk))
    buyer_page.get_by_label("问题描述").fill("杯口有裂纹")
    buyer_page.get_by_label("凭证图片（最多 9 张）").set_input_files(_png(tmp_path))
    buyer_page.get_by_role("button", name="提交申请").click()
    expect(buyer_page.locator("[data-case-status]")).to_contain_text("待商家处理")
    expect(buyer_page.locator("[data-deadline] .countdown")).to_contain_text("天")
    case = buyer_case_list(buyer=buyer).get()

    seller_page = new_page()
    login(seller_page, shop.owner)
    seller_page.goto("/seller/aftersales/?due=mine")
    expect(seller_page.locator(f'[data-case="{case.no}"]')).to_contain_text("退货退款")
    shot(seller_page, "-workbench")
    seller_page.locator(f'[data-case="{case.no}"]').get_by_role("link", name="处理").click()
    expect(seller_page.get_by_alt_text("凭证图片")).to_be_visible()
    seller_page.get_by_role("button", name="同意并发送退货地址").click()
    expect(seller_page.locator("[data-case-status]")).to_contain_text("待买家退货")

    buyer_page.reload()
    expect(buyer_page.locator("[data-return-address]")).to_contain_text("李仓管")
    buyer_page.get_by_label("快递公司").select_option("ZTO")
    buyer_page.get_by_label("运单号").fill("ZT9988776655")
    buyer_page.get_by_role("button", name="提交退货物流").click()
    expect(buyer_page.locator("[data-case-status]")).to_contain_text("退货寄回中")

    seller_page.reload()
    seller_page.get_by_role("button", name="确认收货").click()
    expect(seller_page.locator("[data-case-status]")).to_contain_text("售后完成")
    shot(seller_page, "-seller-case")

    buyer_page.reload()
    expect(buyer_page.locator("[data-case-status]")).to_contain_text("售后完成")
    expect(buyer_page.locator(".order-status-banner")).to_contain_text("退款已原路退回")
    shot(buyer_page, "-buyer-case")
    assert not buyer_page.js_errors and not seller_page.js_errors

    case.refresh_from_db()
    refund = case.refunds.get()
    assert refund.status == "refunded" and refund.amount_fen == 6800
    line.refresh_from_db()
    assert (line.refunded_qty, line.refunded_fen) == (1, 6800)

    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    login(phone, buyer)
    phone.goto(f"/aftersales/{case.pk}/")
    expect(phone.locator("[data-case-status]")).to_be_visible()
    shot(phone, "-phone")
