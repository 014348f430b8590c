"""极速退款 in a real browser: the buyer's apply page says whether the units chosen would be refunded at once (and
asks again when the quantity changes), the case is refunded on submitting, and the shop sees the tag in its
workbench and its switch with the 30-day figures."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.journey, pytest.mark.django_db(transaction=True)]


def test_buyer_sees_instant_refund_before_submitting_and_gets_it(
    new_page, login, shot, make_shop, make_product, make_user, make_address, place, settings
):
    from wanshang.aftersales.models import Case
    from wanshang.aftersales.selectors import reason_list
    from wanshang.payments.services import sandbox_pay

    settings.WANSHANG = {**settings.WANSHANG, "INSTANT_REFUND_MAX_FEN": 10000}  # one cup yes, two cups no
    shop = make_shop(name="青瓷生活馆")
    cup = make_product(shop, title="手绘青瓷茶杯", prices=(6800,), stock=10).skus.get()
    buyer = make_user()
    buyer.date_joined = timezone.now() - timedelta(days=90)
    buyer.save(update_fields=["date_joined"])
    payment = place(buyer, make_address(buyer, receiver="王小明", is_default=True), [(cup.pk, 2)])
    sandbox_pay(buyer=buyer, payment_no=payment.no)
    order = payment.orders.get()
    line = order.lines.get()

    page = new_page()
    login(page, buyer)
    page.goto(f"/orders/{order.pk}/aftersales/new/")
    qty = page.locator(f'input[name="qty_{line.pk}"]')
    qty.fill("1")
    qty.dispatch_event("change")
    expect(page.locator('[data-instant="yes"]')).to_be_visible()
    expect(page.locator('[data-instant="yes"]')).to_contain_text("极速退款")
    shot(page, "-eligible")
    qty.fill("2")
    qty.dispatch_event("change")
    expect(page.locator('[data-instant="no"]')).to_be_visible()
    expect(page.locator('[data-instant="no"]')).to_contain_text("该申请需商家处理")
    expect(page.locator('[data-instant="yes"]')).to_be_hidden()
    qty.fill("1")
    qty.dispatch_event("change")
    expect(page.locator('[data-instant="yes"]')).to_be_visible()
    why = next(r for r in reason_list(case_type="refund_only") if r.name == "不想要了")
    page.get_by_label("售后原因").select_option(str(why.pk))
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("[data-instant-refund]")).to_contain_text("已极速退款")
    expect(page.locator("[data-case-status]")).to_contain_text("售后完成")
    shot(page, "-case")
    assert page.js_errors == []
    case = Case.objects.get(order=order)
    assert case.instant_refund and case.refunds.get().status == "refunded"

    seller = new_page()
    login(seller, shop.owner)
    seller.goto("/seller/aftersales/")
    expect(seller.locator(f'[data-case="{case.no}"] [data-instant-refund]')).to_contain_text("极速退款")
    seller.goto("/seller/aftersales/settings/")
    expect(seller.locator("[data-instant-figures] [data-count]")).to_have_text("1")
    seller.get_by_label("关闭：每笔仅退款由本店处理").check()
    seller.get_by_role("button", name="保存").click()
    expect(seller.locator("[data-instant-state]")).to_have_text("已关闭")
    shot(seller, "-seller-settings")
    assert seller.js_errors == []
