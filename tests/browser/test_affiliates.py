"""淘宝客 in a real browser: the promoter center (summary, products with rates and estimates, a link made with
one click and copied), a visitor opening the link records the click; the merchant's plan page. Screenshots
in /tmp/wanshang-shots."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene(make_shop, make_product, make_user, make_address, place_paid):
    from wanshang.affiliates.services import (
        click_record,
        link_create,
        promoter_apply,
        promoter_review,
        shop_rate_set,
    )

    operator = make_user(is_staff=True)
    shop = make_shop(name="青禾服饰旗舰店")
    shop_rate_set(shop=shop, rate_bps=1000)
    dress = make_product(shop, title="法式复古碎花连衣裙", prices=(15900,), stock=20)
    make_product(shop, title="真丝印花半身裙", prices=(26900,), stock=20)
    user = make_user(nickname="穿搭小鹿")
    promoter = promoter_apply(
        user=user,
        name="穿搭小鹿",
        channels="小红书 @穿搭小鹿；抖音 @xiaolu",
        audience="12 万粉丝，女装",
        contact="微信 xiaolu",
    )
    promoter = promoter_review(operator=operator, promoter_id=promoter.pk, approve=True)
    buyer = make_user(nickname="小明同学")
    make_address(buyer, is_default=True)
    link = link_create(promoter=promoter, product_id=dress.pk)
    click_record(code=link.code, visitor="", user_id=buyer.pk, product_id=dress.pk, shop_id=shop.pk)
    place_paid(buyer, dress, qty=2)
    return {"shop": shop, "dress": dress, "promoter": promoter, "user": user}


def test_promoter_center_makes_a_link_that_records_a_click(scene, new_page, login, shot):
    from wanshang.affiliates.models import Click

    page = new_page()
    page.goto(
        "/accounts/login/", timeout=60_000
    )  # the live server's first page warms it up (slow when loaded)
    login(page, scene["user"])
    page.goto("/promoter/")
    expect(page.locator("[data-orders]")).to_have_text("1")
    expect(page.get_by_text("¥28.62").first).to_be_visible()  # 2 × ¥159 at 10%, less the 10% fee
    shot(page, "-home")

    page.get_by_role("link", name="可推广商品", exact=True).click()
    row = page.locator("tr", has_text="真丝印花半身裙")
    expect(row.locator("[data-rate]")).to_have_text("10%")
    expect(row.locator("[data-estimate]")).to_have_text("¥24.21")
    shot(page, "-products")
    row.get_by_role("button", name="生成推广链接").click()
    url = page.locator("tr.highlight [data-link-url]").input_value()
    assert re.search(r"/p/\d+/\?aff=\w+$", url)
    shot(page, "-links")

    visitor = new_page()
    visitor.goto("/" + url.split("/", 3)[3])
    expect(visitor.locator("h1").first).to_contain_text("真丝印花半身裙")
    assert Click.objects.filter(promoter=scene["promoter"], product_id__isnull=False).count() == 2


def test_merchant_sets_rates_and_invites(scene, new_page, login, shot):
    page = new_page()
    login(page, scene["shop"].owner)
    page.goto("/seller/affiliates/")
    expect(page.locator("[data-shop-rate]")).to_have_text("10%")
    page.locator("#id_invite-promoter_code").fill(scene["promoter"].code)
    page.locator("#id_invite-rate").fill("18")
    page.get_by_role("button", name="发送邀请").click()
    expect(page.locator("[data-section=targeted] tr[data-plan]", has_text="穿搭小鹿")).to_contain_text(
        "待达人接受"
    )
    page.locator("#id_shop-rate").fill("80")
    page.get_by_role("button", name="保存").first.click()
    expect(page.locator("[data-section=shop-rate]")).to_contain_text("之间")
    shot(page, "-plans")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_affiliate_pages_fit_a_phone(scene, new_page, login, shot, live_server, language):
    """At phone width (390 px) no affiliate page is wider than the screen: their tables once pushed the seller's
    promoter results to 654 px and the platform's withdrawal queue to 504 px in English."""
    phone = {"width": 390, "height": 800}
    pages = {
        scene["user"]: ["/promoter/", "/promoter/products/", "/promoter/orders/", "/promoter/withdrawals/"],
        scene["shop"].owner: ["/seller/affiliates/", "/seller/affiliates/promoters/"],
    }
    for user, urls in pages.items():
        page = new_page(viewport=phone)
        login(page, user)
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        for url in urls:
            page.goto(url)
            page.wait_for_load_state()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= phone["width"], (url, width)
        shot(page, f"-phone-{language}")
        assert page.js_errors == []
