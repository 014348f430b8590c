"""The 消息中心 part of tests/test_api_responses.py: /api/seller/inbox…, called with a shop message (an item the
体检中心 opened) and a platform broadcast (a rule version), plus refusals: bad filters, another shop's id."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone


def seller_inbox(contract, owner, B: str, shop, operator, stranger) -> None:
    from django.test import TestCase

    from wanshang.health.services import item_open, rule_publish

    with TestCase.captureOnCommitCallbacks(execute=True):
        item_open(shop_id=shop.pk, kind="late_shipment", title="延迟发货率")
        rule_publish(
            actor=operator,
            code="inbox-contract",
            title="消息中心契约规则",
            body="契约测试用的平台规则正文。",
            effective_at=timezone.now() + timedelta(days=1),
        )
    page = contract.call(owner, "get", f"{B}/inbox/messages", expect=200)
    assert page["count"] >= 2 and page["unread_count"] >= 2
    contract.call(owner, "get", f"{B}/inbox/messages", query={"kind": "rule", "unread": "true"}, expect=200)
    contract.call(owner, "get", f"{B}/inbox/messages", query={"kind": "spam"}, expect=422)
    contract.call(owner, "get", f"{B}/inbox/unread-count", expect=200)
    first = next(m["id"] for m in page["items"] if not m["broadcast"])  # the shop's own
    read = f"{B}/inbox/messages/{{message_id}}/read"
    contract.call(stranger, "post", read, path={"message_id": first}, expect=404)  # another shop's
    contract.call(owner, "post", read, path={"message_id": first}, expect=200)
    contract.call(owner, "post", read, path={"message_id": 10**9}, expect=404)
    contract.call(owner, "post", f"{B}/inbox/read-all", query={"kind": "health"}, expect=200)
    contract.call(owner, "post", f"{B}/inbox/read-all", query={"kind": "spam"}, expect=422)
    contract.call(owner, "post", f"{B}/inbox/read-all", expect=200)
    contract.call(Client(), "get", f"{B}/inbox/unread-count", expect=401)
