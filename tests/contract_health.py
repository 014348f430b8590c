"""The 体检中心 part of tests/test_api_responses.py: /api/seller/health… and /api/platform/health… called
against the documented schemas with real items, points, appeals and rules, plus their refusals."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from wanshang.health.services import deadlines_run, indicators_compute, item_open, rule_publish


def _scene(shop, operator):
    """A published rule, the day's indicators, one penalised item (points) and one open item."""
    now = timezone.now()
    rule_publish(
        actor=operator,
        code="shipping",
        title="发货规则",
        body="商家应在承诺时间内发货。",
        effective_at=now + timedelta(days=1),
    )
    indicators_compute(now=now)
    late = item_open(shop_id=shop.pk, kind="late_shipment", title="延迟发货率", now=now - timedelta(days=3))
    deadlines_run(now=now)
    fresh = item_open(shop_id=shop.pk, kind="refund_rate", title="退款率", now=now)
    return late, fresh


def seller_health(contract, owner, B: str, shop, operator) -> None:
    late, fresh = _scene(shop, operator)
    board = contract.call(owner, "get", f"{B}/health", expect=200)
    assert board["live_points"] == 3 and board["unacked_rules"] == 1
    contract.call(owner, "get", f"{B}/health/items", expect=200)
    contract.call(owner, "get", f"{B}/health/items", query={"status": "penalised"}, expect=200)
    contract.call(owner, "get", f"{B}/health/points", expect=200)
    at = {"item_id": fresh.pk}
    contract.call(owner, "get", f"{B}/health/items/{{item_id}}", path=at, expect=200)
    contract.call(owner, "get", f"{B}/health/items/{{item_id}}", path={"item_id": 999_999}, expect=404)
    contract.call(owner, "post", f"{B}/health/items/{{item_id}}/fix", path=at, body={"note": " "}, expect=400)
    contract.call(owner, "post", f"{B}/health/items/{{item_id}}/fix", path=at, body={"x": 1}, expect=422)
    fixed = contract.call(
        owner,
        "post",
        f"{B}/health/items/{{item_id}}/fix",
        path=at,
        body={"note": "已优化售后流程"},
        expect=200,
    )
    assert fixed["status"] == "fixed"
    contract.call(
        owner, "post", f"{B}/health/items/{{item_id}}/fix", path=at, body={"note": "再次"}, expect=409
    )
    appeal_at = {"item_id": late.pk}
    contract.call(
        owner,
        "post",
        f"{B}/health/items/{{item_id}}/appeal",
        path=appeal_at,
        body={"reason": "短"},
        expect=400,
    )
    contract.call(
        owner,
        "post",
        f"{B}/health/items/{{item_id}}/appeal",
        path=appeal_at,
        body={"reason": "超时订单为买家要求延后", "evidence": "聊天记录"},
        expect=201,
    )
    rules = contract.call(owner, "get", f"{B}/health/rules", expect=200)
    rid = {"rule_id": rules[0]["id"]}
    contract.call(owner, "post", f"{B}/health/rules/{{rule_id}}/ack", path=rid, expect=200)
    contract.call(owner, "post", f"{B}/health/rules/{{rule_id}}/ack", path={"rule_id": 999_999}, expect=404)
    contract.call(Client(), "get", f"{B}/health", expect=401)


def platform_health(contract, op, P: str, shop, operator) -> None:
    from wanshang.health.services import appeal_submit, item_mark_fixed

    late, fresh = _scene(shop, operator)
    item_mark_fixed(shop=shop, actor=shop.owner, item_id=fresh.pk, note="已优化售后流程")
    appeal_submit(shop=shop, actor=shop.owner, item_id=late.pk, reason="超时订单为买家要求延后")
    contract.call(op, "get", f"{P}/health/shops", expect=200)
    contract.call(op, "get", f"{P}/health/shops", query={"warning_only": "true"}, expect=200)
    contract.call(op, "get", f"{P}/health/items", expect=200)
    at = {"item_id": fresh.pk}
    contract.call(
        op, "post", f"{P}/health/items/{{item_id}}/verify", path=at, body={"passed": False}, expect=400
    )
    contract.call(
        op,
        "post",
        f"{P}/health/items/{{item_id}}/verify",
        path=at,
        body={"passed": True, "note": "核实"},
        expect=200,
    )
    contract.call(
        op, "post", f"{P}/health/items/{{item_id}}/verify", path=at, body={"passed": True}, expect=409
    )
    appeals = contract.call(op, "get", f"{P}/health/appeals", expect=200)
    aid = {"appeal_id": appeals["items"][0]["id"]}
    decide = f"{P}/health/appeals/{{appeal_id}}/decide"
    contract.call(op, "post", decide, path=aid, body={"decision": "maybe", "note": "x"}, expect=422)
    contract.call(
        op, "post", decide, path=aid, body={"decision": "overturn", "note": "核实为买家原因"}, expect=200
    )
    contract.call(op, "post", decide, path=aid, body={"decision": "uphold", "note": "重复"}, expect=409)
    contract.call(op, "get", f"{P}/health/appeals", query={"status": "overturned"}, expect=200)
    body = {
        "code": "returns",
        "title": "退货规则",
        "body": "商家应在收到退货后及时退款。",
        "effective_at": (timezone.now() + timedelta(days=1)).isoformat(),
    }
    rule = contract.call(op, "post", f"{P}/health/rules", body=body, expect=201)
    contract.call(op, "post", f"{P}/health/rules", body={**body, "code": "坏编号"}, expect=400)
    contract.call(op, "get", f"{P}/health/rules", expect=200)
    from wanshang.health.services import rule_acknowledge

    rule_acknowledge(shop=shop, actor=shop.owner, rule_id=rule["id"])
    contract.call(op, "get", f"{P}/health/rules/{{rule_id}}/acks", path={"rule_id": rule["id"]}, expect=200)
    contract.call(op, "get", f"{P}/health/rules/{{rule_id}}/acks", path={"rule_id": 999_999}, expect=404)
