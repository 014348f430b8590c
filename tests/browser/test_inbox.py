"""消息中心 in a real browser: the owner sees the bell's count in the header, opens the inbox, filters by
category, opens a 体检中心 message (read, and on the item's page) and marks everything read; the bell goes quiet.
Real events: the platform publishes a rule and the 体检中心 opens an item, their messages arrive after commit."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_owner_reads_the_inbox_from_the_bell(new_page, login, shot, make_shop, operator):
    from wanshang.health.services import item_open, rule_publish

    shop = make_shop(name="青禾服饰旗舰店")
    item = item_open(shop_id=shop.pk, kind="late_shipment", title="延迟发货率")
    rule_publish(
        actor=operator,
        code="returns",
        title="七天无理由退货规则",
        body="买家签收后七天内可申请无理由退货，商品应保持完好。",
        effective_at=timezone.now() + timedelta(days=7),
    )
    page = new_page()
    login(page, shop.owner)
    page.goto("/seller/")
    expect(page.locator(".sc-bell-count")).to_have_text("2")
    shot(page, "-bell")
    page.locator(".sc-bell").click()
    page.wait_for_load_state()
    expect(page.locator(".inbox-row.unread")).to_have_count(2)
    expect(page.locator("body")).to_contain_text("体检中心发现问题：延迟发货率")
    expect(page.locator("body")).to_contain_text("平台规则发布：七天无理由退货规则（第 1 版）")
    shot(page, "-inbox")
    page.locator('a[data-kind="rule"]').click()
    page.wait_for_load_state()
    expect(page.locator(".inbox-row")).to_have_count(1)
    page.goto("/seller/inbox/?kind=health")
    page.get_by_role("button", name="去整改").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/seller/health/items/{item.pk}/")
    expect(page.locator(".sc-bell-count")).to_have_text("1")
    page.goto("/seller/inbox/")
    page.get_by_role("button", name="全部标为已读").click()
    page.wait_for_load_state()
    expect(page.locator(".sc-bell-count")).to_have_count(0)
    expect(page.locator(".inbox-row.read")).to_have_count(2)
    shot(page, "-all-read")
    assert page.js_errors == []
