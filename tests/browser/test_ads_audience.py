"""Audience ads (引力魔方) in a real browser: a seller creates a 人群推广 plan, an ad group and a similar-product
crowd in the seller center and starts it; a buyer who looked at a dress of another shop opens the home page and
the ad row loads into the feed's slot, labelled 广告; its click lands on the product page marked as ad traffic."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"


@pytest.fixture
def scene(make_shop, make_product, make_category):
    from wanshang.ads.services import topup_create
    from wanshang.analytics.models import Event
    from wanshang.payments.services import sandbox_pay

    category = make_category()
    shop = make_shop(name="花间集女装旗舰店", category=category)
    product = make_product(shop, title="法式碎花连衣裙 夏季雪纺", prices=(19900,))
    topup = topup_create(shop=shop, user=shop.owner, amount_fen=20_000)
    assert sandbox_pay(buyer=shop.owner, payment_no=topup.payment_no) == "applied"
    seen = make_product(make_shop(category=category), title="长款连衣裙")
    visitor = uuid.uuid4().hex
    Event.objects.create(
        ts=timezone.now() - datetime.timedelta(days=1),
        kind="pv",
        visitor=visitor,
        shop_id=seen.shop_id,
        product_id=seen.pk,
        category_id=seen.category_id,
        page_type="product",
    )
    return shop, product, visitor


def test_a_seller_created_audience_plan_shows_in_the_home_feed(new_page, login, scene, shot, live_server):
    shop, product, visitor = scene
    page = new_page()
    login(page, shop.owner)
    page.goto(reverse("sellercenter:ads_plan_create"))
    page.get_by_label("计划名称").fill("相似人群推广")
    page.get_by_label("推广类型").select_option("audience")
    page.get_by_label("日预算（元）").fill("80")
    page.get_by_label("开始日期").fill(timezone.localdate().isoformat())
    for box in page.locator("input[name=on_pc], input[name=on_mobile]").all():
        box.check()
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    page.locator("#id_product_id").select_option(str(product.pk))
    group_form = page.locator("form[action$='/groups/']")
    group_form.get_by_label("默认出价（元）").fill("1.20")
    group_form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(page.url.split("/groups/")[0] + "/plans/")
    page.get_by_role("link", name="相似人群推广").first.click()
    page.get_by_role("link", name="人群定向").click()
    target = page.locator("form[data-form=audience-target]")
    target.get_by_label("人群类型").select_option("similar")
    target.get_by_label("出价系数（%）").fill("150")
    target.get_by_role("button", name="添加人群").click()
    page.wait_for_load_state()
    expect(page.locator("[data-targets] tr[data-kind=similar]")).to_contain_text("150%")
    page.get_by_role("link", name="返回计划").click()
    page.get_by_role("button", name="开启投放").click()
    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "active")

    buyer = new_page(user_agent=DESKTOP)
    buyer.context.add_cookies([{"name": "wsv", "value": visitor, "url": live_server.url}])
    buyer.goto("/")
    row = buyer.locator("[data-ad-place=home]")
    expect(row).to_have_count(1)  # the slot waits below the fold: no ad until it is scrolled into view
    assert buyer.locator("[data-ad-row=home]").count() == 0
    row.scroll_into_view_if_needed()
    card = buyer.locator("[data-ad-row=home] .ad-card").first
    expect(card).to_contain_text("法式碎花连衣裙")
    expect(card.locator(".ad-badge")).to_have_text("广告")
    shot(buyer)
    card.click()
    buyer.wait_for_load_state()
    assert f"/p/{product.pk}" in buyer.url and "ad=" in buyer.url
    assert buyer.js_errors == []
