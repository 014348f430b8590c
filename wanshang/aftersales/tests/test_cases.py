"""After-sales cases through the services: each type end to end, the rules that refuse, the audit trail."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from wanshang.aftersales.models import Case, CaseEvent, Refund
from wanshang.aftersales.services import (
    case_approve,
    case_cancel,
    case_open,
    case_reject,
    case_return_receive,
    case_return_ship,
    cases_approve_bulk,
    reason_save,
    refunds_retry,
)
from wanshang.common.errors import Conflict, InvalidTransition, NotFound, ValidationError
from wanshang.inventory.selectors import available_by_sku
from wanshang.orders.services import order_ship
from wanshang.payments.models import SettlementEntry

pytestmark = pytest.mark.django_db


def _png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, "PNG")
    return SimpleUploadedFile("evidence.png", buf.getvalue(), content_type="image/png")


def _line(order, title):
    return order.lines.get(title=title)


def test_refund_only_unshipped_is_approved_and_the_money_lands(order, reason):
    cup = _line(order, "陶瓷杯")
    case = case_open(
        buyer=order.buyer,
        order_id=order.pk,
        case_type="refund_only",
        lines=[(cup.pk, 2)],
        reason_id=reason("拍错/多拍").pk,
        description="多拍了两个",
        images=[_png()],
    )
    assert case.status == "requested" and case.amount_fen == 6000 and case.deadline_at is not None
    assert (
        case.evidence.get().asset.shop_id == order.shop_id
    )  # stored as the shop's asset, uploaded by the buyer
    assert case.evidence.get().uploaded_by == order.buyer
    assert case.evidence.get().asset.source == "buyer"  # the shop may show it with the case, not on products
    before = available_by_sku(sku_ids=[cup.sku_id])[cup.sku_id]
    case = case_approve(shop=order.shop, case_id=case.pk, actor=order.shop.owner)
    assert case.status == "done"
    refund = case.refunds.get()
    assert refund.status == "refunded" and refund.amount_fen == 6000 and not refund.is_full
    cup.refresh_from_db()
    assert (cup.refunded_qty, cup.refunded_fen) == (2, 6000)
    assert available_by_sku(sku_ids=[cup.sku_id])[cup.sku_id] == before + 2  # unshipped: back on hand
    trail = list(CaseEvent.objects.filter(case=case).values_list("from_status", "to_status", "role"))
    assert trail == [
        ("", "requested", "buyer"),
        ("requested", "approved", "seller"),
        ("approved", "refunding", "seller"),
        ("refunding", "done", "system"),
    ]


def test_return_one_unit_of_a_received_order(order, receive, reason, address_book):
    receive(order)
    cup = _line(order, "陶瓷杯")
    sale = SettlementEntry.objects.get(order=order, kind="sale")
    case = case_open(
        buyer=order.buyer,
        order_id=order.pk,
        case_type="return_refund",
        lines=[{"line_id": cup.pk, "quantity": 1}],
        reason_id=reason("七天无理由").pk,
    )
    case = case_approve(shop=order.shop, case_id=case.pk, actor=order.shop.owner)
    assert case.status == "awaiting_return" and case.return_address["contact"] == "王仓管"
    case = case_return_ship(buyer=order.buyer, case_id=case.pk, carrier="ZTO", tracking_no="ZT778899001")
    assert case.status == "return_shipped"
    before = available_by_sku(sku_ids=[cup.sku_id])[cup.sku_id]
    case = case_return_receive(shop=order.shop, case_id=case.pk, actor=order.shop.owner)
    assert case.status == "done"
    assert case.refunds.get().amount_fen == 3000
    assert available_by_sku(sku_ids=[cup.sku_id])[cup.sku_id] == before + 1
    order.refresh_from_db()
    assert order.status == "completed"  # a partial return leaves the order as it was
    reversal = SettlementEntry.objects.get(order=order, kind="refund")
    assert reversal.gross_fen == -3000 and reversal.net_fen < 0
    sale.refresh_from_db()
    assert sale.gross_fen == order.total_fen  # the sale row is never edited


def test_return_for_an_unshipped_order_is_refused_and_nothing_is_written(order, reason):
    with pytest.raises(Conflict, match="尚未发货"):
        case_open(
            buyer=order.buyer,
            order_id=order.pk,
            case_type="return_refund",
            lines=[(_line(order, "陶瓷杯").pk, 1)],
            reason_id=reason("质量问题").pk,
        )
    assert not Case.objects.exists()


def test_quantity_above_what_remains_and_units_held_by_an_open_case(order, reason):
    cup = _line(order, "陶瓷杯")
    args = dict(
        buyer=order.buyer, order_id=order.pk, case_type="refund_only", reason_id=reason("不想要了").pk
    )
    with pytest.raises(ValidationError, match="1–3"):
        case_open(lines=[(cup.pk, 4)], **args)
    case_open(lines=[(cup.pk, 2)], **args)
    with pytest.raises(ValidationError, match="1–1"):
        case_open(lines=[(cup.pk, 2)], **args)
    second = case_open(lines=[(cup.pk, 1)], **args)  # the last unit is free
    with pytest.raises(ValidationError, match="已全部退款或在售后中"):
        case_open(lines=[(cup.pk, 1)], **args)
    case_cancel(buyer=order.buyer, case_id=second.pk)
    case_open(lines=[(cup.pk, 1)], **args)  # a cancelled case frees its units
    assert Case.objects.filter(status="requested").count() == 2


def test_reason_must_be_offered_for_the_type_and_other_buyers_get_404(order, reason, make_user):
    cup = _line(order, "陶瓷杯")
    with pytest.raises(ValidationError, match="仅退款的原因"):
        case_open(
            buyer=order.buyer,
            order_id=order.pk,
            case_type="refund_only",
            lines=[(cup.pk, 1)],
            reason_id=reason("七天无理由").pk,
        )
    with pytest.raises(NotFound):
        case_open(
            buyer=make_user(),
            order_id=order.pk,
            case_type="refund_only",
            lines=[(cup.pk, 1)],
            reason_id=reason("不想要了").pk,
        )
    with pytest.raises(ValidationError, match="售后类型"):
        case_open(buyer=order.buyer, order_id=order.pk, case_type="steal", lines=[(cup.pk, 1)], reason_id=1)


def test_illegal_transitions_are_refused_with_both_states_named(order, reason):
    cup = _line(order, "陶瓷杯")
    case = case_open(
        buyer=order.buyer,
        order_id=order.pk,
        case_type="refund_only",
        lines=[(cup.pk, 1)],
        reason_id=reason("不想要了").pk,
    )
    with pytest.raises(InvalidTransition, match="当前为“待商家处理”，不能变为“退货寄回中”"):
        case_return_ship(buyer=order.buyer, case_id=case.pk, carrier="SF", tracking_no="SF0000001")
    with pytest.raises(InvalidTransition, match="不能变为“商家已收货”"):
        case_return_receive(shop=order.shop, case_id=case.pk, actor=order.shop.owner)
    case_reject(shop=order.shop, case_id=case.pk, actor=order.shop.owner, reason="商品已打包")
    with pytest.raises(InvalidTransition, match="当前为“商家已拒绝”"):
        case_cancel(buyer=order.buyer, case_id=case.pk)
    with pytest.raises(InvalidTransition):
        case_approve(shop=order.shop, case_id=case.pk, actor=order.shop.owner)
    assert Case.objects.get().reject_reason == "商品已打包"


def test_other_shop_cannot_touch_the_case(order, reason, make_shop):
    case = case_open(
        buyer=order.buyer,
        order_id=order.pk,
        case_type="refund_only",
        lines=[(_line(order, "杯垫").pk, 1)],
        reason_id=reason("不想要了").pk,
    )
    other = make_shop()
    with pytest.raises(NotFound):
        case_approve(shop=other, case_id=case.pk, actor=other.owner)
    case.refresh_from_db()
    assert case.status == "requested"


def test_shipping_is_refused_while_a_refund_pays_out_and_retry_finishes_it(order, reason, gateway_down):
    """The known defect: an approved full refund whose gateway call failed could be shipped."""
    case = case_open(
        buyer=order.buyer,
        order_id=order.pk,
        case_type="refund_only",
        lines=[(line.pk, line.quantity) for line in order.lines.all()],
        reason_id=reason("不想要了").pk,
    )
    case = case_approve(shop=order.shop, case_id=case.pk, actor=order.shop.owner)
    assert case.status == "refunding" and case.refunds.get().last_error == "渠道维护中"
    with pytest.raises(Conflict, match="退款完成前不能发货"):
        order_ship(
            shop=order.shop, order_id=order.pk, carrier="SF", tracking_no="SF1234567", actor=order.shop.owner
        )
    gateway_down.up()
    assert refunds_retry() == 1
    case.refresh_from_db()
    order.refresh_from_db()
    assert case.status == "done" and order.status == "refunded"


def test_retry_handles_each_row_on_its_own(make_order, reason, gateway_down, monkeypatch):
    from wanshang.aftersales import money

    orders = [make_order(), make_order()]
    for o in orders:
        c = case_open(
            buyer=o.buyer,
            order_id=o.pk,
            case_type="refund_only",
            lines=[(_line(o, "杯垫").pk, 1)],
            reason_id=reason("不想要了").pk,
        )
        case_approve(shop=o.shop, case_id=c.pk, actor=o.shop.owner)
    bad, good = Refund.objects.order_by("pk")
    gateway_down.up()
    real = money._finish

    def finish(refund, **kw):
        if refund.pk == bad.pk:
            raise RuntimeError("broken row")
        return real(refund, **kw)

    monkeypatch.setattr(money, "_finish", finish)
    assert refunds_retry() == 1
    bad.refresh_from_db()
    good.refresh_from_db()
    assert good.status == "refunded"
    assert bad.status == "processing" and "broken row" in bad.last_error
    monkeypatch.setattr(money, "_finish", real)
    assert refunds_retry() == 1  # the gateway row is keyed by refund: no second payment
    bad.refresh_from_db()
    assert bad.status == "refunded"


def test_bulk_approve_only_refund_only(order, receive, make_order, reason, address_book):
    a = case_open(
        buyer=order.buyer,
        order_id=order.pk,
        case_type="refund_only",
        lines=[(_line(order, "杯垫").pk, 1)],
        reason_id=reason("不想要了").pk,
    )
    shipped = make_order()
    receive(shipped)
    b = case_open(
        buyer=shipped.buyer,
        order_id=shipped.pk,
        case_type="return_refund",
        lines=[(_line(shipped, "杯垫").pk, 1)],
        reason_id=reason("质量问题").pk,
    )
    done, errors = cases_approve_bulk(shop=order.shop, case_ids=[a.pk, b.pk, 999999], actor=order.shop.owner)
    assert [c.pk for c in done] == [a.pk]
    assert errors[b.pk] == "批量同意只适用于仅退款" and errors[999999] == "售后单不存在"


def test_shop_fault_refunds_freight_once(order, shop, reason):
    from wanshang.orders.models import Order

    Order.objects.filter(pk=order.pk).update(freight_fen=800, total_fen=order.total_fen + 800)
    order.refresh_from_db()
    cup = _line(order, "陶瓷杯")
    case = case_open(
        buyer=order.buyer,
        order_id=order.pk,
        case_type="refund_only",
        lines=[(cup.pk, 1)],
        reason_id=reason("质量问题").pk,
    )
    assert case.amount_fen == 3000 + 800
    case_approve(shop=shop, case_id=case.pk, actor=shop.owner)
    rest = case_open(
        buyer=order.buyer,
        order_id=order.pk,
        case_type="refund_only",
        lines=[(cup.pk, 2), (_line(order, "杯垫").pk, 1)],
        reason_id=reason("质量问题").pk,
    )
    assert rest.amount_fen == 7000  # freight came back once already, even with the last units


def test_platform_edits_the_reason_list():
    row = reason_save(
        name="包装破损", fault="shop", for_refund_only=True, for_return=True, for_exchange=False
    )
    assert row.pk and row.fault == "shop"
    with pytest.raises(ValidationError, match="同名"):
        reason_save(name="包装破损", fault="shop", for_refund_only=True, for_return=False, for_exchange=False)
    with pytest.raises(ValidationError, match="至少选择一种"):
        reason_save(
            name="其它问题", fault="buyer", for_refund_only=False, for_return=False, for_exchange=False
        )


def test_a_refund_paying_out_counts_for_the_next_quote(order, shop, reason, gateway_down):
    """Unit 1 of a line paid 8999 for 3 is owed 3000, unit 2 2999: a second case quoted while the first refund is
    still paying out must quote unit 2, not unit 1 again."""
    from wanshang.orders.models import OrderLine

    cup = _line(order, "陶瓷杯")
    OrderLine.objects.filter(pk=cup.pk).update(payable_fen=8999)
    why = reason("不想要了").pk
    first = case_open(
        buyer=order.buyer, order_id=order.pk, case_type="refund_only", lines=[(cup.pk, 1)], reason_id=why
    )
    case_approve(shop=shop, case_id=first.pk, actor=shop.owner)  # the gateway is down: paying out
    second = case_open(
        buyer=order.buyer, order_id=order.pk, case_type="refund_only", lines=[(cup.pk, 1)], reason_id=why
    )
    assert second.amount_fen == 2999
    case_approve(shop=shop, case_id=second.pk, actor=shop.owner)
    gateway_down.up()
    assert refunds_retry() == 2
    cup.refresh_from_db()
    assert (cup.refunded_qty, cup.refunded_fen) == (2, 5999)


def test_a_return_after_completion_takes_back_the_points_its_goods_earned(
    order, receive, reason, address_book
):
    """100 points earned on ¥100 of goods; each returned ¥30 cup takes back 30, never below a zero balance."""
    from wanshang.marketing.selectors import points_of
    from wanshang.marketing.services import points_change

    receive(order)
    assert points_of(user=order.buyer)[0] == 100
    cup = _line(order, "陶瓷杯")

    def return_one():
        case = case_open(
            buyer=order.buyer,
            order_id=order.pk,
            case_type="return_refund",
            lines=[{"line_id": cup.pk, "quantity": 1}],
            reason_id=reason("七天无理由").pk,
        )
        case_approve(shop=order.shop, case_id=case.pk, actor=order.shop.owner)
        case_return_ship(buyer=order.buyer, case_id=case.pk, carrier="ZTO", tracking_no="ZT778899001")
        return case_return_receive(shop=order.shop, case_id=case.pk, actor=order.shop.owner)

    return_one()
    assert points_of(user=order.buyer)[0] == 70
    points_change(user=order.buyer, delta=-60, reason="redeem", note="兑换")  # spent most of them meanwhile
    return_one()
    balance, entries = points_of(user=order.buyer)
    assert balance == 0  # 30 were owed, 10 could be taken
    assert entries[0].delta == -10 and "余额不足未扣 20 分" in entries[0].note


def _received_return(order, receive, reason, name):
    receive(order)
    cup = _line(order, "陶瓷杯")
    case = case_open(
        buyer=order.buyer,
        order_id=order.pk,
        case_type="return_refund",
        lines=[{"line_id": cup.pk, "quantity": 1}],
        reason_id=reason(name).pk,
    )
    return case_approve(shop=order.shop, case_id=case.pk, actor=order.shop.owner)


def test_a_shop_fault_return_pays_the_buyer_postage_from_the_shop(order, receive, reason, address_book):
    from wanshang.marketing.selectors import points_of

    case = _received_return(order, receive, reason, "质量问题")
    before = points_of(user=order.buyer)[0]
    with pytest.raises(ValidationError, match="退货运费须在"):
        case_return_ship(
            buyer=order.buyer, case_id=case.pk, carrier="SF", tracking_no="SF100200300", freight_fen=9999
        )
    case = case_return_ship(
        buyer=order.buyer, case_id=case.pk, carrier="SF", tracking_no="SF100200300", freight_fen=1200
    )
    assert case.return_freight_fen == 1200
    case = case_return_receive(shop=order.shop, case_id=case.pk, actor=order.shop.owner)
    charge = SettlementEntry.objects.get(order=order, kind="freight")
    assert (charge.net_fen, charge.ref, charge.status) == (-1200, case.no, "settleable")
    balance, entries = points_of(user=order.buyer)
    paid = next(e for e in entries if e.reason == "compensate")
    assert paid.delta == 1200 and case.no in paid.note  # ¥12 at the default 100 points a yuan
    assert balance - before == 1200 - 30  # less the 30 points the returned ¥30 cup had earned
    with pytest.raises(InvalidTransition):  # a second receipt is refused: nothing is paid twice
        case_return_receive(shop=order.shop, case_id=case.pk, actor=order.shop.owner)
    assert SettlementEntry.objects.filter(order=order, kind="freight").count() == 1


def test_postage_of_a_no_reason_return_is_the_buyers(order, receive, reason, address_book):
    case = _received_return(order, receive, reason, "七天无理由")
    with pytest.raises(ValidationError, match="退货运费由买家承担"):
        case_return_ship(
            buyer=order.buyer, case_id=case.pk, carrier="SF", tracking_no="SF100200300", freight_fen=800
        )
    case.refresh_from_db()
    assert case.status == "awaiting_return" and case.return_freight_fen == 0 and not case.return_tracking_no
