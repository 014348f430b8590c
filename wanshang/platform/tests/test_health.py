"""体检中心 for the platform: every shop's health, items to verify (pass / send back with a reason), appeals to
decide (overturn removes the points and lifts sanctions), rules published with versions and who acknowledged.
Operators only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.health.selectors import rule_list, seller_item_get, seller_points
from wanshang.health.services import (
    appeal_submit,
    deadlines_run,
    item_mark_fixed,
    item_open,
    rule_acknowledge,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def op_client(client, operator):
    client.force_login(operator)
    return client


def test_verify_an_item_and_decide_an_appeal(op_client, shop):
    now = timezone.now()
    late = item_open(shop_id=shop.pk, kind="late_shipment", title="延迟发货率", now=now - timedelta(days=3))
    deadlines_run(now=now)
    fresh = item_open(shop_id=shop.pk, kind="refund_rate", title="退款率", now=now)
    item_mark_fixed(shop=shop, actor=shop.owner, item_id=fresh.pk, note="已优化售后流程")
    appeal = appeal_submit(shop=shop, actor=shop.owner, item_id=late.pk, reason="超时订单为买家要求延后")

    page = op_client.get("/platform/health/").content.decode()
    assert shop.name in page
    assert "已优化售后流程" in op_client.get("/platform/health/items/").content.decode()
    op_client.post(f"/platform/health/items/{fresh.pk}/verify/", {"decision": "fail", "note": ""})
    assert seller_item_get(shop=shop, item_id=fresh.pk).status == "fixed"  # a send-back needs a reason
    op_client.post(f"/platform/health/items/{fresh.pk}/verify/", {"decision": "pass", "note": ""})
    assert seller_item_get(shop=shop, item_id=fresh.pk).status == "verified"

    assert "超时订单为买家要求延后" in op_client.get("/platform/health/appeals/").content.decode()
    op_client.post(f"/platform/health/appeals/{appeal.pk}/decide/", {"decision": "overturn", "note": ""})
    assert seller_points(shop=shop).get().cancelled_at is None  # no reason: nothing decided
    op_client.post(
        f"/platform/health/appeals/{appeal.pk}/decide/", {"decision": "overturn", "note": "核实为买家原因"}
    )
    assert seller_points(shop=shop).get().cancelled_at is not None


def test_publish_rules_and_see_acknowledgements(op_client, shop):
    when = timezone.localtime(timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    data = {"code": "shipping", "title": "发货规则", "body": "商家应在承诺时间内发货。", "effective_at": when}
    assert op_client.post("/platform/health/rules/", data).status_code == 302
    assert op_client.post("/platform/health/rules/", {**data, "title": "发货规则（修订）"}).status_code == 302
    bad = op_client.post("/platform/health/rules/", {**data, "code": "坏 编号"})
    assert bad.status_code == 400 and "规则编号" in bad.content.decode()
    assert [r.version for r in rule_list()] == [2, 1]
    latest = rule_list()[0]
    rule_acknowledge(shop=shop, actor=shop.owner, rule_id=latest.pk)
    page = op_client.get(f"/platform/health/rules/{latest.pk}/").content.decode()
    assert shop.name in page


def test_buyers_and_shops_cannot_open_the_platform_pages(client, shop, buyer):
    for user in (buyer, shop.owner):
        client.force_login(user)
        assert client.get("/platform/health/").status_code in (302, 403, 404)
        assert client.get("/api/platform/health/shops").status_code == 403
