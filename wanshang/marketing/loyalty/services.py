"""The points ledger (积分: earned on completed orders, spent at checkout, given back with cancellations and
refunds) and shop member levels (店铺会员).
"""

from django.conf import settings
from django.db import transaction
from django.db.models import F

from wanshang.common.errors import Conflict, ValidationError
from wanshang.common.money import allocate
from wanshang.marketing.loyalty.selectors import points_returned
from wanshang.marketing.models import MemberLevel, PointsAccount, PointsEntry
from wanshang.marketing.promotions.services import promotions_changed


def points_change(
    *, user, delta: int, reason: str, order=None, note: str = "", ref: str = ""
) -> PointsEntry | None:
    """Add (or with a negative delta, take) points; the balance never goes below zero.

    `ref` ("earn:<order id>", "refund:<refund id>" …) makes an entry happen once however often it is called.
    """
    if delta == 0:
        return None
    if ref and PointsEntry.objects.filter(ref=ref).exists():
        return None
    PointsAccount.objects.get_or_create(user=user)
    qs = PointsAccount.objects.filter(user=user)
    if delta < 0:
        qs = qs.filter(balance__gte=-delta)
    if not qs.update(balance=F("balance") + delta):
        raise Conflict("积分余额不足，请刷新后重试")
    balance = PointsAccount.objects.get(user=user).balance
    return PointsEntry.objects.create(
        user=user, delta=delta, balance_after=balance, reason=reason, order=order, note=note[:100], ref=ref
    )


def order_completed(*, order) -> None:
    """Points earned: POINTS_EARN_PER_YUAN per whole yuan the buyer paid for goods (freight excluded)."""
    goods_paid = order.total_fen - order.freight_fen
    points = goods_paid // 100 * settings.WANSHANG["POINTS_EARN_PER_YUAN"]
    if points > 0:
        points_change(
            user=order.buyer,
            delta=points,
            reason="earn",
            order=order,
            note=f"订单 {order.no} 完成",
            ref=f"earn:{order.pk}",
        )


def _compensate(*, order, points: int, note: str, ref: str) -> None:
    """Points the platform pays a buyer for a shop's failing (the shop was charged in its ledger), once per `ref`."""
    if points > 0:
        points_change(user=order.buyer, delta=points, reason="compensate", order=order, note=note, ref=ref)


def late_shipment_compensate(*, order, points: int) -> None:
    """延迟发货: the buyer's compensation as points, once per order."""
    _compensate(order=order, points=points, note=f"订单 {order.no} 延迟发货赔付", ref=f"late:{order.pk}")


def return_freight_compensate(*, order, case_no: str, points: int) -> None:
    """A shop's-fault return: the buyer's return postage as points, once per after-sales case."""
    _compensate(order=order, points=points, note=f"售后 {case_no} 退货运费补偿", ref=f"freight:{case_no}")


def points_give_back(*, order, refunded: bool) -> None:
    """Points spent on a cancelled or refunded order come back in full (less what partial refunds returned)."""
    left = order.points_used - points_returned(order=order)
    if left > 0:
        points_change(
            user=order.buyer,
            delta=left,
            reason="return",
            order=order,
            note=f"订单 {order.no} {'退款' if refunded else '取消'}退回",
            ref=f"return:{order.pk}",
        )


def partial_refund_released(*, order, refund_no: str, refund_id: int) -> None:
    """A partial refund: the points spent come back in proportion to the goods refunded so far (coupons stay used
    until the whole order is refunded)."""
    if not order.points_used:
        return
    goods_total = sum(order.lines.values_list("payable_fen", flat=True))
    refunded_goods = sum(order.lines.values_list("refunded_fen", flat=True))  # includes this refund
    due = allocate(order.points_used, [refunded_goods, max(goods_total - refunded_goods, 0)])[0]
    give = due - points_returned(order=order)
    if give > 0:
        points_change(
            user=order.buyer,
            delta=give,
            reason="return",
            order=order,
            note=f"退款 {refund_no} 按比例退回",
            ref=f"refund:{refund_id}",
        )


def earned_points_reverse(*, order, refund_no: str, refund_id: int) -> None:
    """A refund of a completed order takes back the points its refunded goods earned: the order keeps what its
    goods still paid for would earn (order_completed's rule), less what earlier refunds took back already.
    Points the buyer has spent since stay spent: at most the balance is taken (the balance never goes below
    zero), and the note says how many could not be."""
    earned = sum(
        PointsEntry.objects.filter(order=order, reason="earn", ref=f"earn:{order.pk}").values_list(
            "delta", flat=True
        )
    )
    if earned <= 0:
        return  # not completed yet (nothing earned): refunds before completion simply earn less
    refunded_goods = sum(order.lines.values_list("refunded_fen", flat=True))  # includes this refund
    goods_kept = max(order.total_fen - order.freight_fen - refunded_goods, 0)
    keep = goods_kept // 100 * settings.WANSHANG["POINTS_EARN_PER_YUAN"]
    taken = -sum(PointsEntry.objects.filter(order=order, reason="reverse").values_list("delta", flat=True))
    owed = earned - keep - taken
    if owed <= 0:
        return
    balance = PointsAccount.objects.filter(user=order.buyer).values_list("balance", flat=True).first() or 0
    take = min(owed, balance)
    if take > 0:
        short = f"，余额不足未扣 {owed - take} 分" if take < owed else ""
        points_change(
            user=order.buyer,
            delta=-take,
            reason="reverse",
            order=order,
            note=f"退款 {refund_no} 扣回赠送积分{short}",
            ref=f"reverse:{refund_id}",
        )


# --- member levels ---------------------------------------------------------------------------------------------


def member_levels_save(*, shop, levels: list[dict]) -> list[MemberLevel]:
    """Replace the shop's membership levels: [{"rank", "name", "min_spend_fen", "min_points"}], ranks 1..9."""
    if not isinstance(levels, list) or len(levels) > 9:
        raise ValidationError("最多设置 9 个会员等级", field="levels")
    cleaned = []
    for raw in levels:
        try:
            rank = int(raw["rank"])
            spend = int(raw.get("min_spend_fen") or 0)
            points = int(raw.get("min_points") or 0)
        except (KeyError, TypeError, ValueError):
            raise ValidationError("会员等级格式错误", field="levels") from None
        name = str(raw.get("name") or "").strip()
        if not 1 <= rank <= 9 or not 1 <= len(name) <= 20 or spend < 0 or points < 0:
            raise ValidationError("等级须为 1–9，名称 1–20 字，门槛不能为负", field="levels")
        cleaned.append((rank, name, spend, points))
    ranks = [c[0] for c in cleaned]
    if len(set(ranks)) != len(ranks):
        raise ValidationError("会员等级不能重复", field="levels")
    cleaned.sort()
    for (_, _, s1, p1), (_r2, n2, s2, p2) in zip(cleaned, cleaned[1:], strict=False):
        if s2 < s1 or p2 < p1:
            raise ValidationError(f"“{n2}”的门槛不能低于上一等级", field="levels")
    with transaction.atomic():
        MemberLevel.objects.for_shop(shop).delete()
        levels = MemberLevel.objects.bulk_create(
            [MemberLevel(shop=shop, rank=r, name=n, min_spend_fen=s, min_points=p) for r, n, s, p in cleaned]
        )
        promotions_changed(shop_id=shop.pk)
    return levels
