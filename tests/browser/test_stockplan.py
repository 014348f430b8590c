"""库存计划 and 入库单 in a real browser: the plan shows cover and a suggestion, 生成入库单 carries it into a
receipt, receiving raises the stock; the campaign alert on the 工作台 and in 异常提醒; English and phone width."""

import datetime
import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene(make_shop, make_product, make_user, make_address):
    from wanshang.checkout.services import checkout_submit
    from wanshang.insights.services import stock_cover_alerts_scan
    from wanshang.inventory.selectors import warehouse_list
    from wanshang.inventory.services import receipt_create
    from wanshang.marketing.services import PromotionInput, promotion_save
    from wanshang.marketing.types import Kind
    from wanshang.payments.services import sandbox_pay

    shop = make_shop(name="暖阳家纺旗舰店")
    quilt = make_product(shop, title="新疆长绒棉四件套", stock=30).skus.get()
    pillow = make_product(shop, title="乳胶枕头一对装", stock=40).skus.get()
    make_product(shop, title="夏季冰丝凉席", stock=25)
    buyer = make_user()
    address = make_address(buyer)
    for sku, qty in ((quilt, 26), (pillow, 12)):
        payment = checkout_submit(
            user=buyer,
            items=[(sku.pk, qty)],
            address_id=address.pk,
            idempotency_key=uuid.uuid4().hex,
            from_cart=False,
        )
        sandbox_pay(buyer=buyer, payment_no=payment.no)
    receipt_create(
        shop=shop,
        warehouse_id=warehouse_list(shop=shop)[0].pk,
        supplier_name="南通家纺织造厂",
        expected_date=timezone.localdate() + datetime.timedelta(days=4),
        lines=[(pillow.pk, 20)],
        submit=True,
    )
    start = timezone.now() + datetime.timedelta(days=2)
    promotion_save(
        shop=shop,
        actor=shop.owner,
        data=PromotionInput(
            kind=Kind.TIME_DISCOUNT,
            name="双十二家纺节",
            starts_at=start,
            ends_at=start + datetime.timedelta(days=3),
            items=[{"sku_id": quilt.pk, "discount_bps": 8500}],
        ),
    )
    assert stock_cover_alerts_scan() == 1
    return shop, quilt


def test_plan_to_receipt_to_stock_in_the_browser(new_page, login, shot, scene):
    from wanshang.inventory.selectors import available_by_sku

    shop, quilt = scene
    page = new_page()
    login(page, shop.owner)
    page.goto("/seller/")
    expect(page.get_by_test_id("stock-alerts")).to_contain_text("双十二家纺节")
    shot(page, "-dashboard")
    page.goto("/seller/data/alerts/")
    expect(page.get_by_text("活动库存不足").first).to_be_visible()
    shot(page, "-alerts")
    page.goto("/seller/stock/plan/")
    table = page.get_by_test_id("stock-plan")
    expect(table).to_contain_text("新疆长绒棉四件套")
    expect(table).to_contain_text("—")  # the 凉席 never sold
    shot(page, "-plan")
    page.get_by_role("button", name="生成入库单（勾选的 SKU）").click()
    page.wait_for_load_state()
    page.get_by_label("供应商", exact=True).fill("南通家纺织造厂")
    page.get_by_label("预计到货日期").fill((timezone.localdate() + datetime.timedelta(days=5)).isoformat())
    shot(page, "-receipt-form")
    page.get_by_role("button", name="保存入库单").click()
    page.wait_for_load_state()
    expect(page.locator(".sc-head")).to_contain_text("在途")
    shot(page, "-receipt")
    before = available_by_sku(sku_ids=[quilt.pk])[quilt.pk]
    page.get_by_role("link", name="收货入库").click()
    page.wait_for_load_state()
    shot(page, "-receive")
    page.get_by_role("button", name="确认收货").click()
    page.wait_for_load_state()
    expect(page.locator(".sc-head")).to_contain_text("已收货")
    assert available_by_sku(sku_ids=[quilt.pk])[quilt.pk] > before
    assert page.js_errors == []


def test_pages_in_english_and_at_phone_width(new_page, login, shot, scene, live_server):
    shop, _ = scene
    en = new_page()
    login(en, shop.owner)
    en.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    en.goto("/seller/stock/plan/")
    expect(en.get_by_test_id("stock-plan")).to_contain_text("Days of cover")
    shot(en, "-plan-en")
    en.goto("/seller/stock/receipts/")
    expect(en.locator("h1")).to_contain_text("Inbound receipts")
    shot(en, "-receipts-en")
    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    login(phone, shop.owner)
    phone.goto("/seller/stock/plan/?need=on")
    expect(phone.get_by_test_id("stock-plan")).to_contain_text("新疆长绒棉四件套")
    shot(phone, "-plan-phone")
    phone.goto("/seller/stock/receipts/")
    phone.locator("table a").first.click()
    phone.wait_for_load_state()
    shot(phone, "-receipt-phone")
