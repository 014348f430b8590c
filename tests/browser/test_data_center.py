"""数据中心 in a real browser: a visitor's clicks become the shop's figures, and the charts draw."""

import re
import time

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _ingest_until(predicate, timeout=5.0):
    """The beacon is sent by the browser as the page goes away: wait for it to reach the spool."""
    from wanshang.analytics.collector import ingest

    deadline = time.monotonic() + timeout
    while True:
        ingest()
        if predicate() or time.monotonic() > deadline:
            return


def test_visitor_clicks_show_up_in_the_seller_data_center(new_page, login, shot, make_shop, make_product):
    from wanshang.insights.selectors import dashboard

    shop = make_shop(name="青禾服饰旗舰店")
    dress = make_product(shop, title="法式复古碎花连衣裙", prices=(15900,), stock=5)

    visitor = new_page()
    visitor.goto("/search/?q=连衣裙")
    visitor.get_by_role("link", name=re.compile("法式复古碎花连衣裙")).first.click()
    expect(visitor).to_have_url(re.compile(rf"/p/{dress.pk}/"))
    visitor.wait_for_timeout(600)  # time on the product page, sent by the beacon when the page is left
    visitor.goto(f"/shop/{shop.slug}/")
    visitor.context.close()

    _ingest_until(lambda: dashboard(scope=shop)["counts"].stay_ms > 0)
    counts = dashboard(scope=shop)["counts"]
    assert (counts.uv, counts.pv, counts.product_visitors) == (1, 2, 1)
    assert counts.stay_ms >= 500

    seller = new_page()
    login(seller, shop.owner)
    seller.goto("/seller/data/")
    expect(seller.get_by_role("heading", name="数据中心 · 实时概况")).to_be_visible()
    expect(seller.get_by_test_id("value-uv")).to_have_text("1")
    expect(seller.get_by_test_id("value-pv")).to_have_text("2")
    expect(seller.locator('[data-echarts="trend-chart"] svg')).to_have_count(1)
    seller.get_by_role("link", name="流量与转化").click()
    seller.get_by_role("link", name="今日实时").click()
    expect(seller.locator('[data-echarts="source-chart"] svg')).to_have_count(1)
    expect(seller.locator('tr[data-source="search"] td').nth(2)).to_have_text("1")  # arrived from 站内搜索
    shot(seller)
    assert seller.js_errors == []
