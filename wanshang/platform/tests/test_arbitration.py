"""平台介入 on the three faces: the buyer escalates on the case page, the shop answers in the thread, the operator
decides on the queue's case page (a partial refund in yuan) or through the API; isolation of the thread."""

import uuid

import pytest
from django.test import Client

from wanshang.aftersales.selectors import reason_list, shop_dispute_stats
from wanshang.aftersales.services import case_open, case_reject
from wanshang.checkout.services import checkout_submit
from wanshang.payments.services import sandbox_pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def rejected(buyer, make_shop, make_product, make_address):
    shop = make_shop(name="仲裁测试店")
    sku = make_product(shop, title="紫砂壶", prices=(20000,), stock=5).skus.get()
    payment = checkout_submit(
        user=buyer,
        items=[(sku.pk, 1)],
        address_id=make_address(buyer).pk,
        idempotency_key=uuid.uuid4().hex,
        from_cart=False,
    )
    sandbox_pay(buyer=buyer, payment_no=payment.no)
    order = payment.orders.get()
    why = next(r.pk for r in reason_list(case_type="refund_only") if r.name == "描述不符")
    case = case_open(
        buyer=buyer,
        order_id=order.pk,
        case_type="refund_only",
        lines=[(order.lines.get().pk, 1)],
        reason_id=why,
    )
    case_reject(shop=shop, case_id=case.pk, actor=shop.owner, reason="与描述一致")
    return shop, case


def _as(user):
    c = Client()
    c.force_login(user)
    return c


def test_escalate_answer_and_partial_refund_on_the_pages(buyer, operator, rejected):
    shop, case = rejected
    b, s, p = _as(buyer), _as(shop.owner), _as(operator)
    page = b.get(f"/aftersales/{case.pk}/").content.decode()
    assert "申请平台介入" in page
    b.post(f"/aftersales/{case.pk}/escalate/", {"text": "壶身颜色与图片差别很大"})
    case.refresh_from_db()
    assert case.status == "arbitrating"
    s.post(f"/seller/aftersales/{case.pk}/messages/", {"text": "图片为自然光拍摄"})
    assert 'data-message-role="seller"' in b.get(f"/aftersales/{case.pk}/").content.decode()
    assert case.no in p.get("/platform/aftersales/").content.decode()
    detail = p.get(f"/platform/aftersales/{case.pk}/").content.decode()
    assert "图片为自然光拍摄" in detail and "data-dispute-stats" in detail
    bad = p.post(
        f"/platform/aftersales/{case.pk}/",
        {"decision": "refund_partial", "amount": "300", "note": "色差补偿"},
    )
    assert bad.status_code == 400 and "部分退款金额" in bad.content.decode()
    p.post(
        f"/platform/aftersales/{case.pk}/",
        {"decision": "refund_partial", "amount": "50.00", "note": "色差补偿"},
    )
    case.refresh_from_db()
    assert case.status == "done" and case.refunds.get().amount_fen == 5000
    assert shop_dispute_stats(shop_id=shop.pk)["lost"] == 1


def test_platform_api_and_thread_isolation(buyer, operator, make_user, make_shop, rejected):
    shop, case = rejected
    b = _as(buyer)
    r = b.post(
        f"/api/store/cases/{case.pk}/escalate", {"text": "商家拒绝不合理"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["status"] == "arbitrating"
    other = make_shop()
    assert _as(other.owner).post(f"/seller/aftersales/{case.pk}/messages/", {"text": "x"}).status_code == 404
    assert (
        _as(make_user())
        .post(f"/api/store/cases/{case.pk}/messages", {"text": "x"}, content_type="application/json")
        .status_code
        == 404
    )
    p = _as(operator)
    queue = p.get("/api/platform/aftersales/arbitration").json()
    assert [c["id"] for c in queue["items"]] == [case.pk]
    decided = p.post(
        f"/api/platform/aftersales/cases/{case.pk}/decide",
        {"decision": "reject", "note": "商品与描述相符"},
        content_type="application/json",
    ).json()
    assert decided["status"] == "closed" and decided["arbitration_decision"] == "reject"
    stats = p.get(f"/api/platform/aftersales/shops/{shop.pk}/disputes").json()
    assert stats == {"disputes": 1, "decided": 1, "lost": 0, "loss_rate": 0.0}
    assert _as(buyer).get("/api/platform/aftersales/arbitration").status_code == 403
