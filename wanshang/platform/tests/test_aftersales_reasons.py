"""The platform edits the after-sales reasons on its page and through the API; buyers see the change."""

import pytest

from wanshang.aftersales.selectors import reason_list

pytestmark = pytest.mark.django_db


def test_operator_adds_and_edits_a_reason_on_the_page(op_client):
    page = op_client.get("/platform/aftersales/reasons/").content.decode()
    assert 'data-reason="质量问题"' in page and 'data-reason="七天无理由"' in page
    bad = op_client.post("/platform/aftersales/reasons/", {"name": "坏", "fault": "shop", "position": 0})
    assert bad.status_code == 400
    op_client.post(
        "/platform/aftersales/reasons/",
        {"name": "包装破损", "fault": "shop", "for_return": "on", "active": "on", "position": 5},
    )
    row = next(r for r in reason_list(active_only=False) if r.name == "包装破损")
    assert row.for_return and not row.for_refund_only and row.fault == "shop"
    op_client.post(
        f"/platform/aftersales/reasons/{row.pk}/",
        {"name": "包装破损", "fault": "shop", "for_return": "on", "position": 5},
    )
    assert "包装破损" not in {r.name for r in reason_list()}  # switched off: buyers no longer see it


def test_reasons_api(client, operator, buyer):
    client.force_login(operator)
    listed = client.get("/api/platform/aftersales/reasons").json()
    assert listed["count"] >= 7
    made = client.post(
        "/api/platform/aftersales/reasons",
        {"name": "发票问题", "fault": "shop", "for_refund_only": True},
        content_type="application/json",
    )
    assert made.status_code == 201
    dup = client.post(
        "/api/platform/aftersales/reasons",
        {"name": "发票问题", "fault": "shop", "for_refund_only": True},
        content_type="application/json",
    )
    assert dup.status_code == 400 and "同名" in dup.json()["detail"]
    client.force_login(buyer)
    assert client.get("/api/platform/aftersales/reasons").status_code == 403
