"""Keyword ads in a real browser: a seller creates a plan, an ad group and a keyword in the seller center and
starts it; a buyer's search shows the ad in the first slot labelled 广告; its click lands on the product page
marked as ad traffic, and the seller's 推广报表 counts the impression and the click."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"


@pytest.fixture
def seller(make_shop, make_product):
    from wanshang.ads.services import topup_create
    from wanshang.payments.services import sandbox_pay

    shop = make_shop(name="花间集女装旗舰店")
    product = make_product(shop, title="法式碎花连衣裙 夏季雪纺", prices=(19900,))
    for title in ("纯色连衣裙 长款", "条纹连衣裙 收腰", "牛仔连衣裙 复古"):
        make_product(shop, title=title)
    topup = topup_create(shop=shop, user=shop.owner, amount_fen=20_000)
    assert sandbox_pay(buyer=shop.owner, payment_no=topup.payment_no) == "applied"
    return shop, product


def test_a_seller_created_plan_shows_its_ad_in_search_results(new_page, login, seller, shot):
    shop, product = seller
    page = new_page()
    login(page, shop.owner)
    page.goto(reverse("sellercenter:ads_plan_create"))
    page.get_by_label("计划名称").fill("夏季连衣裙推广")
    page.get_by_label("日预算（元）").fill("80")
    page.get_by_label("开始日期").fill(timezone.localdate().isoformat())
    page.get_by_label("结束日期（可不填）").fill(
        (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    )
    for box in page.locator("input[name=on_pc], input[name=on_mobile]").all():
        box.check()
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    page.locator("#id_product_id").select_option(str(product.pk))
    group_form = page.locator("form[action$='/groups/']")
    group_form.get_by_label("默认出价（元）").fill("1.20")
    group_form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    page.get_by_label("批量添加关键词").fill("连衣裙,1.50,广泛")
    page.get_by_role("button", name="添加关键词").click()
    page.wait_for_load_state()
    page.goto(page.url.split("/groups/")[0] + "/plans/")
    page.get_by_role("link", name="夏季连衣裙推广").first.click()
    page.get_by_role("button", name="开启投放").click()
    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "active")

    buyer = new_page(user_agent=DESKTOP)
    buyer.goto("/search/?q=连衣裙")
    first = buyer.locator("[data-search-results] > a").first
    expect(first).to_have_class("goods-card ad-card")
    expect(first.locator(".ad-badge")).to_have_text("广告")
    expect(first).to_contain_text("法式碎花连衣裙")
    expect(buyer.locator(".ad-card")).to_have_count(1)
    assert buyer.locator("[data-search-results] > a").count() >= 4  # the organic results beside it
    path = shot(buyer)
    assert path.exists() and path.stat().st_size > 10_000

    first.click()
    buyer.wait_for_load_state()
    assert f"/p/{product.pk}" in buyer.url or str(product.pk) in buyer.url
    assert "ad=" in buyer.url
    assert buyer.js_errors == []

    from wanshang.ads.tests.spooling import ads_ingested

    ads_ingested()  # the ads.ingest job: the impression and the click from the spool, the click charged
    page.goto(reverse("sellercenter:ads_reports") + "?by=keyword")
    row = page.locator("[data-testid=report-table] tbody tr").first
    expect(row).to_contain_text("连衣裙")
    cells = row.locator("td.num")
    expect(cells.nth(0)).to_have_text("1")  # impressions
    expect(cells.nth(1)).to_have_text("1")  # charged clicks
    shot(page, "-report")
