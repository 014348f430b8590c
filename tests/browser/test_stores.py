"""到店自提 in a real browser: the buyer chooses pickup at checkout (freight 0), pays, sees the code and its QR
code on the order page; the 门店 clerk verifies it on the phone-sized 核销 page. Chinese, English and phone
width; screenshots in /tmp/wanshang-shots."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def scene(make_shop, make_product, make_user, make_address):
    from wanshang.inventory.selectors import warehouse_list
    from wanshang.merchants.selectors import staff_for_user
    from wanshang.merchants.services import staff_add
    from wanshang.stores.services import store_create, store_staff_set

    shop = make_shop(name="青禾服饰旗舰店")
    product = make_product(shop, title="法式复古碎花连衣裙", prices=(15900,), stock=10, weight_g=3000)
    warehouse = warehouse_list(shop=shop)[0]
    store = store_create(
        shop=shop,
        name="杭州湖滨银泰店",
        district_code="330102",
        detail="延安路258号湖滨银泰in77 B区2楼",
        phone="0571-87001234",
        hours="10:00-22:00",
        warehouse_id=warehouse.pk,
    )
    store_create(
        shop=shop,
        name="杭州西溪印象城店",
        district_code="330106",
        detail="五常大道1号西溪印象城3楼",
        phone="0571-88005678",
        hours="周一至周五 10:00-21:30；周末 10:00-22:00",
        warehouse_id=warehouse.pk,
    )
    clerk = make_user(nickname="青禾门店小林")
    staff_add(shop=shop, login=clerk.phone, role="store")
    store_staff_set(shop=shop, store_id=store.pk, user_ids=[clerk.pk])
    buyer = make_user(nickname="小明同学")
    make_address(buyer, is_default=True)
    return {
        "shop": shop,
        "product": product,
        "store": store,
        "clerk": staff_for_user(user=clerk),
        "buyer": buyer,
    }


def _english(page) -> None:
    """After logging in (the log-in form is Chinese): the language cookie the switcher sets."""
    from urllib.parse import urlsplit

    from django.conf import settings

    base = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": base}])


def _pay(page):
    page.get_by_role("button", name=re.compile("沙箱|Sandbox")).first.click()
    page.wait_for_load_state()


def test_pickup_checkout_code_and_verification(new_page, login, shot, scene):
    from wanshang.stores.selectors import pickup_of_order

    sku = scene["product"].skus.get()
    buyer = new_page()
    login(buyer, scene["buyer"])
    buyer.goto(f"/checkout/?sku={sku.pk}&qty=1")
    buyer.get_by_role("link", name=re.compile("到店自提 · 杭州湖滨银泰店")).click()
    expect(buyer.locator("[data-pickup-note]")).to_contain_text("杭州湖滨银泰店")
    expect(buyer.locator(".co-shop-foot")).to_contain_text("到店自提 免运费")
    expect(buyer.locator(".payable")).to_have_text("159.00")
    shot(buyer, "-checkout")
    buyer.get_by_role("button", name="提交订单").click()
    buyer.wait_for_load_state()
    _pay(buyer)
    order = scene["buyer"].orders.get()
    assert order.is_pickup and order.status == "paid" and order.freight_fen == 0
    code = pickup_of_order(order_id=order.pk).code
    buyer.goto(f"/orders/{order.pk}/")
    expect(buyer.locator("[data-pickup-code]")).to_have_text(f"{code[:4]} {code[4:]}")
    expect(buyer.locator(".pickup-qr svg")).to_be_visible()
    shot(buyer, "-code")

    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(phone, scene["clerk"].user)
    phone.goto("/seller/")
    expect(phone).to_have_url(re.compile("/seller/pickup/verify/"))
    expect(phone.locator(".pv-item")).to_contain_text(order.no)
    shot(phone, "-verify-phone")
    phone.locator("#id_code").fill("12345678" if code != "12345678" else "87654321")
    phone.get_by_role("button", name="核销", exact=True).click()
    expect(phone.locator(".errorlist")).to_contain_text("提货码不正确")
    shot(phone, "-verify-wrong-phone")
    phone.locator("#id_code").fill(code)
    phone.get_by_role("button", name="核销", exact=True).click()
    expect(phone.locator("[data-pickup-done]")).to_contain_text(order.no)
    shot(phone, "-verified-phone")
    order.refresh_from_db()
    assert order.status == "completed"
    buyer.goto(f"/orders/{order.pk}/")
    expect(buyer.locator("[data-pickup]")).to_contain_text("已提货")
    assert not buyer.js_errors and not phone.js_errors


def test_pickup_pages_in_english_and_at_phone_width(
    new_page, login, shot, scene, django_capture_on_commit_callbacks
):
    import uuid

    from wanshang.checkout.services import checkout_submit
    from wanshang.payments.services import sandbox_pay

    sku = scene["product"].skus.get()
    store = scene["store"]
    buyer_user = scene["buyer"]
    payment = checkout_submit(
        user=buyer_user,
        items=[(sku.pk, 1)],
        address_id=buyer_user.addresses.get().pk,
        idempotency_key=uuid.uuid4().hex,
        from_cart=False,
        pickup={store.shop_id: store.pk},
    )
    sandbox_pay(buyer=buyer_user, payment_no=payment.no)
    order = payment.orders.get()

    en = new_page()
    login(en, buyer_user)
    _english(en)
    en.goto(f"/checkout/?sku={sku.pk}&qty=1&pickup={store.shop_id}:{store.pk}")
    expect(en.locator(".co-shop-foot")).to_contain_text("In-store pickup, no postage")
    shot(en, "-checkout-en")
    en.goto(f"/orders/{order.pk}/")
    expect(en.locator("[data-pickup]")).to_contain_text("Show this code")
    shot(en, "-code-en")

    mobile = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(mobile, buyer_user)
    mobile.goto(f"/checkout/?sku={sku.pk}&qty=1&pickup={store.shop_id}:{store.pk}")
    shot(mobile, "-checkout-phone")
    mobile.goto(f"/orders/{order.pk}/")
    expect(mobile.locator(".pickup-qr svg")).to_be_visible()
    shot(mobile, "-code-phone")

    clerk_en = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(clerk_en, scene["clerk"].user)
    _english(clerk_en)
    clerk_en.goto("/seller/pickup/verify/")
    expect(clerk_en.get_by_role("button", name="Verify", exact=True)).to_be_visible()
    shot(clerk_en, "-verify-en-phone")

    owner = new_page()
    login(owner, scene["shop"].owner)
    owner.goto("/seller/stores/")
    expect(owner.locator("table")).to_contain_text("杭州西溪印象城店")
    shot(owner, "-stores")
    owner.goto(f"/seller/stores/{store.pk}/")
    shot(owner, "-store-form")
    owner.goto(f"/seller/orders/{order.pk}/")
    expect(owner.locator("[data-pickup]")).to_contain_text("杭州湖滨银泰店")
    expect(owner.locator("#ship")).to_have_count(0)
    shot(owner, "-seller-order")
    assert not en.js_errors and not mobile.js_errors and not owner.js_errors
