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


def test_rejected_refund_goes_to_the_platform_which_refunds_part(
    new_page, login, shot, make_shop, make_product, make_user, make_address, place, operator
):
    from wanshang.aftersales.services import case_reject
    from wanshang.payments.services import sandbox_pay

    shop = make_shop(name="紫砂工坊")
    pot = make_product(shop, title="手工紫砂壶", prices=(36800,), stock=5).skus.get()
    buyer = make_user()
    payment = place(buyer, make_address(buyer, is_default=True), [(pot.pk, 1)])
    sandbox_pay(buyer=buyer, payment_no=payment.no)
    order = payment.orders.get()

    page = new_page()
    login(page, buyer)
    page.goto(f"/orders/{order.pk}/")
    page.get_by_role("link", name="申请售后").click()
    expect(page.get_by_label("仅退款")).to_be_checked()
    page.get_by_label("售后原因").select_option(label="描述不符（商家原因）")
    page.get_by_label("问题描述").fill("壶身颜色与图片差别很大")
    shot(page, "-form")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("[data-case-status]")).to_contain_text("待商家处理")
    case_id = int(re.search(r"/aftersales/(\d+)/", page.url).group(1))
    case_reject(shop=shop, case_id=case_id, actor=shop.owner, reason="颜色与描述一致")

    page.reload()
    expect(page.locator("[data-case-status]")).to_contain_text("商家已拒绝")
    page.get_by_label("介入理由").fill("自然光下明显偏红，与详情页不符")
    page.get_by_role("button", name="提交介入申请").click()
    expect(page.locator("[data-case-status]")).to_contain_text("平台介入中")

    op = new_page()
    login(op, operator)
    op.goto("/platform/aftersales/")
    op.locator("tr", has_text="紫砂工坊").get_by_role("link", name="处理").click()
    expect(op.locator("#thread")).to_contain_text("自然光下明显偏红")
    op.get_by_label("部分退款", exact=True).check()
    op.get_by_label("部分退款金额（元）").fill("100")
    op.get_by_label("裁决说明").fill("色差补偿 ¥100")
    shot(op, "-platform")
    op.get_by_role("button", name="提交裁决").click()
    expect(op.locator("[data-case-status]")).to_contain_text("售后完成")

    page.reload()
    expect(page.locator("[data-case-status]")).to_contain_text("售后完成")
    expect(page.locator("#thread")).to_contain_text("色差补偿")
    assert not page.js_errors and not op.js_errors
    from wanshang.aftersales.selectors import buyer_case_get

    refund = buyer_case_get(buyer=buyer, case_id=case_id).refunds.get()
    assert refund.amount_fen == 10000 and refund.status == "refunded"
