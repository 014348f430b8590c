"""发货与物流 in a real browser: the seller sets a sandbox carrier account, ships an order in two packages (the
second with an 电子面单), sees the pick list, the batch page and 物流异常; the buyer follows the timeline on the
order page; the pages in English and at phone width. Screenshots in /tmp/wanshang-shots."""

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def paid(buyer, address, items):
    from wanshang.checkout.services import checkout_submit
    from wanshang.payments.services import sandbox_pay

    payment = checkout_submit(
        user=buyer,
        items=[(sku.pk, qty) for sku, qty in items],
        address_id=address.pk,
        idempotency_key=uuid.uuid4().hex,
        from_cart=False,
    )
    sandbox_pay(buyer=buyer, payment_no=payment.no)
    return payment.orders.get()


@pytest.fixture
def new_page(new_page):
    """The shared fixture with a longer timeout: these pages render PDFs and a shared CI box may be busy."""

    def make(**options):
        page = new_page(**options)
        page.context.set_default_timeout(60_000)
        return page

    return make


def test_seller_ships_in_packages_and_the_buyer_follows_them(
    new_page, login, shot, make_shop, make_product, make_user, make_address
):
    from wanshang.shipping.services import shipment_create, stalls_flag, tracking_poll

    shop = make_shop(name="青禾服饰旗舰店")
    dress = make_product(shop, title="法式复古碎花连衣裙", prices=(15900, 16900), stock=20)
    buyer = make_user(nickname="小明同学")
    address = make_address(buyer, is_default=True)
    skus = list(dress.skus.order_by("pk"))
    order = paid(buyer, address, [(skus[0], 1), (skus[1], 2)])
    others = [paid(buyer, address, [(skus[0], 1)]) for _ in range(2)]

    page = new_page()
    login(page, shop.owner)
    page.goto("/seller/shipping/account/")
    page.get_by_label("寄件人").fill("张仓管")
    page.get_by_label("寄件电话").fill("13800000001")
    page.get_by_label("省", exact=True).fill("浙江省")
    page.get_by_label("市", exact=True).fill("杭州市")
    page.get_by_label("区/县").fill("余杭区")
    page.get_by_label("详细地址").fill("仓前街道梦想小镇 8 号仓")
    page.get_by_label("默认快递公司").select_option("ZTO")
    shot(page, "-account")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("body")).to_contain_text("物流账户已保存")

    page.goto(f"/seller/orders/{order.pk}/packages/")
    rows = page.locator("[data-package-form] tbody tr")
    rows.nth(0).locator("input").fill("1")
    rows.nth(1).locator("input").fill("0")
    page.get_by_label("快递公司").select_option("SF")
    page.get_by_label("运单号").fill("SF1234567890")
    page.get_by_role("button", name="发出此包裹").click()
    expect(page.locator("[data-package='1']")).to_contain_text("SF1234567890")
    page.get_by_label("使用电子面单（由物流账户取号）").check()
    shot(page, "-ship")
    page.get_by_role("button", name="发出此包裹").click()
    expect(page.locator("[data-package='2']")).to_contain_text("SB")
    expect(page.locator(".sc-head .badge")).to_contain_text("已发货")

    page.goto("/seller/shipping/batch/")
    for o in others:
        page.get_by_label(o.no).check()
    page.get_by_role("button", name="拣货单").click()
    expect(page.locator("h1")).to_contain_text("拣货单")
    shot(page, "-picklist")
    page.goto("/seller/shipping/batch/")
    shot(page, "-batch")

    # time passes: the sandbox moves the first package, a manual one stalls
    later = timezone.now() + timedelta(hours=30)
    tracking_poll(now=later)
    stalled = shipment_create(shop=shop, order_id=others[0].pk, carrier="YTO", tracking_no="YT9000000001")
    stalls_flag(now=timezone.now() + timedelta(hours=50))
    assert stalled.pk
    page.goto("/seller/shipping/")
    shot(page, "-list")
    page.goto("/seller/shipping/alerts/")
    expect(page.locator("[data-alert]")).to_have_count(2)  # the YTO package and the hand-typed SF one
    shot(page, "-alerts")
    page.goto("/seller/")
    expect(page.locator("[data-shipping-alerts]")).to_have_text("2")

    buyer_page = new_page()
    login(buyer_page, buyer)
    buyer_page.goto(f"/orders/{order.pk}/")
    expect(buyer_page.locator("#tracking")).to_contain_text("包裹 2")
    shot(buyer_page, "-buyer")
    assert not page.js_errors and not buyer_page.js_errors

    en = new_page()
    login(en, shop.owner)
    en.context.add_cookies(
        [{"name": "django_language", "value": "en", "url": en.url}]
    )  # as 中文 / English does
    en.goto(f"/seller/orders/{order.pk}/packages/")
    expect(en.locator("h1")).to_have_text(re.compile("Ship in packages"))
    shot(en, "-en")
    en.goto("/seller/shipping/batch/")
    shot(en, "-batch-en")

    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    login(phone, buyer)
    phone.goto(f"/orders/{order.pk}/")
    expect(phone.locator("#tracking")).to_be_visible()
    shot(phone, "-phone")
    seller_phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    login(seller_phone, shop.owner)
    seller_phone.goto("/seller/shipping/")
    shot(seller_phone, "-seller-phone")
