"""数据中心 · 售后分析 from real cases: 退款率, 纠纷率, 平均退款时长 and reasons per product (insights.aftersales),
the seller page and the API; another shop's cases never count."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.aftersales.services import case_approve, case_arbitrate, case_escalate, case_open, case_reject
from wanshang.common.errors import ValidationError
from wanshang.insights.aftersales import aftersales_board

pytestmark = pytest.mark.django_db


def _open(order, title, qty, reason_obj, kind="refund_only"):
    line = order.lines.get(title=title)
    return case_open(
        buyer=order.buyer, order_id=order.pk, case_type=kind, lines=[(line.pk, qty)], reason_id=reason_obj.pk
    )


@pytest.fixture
def scene(make_order, shop, reason, operator, make_shop):
    """Two orders (4 paid lines): a refund of 2 cups, a dispute lost over the coaster, a rejected case."""
    first = make_order()
    second = make_order(items=[(line.sku_id, 1) for line in first.lines.all()])  # the same two products
    refunded = _open(first, "陶瓷杯", 2, reason("拍错/多拍"))
    case_approve(shop=shop, case_id=refunded.pk, actor=shop.owner)
    lost = _open(first, "杯垫", 1, reason("少件/错发"))
    case_reject(shop=shop, case_id=lost.pk, actor=shop.owner, reason="已按订单发全")
    case_escalate(buyer=first.buyer, case_id=lost.pk, text="确实少了一个")
    case_arbitrate(operator=operator, case_id=lost.pk, decision="refund_full", note="重量不符")
    kept = _open(second, "陶瓷杯", 1, reason("拍错/多拍"))
    case_reject(shop=shop, case_id=kept.pk, actor=shop.owner, reason="已发货")
    other = make_shop(name="别家店")  # another shop's case must not count
    theirs = make_order(the_shop=other)
    case_approve(shop=other, case_id=_open(theirs, "陶瓷杯", 1, reason("拍错/多拍")).pk, actor=other.owner)
    return {"first": first, "second": second}


def test_the_board_counts_lines_disputes_time_and_reasons(scene, shop):
    board = aftersales_board(shop=shop, days=30)
    assert board.paid_lines == 4  # 2 lines in each order
    assert board.refunded_lines == 2  # the cups of the first order and its coaster
    assert board.refund_rate == pytest.approx(2 / 4)
    assert board.refunds == 2 and board.refund_fen == 6000 + 1000
    assert board.disputes_lost == 1 and board.dispute_rate == pytest.approx(1 / 4)
    assert board.cases_opened == 3
    assert board.avg_refund_hours is not None and board.avg_refund_hours >= 0
    by_title = {p.title: p for p in board.products}
    assert by_title["陶瓷杯"].cases == 2
    assert by_title["陶瓷杯"].reasons == [("拍错/多拍", 2)]
    assert by_title["杯垫"].reasons == [("少件/错发", 1)]
    assert [p.title for p in board.products] == ["陶瓷杯", "杯垫"]  # most cases first


def test_the_period_leaves_out_what_happened_before_it_and_rejects_odd_lengths(scene, shop):
    later = aftersales_board(shop=shop, days=7, now=timezone.now() + timedelta(days=8))
    assert (later.paid_lines, later.refunds, later.cases_opened, later.refund_rate) == (0, 0, 0, None)
    assert later.avg_refund_hours is None and later.products == []
    with pytest.raises(ValidationError, match="统计周期"):
        aftersales_board(shop=shop, days=14)


def test_the_seller_page_and_api_show_the_board(scene, shop, client):
    client.force_login(shop.owner)
    page = client.get("/seller/data/aftersales/?days=30")
    assert page.status_code == 200
    html = page.content.decode()
    assert "50.00%" in html and "25.00%" in html and "拍错/多拍 · 2" in html
    assert client.get("/seller/data/aftersales/?days=abc").status_code == 200  # falls back to 30 days
    data = client.get("/api/seller/data/aftersales?days=30").json()
    assert (data["paid_lines"], data["refunded_lines"], data["disputes_lost"]) == (4, 2, 1)
    assert data["products"][0]["reasons"] == [{"reason": "拍错/多拍", "cases": 2}]
    bad = client.get("/api/seller/data/aftersales?days=14")
    assert bad.status_code == 400 and "统计周期" in bad.json()["detail"]
    assert client.get("/api/seller/data/aftersales?days=x").status_code == 422


def test_another_shop_sees_only_its_own_figures(scene, make_shop, client):
    stranger = make_shop(name="路人店")
    client.force_login(stranger.owner)
    data = client.get("/api/seller/data/aftersales").json()
    assert (data["paid_lines"], data["refunds"], data["cases_opened"], data["products"]) == (0, 0, 0, [])
