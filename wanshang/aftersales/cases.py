"""After-sales cases (售后单): 仅退款, 退货退款 and 换货 on some units of one order, through one state machine
(transitions.py). Re-exported by services.py; the rules are in docs/aftersales.md.

Locks: the order row, then its lines (id order), then the case — every write here and in money.py takes them in
that order. A case holds its units while it is open, so no two open cases ever claim the same unit; a case's
refund is quoted from the committed shares under the same locks (money.py), and its money goes back through
the gateway after the commit.
"""

import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from wanshang.aftersales.instant import InstantVerdict, instant_refund_record, instant_refund_verdict
from wanshang.aftersales.models import (
    OPEN_STATES,
    Case,
    CaseEvent,
    CaseEvidence,
    CaseLine,
    CaseReason,
    CaseStatus,
    CaseType,
    Refund,
    ReturnAddress,
)
from wanshang.aftersales.money import refund_pay_back, refund_quote
from wanshang.aftersales.risk import (
    bulk_friction,
    buyer_risk,
    case_override_record,
    case_risk_store,
    open_friction,
    risk_decision_record,
    stored_assessment,
)
from wanshang.aftersales.seed import seed_reasons
from wanshang.aftersales.transitions import case_transition, deadline_for
from wanshang.catalog.selectors import skus_by_ids
from wanshang.common import events
from wanshang.common.domain_events import ReturnFreightCompensated
from wanshang.common.errors import Conflict, NotFound, ValidationError
from wanshang.common.money import allocate, fen_to_yuan_str
from wanshang.common.numbers import new_no
from wanshang.fulfillment.types import Carrier
from wanshang.inventory.services import Allocation, stock_confirm, stock_release, stock_reserve, stock_return
from wanshang.media.services import image_upload
from wanshang.orders.selectors import buyer_order_get, order_facts
from wanshang.orders.selectors import no_reason_return_open as order_no_reason_return_open
from wanshang.orders.services import fen_to_points, order_lines_lock, order_lock, points_to_fen
from wanshang.orders.types import OrderStatus
from wanshang.payments.services import SETTLEMENT_KIND_RETURN_FREIGHT, settlement_charge
from wanshang.shipping.selectors import shipped_units_by_line

C, S, T = CaseStatus, OrderStatus, CaseType
TRACKING_RE = re.compile(r"^[A-Za-z0-9-]{6,40}$")
MAX_IMAGES = 9


def no_reason_return_open(*, line, now) -> bool:
    """七天无理由: may this line still be returned without a reason? The orders app decides from the snapshot taken
    at placement (eligible goods) and the receipt (7 days counted from the day after it): docs/aftersales-rules.md."""
    return order_no_reason_return_open(line=line, now=now)


# --- opening a case ----------------------------------------------------------------------------------------------


def _parse_lines(raw) -> list[tuple[int, int]]:
    out = []
    try:
        for item in raw or []:
            if isinstance(item, dict):
                out.append((int(item["line_id"]), int(item["quantity"])))
            else:
                out.append((int(item[0]), int(item[1])))
    except (KeyError, TypeError, ValueError, IndexError):
        raise ValidationError("售后商品格式错误", field="lines") from None
    out = [(line_id, qty) for line_id, qty in out if qty != 0]
    if not out:
        raise ValidationError("请选择要申请售后的商品和数量", field="lines")
    return out


def claimed_units(*, order, order_lines) -> dict[int, int]:
    """Units of each line no new case may take: refunded, paying out in a plain refund, or held by an open case."""
    claimed = {line.pk: line.refunded_qty for line in order_lines}
    for lines in Refund.objects.filter(
        order_id=order.pk, case__isnull=True, status__in=[Refund.Status.REQUESTED, Refund.Status.PROCESSING]
    ).values_list("lines", flat=True):
        for line_id, qty, _amount in lines:
            claimed[line_id] = claimed.get(line_id, 0) + qty
    for line_id, qty in CaseLine.objects.filter(
        case__order_id=order.pk, case__status__in=OPEN_STATES
    ).values_list("order_line_id", "quantity"):
        claimed[line_id] = claimed.get(line_id, 0) + qty
    return claimed


def _check_order(order, case_type: str, now) -> None:
    if order.status in (S.PENDING_PAYMENT, S.CANCELLED, S.REFUNDED):
        raise Conflict(f"订单当前为“{S(order.status).label}”，不能申请售后")
    if case_type != T.REFUND_ONLY and order.status == S.PAID:
        raise Conflict("订单尚未发货，不能申请退货退款或换货；未发货的订单请申请仅退款")
    if order.status == S.COMPLETED and order.completed_at:
        days = settings.WANSHANG["AFTERSALES_WINDOW_DAYS"]
        if (now - order.completed_at).days >= days:
            raise Conflict(f"订单已超过售后期限（交易成功后 {days} 天）")
    if Refund.objects.filter(
        order_id=order.pk, case__isnull=True, status__in=[Refund.Status.REQUESTED, Refund.Status.PROCESSING]
    ).exists():
        raise Conflict("该订单有进行中的退款申请，请等待商家处理")


def _check_reason(reason_id, case_type: str) -> CaseReason:
    try:
        reason = CaseReason.objects.filter(pk=int(reason_id), active=True).first()
    except (TypeError, ValueError):
        reason = None
    if reason is None or not reason.offered_for(case_type):
        raise ValidationError(f"请选择{T(case_type).label}的原因", field="reason")
    return reason


def _check_units(order, order_lines, wanted, *, reason, now) -> None:
    by_id = {line.pk: line for line in order_lines}
    claimed = claimed_units(order=order, order_lines=order_lines)
    asked: dict[int, int] = {}
    for line_id, qty in wanted:
        line = by_id.get(line_id)
        if line is None:
            raise ValidationError("售后商品不属于该订单", field="lines")
        left = line.quantity - claimed[line_id] - asked.get(line_id, 0)
        if not 1 <= qty <= left:
            raise ValidationError(
                f"“{line.title}”可申请售后数量为 1–{left} 件"
                if left > 0
                else f"“{line.title}”已全部退款或在售后中",
                field="lines",
            )
        if reason is not None and reason.no_reason and not no_reason_return_open(line=line, now=now):
            raise ValidationError(f"“{line.title}”不支持七天无理由退货或已超过期限", field="reason")
        asked[line_id] = asked.get(line_id, 0) + qty


def _check_replacement(case_type: str, replacement_sku_id, order_lines, wanted) -> int | None:
    if case_type != T.EXCHANGE:
        return None
    lines = {line.pk: line for line in order_lines}
    if len(wanted) != 1:
        raise ValidationError("换货一次只能申请一种商品", field="lines")
    line = lines[wanted[0][0]]
    try:
        sku_id = int(replacement_sku_id or line.sku_id)
    except (TypeError, ValueError):
        raise ValidationError("请选择换货的规格", field="replacement_sku_id") from None
    sku = skus_by_ids(sku_ids=[sku_id]).get(sku_id)
    if sku is None or sku.product_id != line.product_id or not sku.is_active:
        raise ValidationError("换货只能换同一商品的其他规格", field="replacement_sku_id")
    return sku_id


def case_open(
    *,
    buyer,
    order_id,
    case_type: str,
    lines,
    reason_id,
    description: str = "",
    images=(),
    replacement_sku_id=None,
    now=None,
) -> Case:
    """The buyer opens an after-sales case on some units of their order.

    仅退款 for a paid order (unshipped, not received, or agreed without a return); 退货退款 and 换货 only once the
    order has shipped. Raises ValidationError (type, reason, quantity above what is left, description, images)
    or Conflict (order state, an open plain refund), NotFound for another buyer's order; nothing is written then.
    """
    now = now or timezone.now()
    if case_type not in T.values:
        raise ValidationError("请选择售后类型：仅退款、退货退款或换货", field="type")
    description = (description or "").strip()
    if len(description) > 500:
        raise ValidationError("问题描述最多 500 字", field="description")
    images = list(images or [])
    if len(images) > MAX_IMAGES:
        raise ValidationError(f"凭证图片最多 {MAX_IMAGES} 张", field="images")
    wanted = _parse_lines(lines)
    reason = _check_reason(reason_id, case_type)
    try:
        case, refund = _open(
            buyer, order_id, case_type, wanted, reason, description, images, replacement_sku_id, now
        )
    except _ReturnRequired as refused:
        risk_decision_record(  # the refusal rolled the case back; its audit row stands on its own
            assessment=refused.assessment,
            buyer_id=buyer.pk,
            shop_id=refused.shop_id,
            order_id=refused.order_id,
            role="system",
            action="open_return_required",
            outcome="已签收订单的仅退款须先退货：已提示买家改选退货退款",
        )
        raise ValidationError(refused.message, field="type") from None
    if (
        refund is not None
    ):  # 极速退款: the money goes back through the gateway after the commit, as on approval
        refund_pay_back(refund)
        case.refresh_from_db()
    return case


class _ReturnRequired(Exception):
    def __init__(self, assessment, message, *, shop_id, order_id):
        super().__init__(message)
        self.assessment, self.message, self.shop_id, self.order_id = assessment, message, shop_id, order_id


def _open(buyer, order_id, case_type, wanted, reason, description, images, replacement_sku_id, now):
    """The case (and, 极速退款, its processing refund) in one transaction under order → lines → case locks."""
    with transaction.atomic():
        order = order_lock(order_id, buyer=buyer)
        order_lines = order_lines_lock(order)
        _check_order(order, case_type, now)
        _check_units(order, order_lines, wanted, reason=reason, now=now)
        sku_id = _check_replacement(case_type, replacement_sku_id, order_lines, wanted)
        free = unshipped_free(order=order, order_lines=order_lines)  # before this case holds its units
        amount = 0
        if case_type != T.EXCHANGE:
            amount = refund_quote(
                order=order, lines=wanted, order_lines=order_lines, shop_fault=reason.fault == "shop"
            ).amount_fen
        case = Case.objects.create(
            no=new_no("AS", now),
            order=order,
            shop_id=order.shop_id,
            buyer=buyer,
            type=case_type,
            status=C.REQUESTED,
            reason=reason,
            reason_text=reason.name,
            shop_fault=reason.fault == CaseReason.Fault.SHOP,
            description=description,
            order_shipped=order.status != S.PAID,
            amount_fen=amount,
            replacement_sku_id=sku_id,
        )
        CaseLine.objects.bulk_create(
            [CaseLine(case=case, shop_id=order.shop_id, order_line_id=lid, quantity=q) for lid, q in wanted]
        )
        _open_audit(case, buyer=buyer, now=now)
        assessment = buyer_risk(buyer=buyer, now=now)  # sees this case too: the request is part of the record
        refusal = open_friction(assessment, case_type=case_type, order=order, reason_text=reason.name)
        if refusal:
            raise _ReturnRequired(assessment, refusal, shop_id=order.shop_id, order_id=order.pk)
        case_risk_store(case, assessment)
        _attach(case, images, user=buyer, role="buyer")
        refund = _instant(case, order, order_lines, wanted=wanted, free=free, assessment=assessment, now=now)
    return case, refund


def unshipped_free(*, order, order_lines) -> dict[int, int]:
    """Units of each line neither in a package nor claimed (refunded, paying out, held by an open case)."""
    claimed = claimed_units(order=order, order_lines=order_lines)
    shipped = shipped_units_by_line(order_id=order.pk)
    return {
        line.pk: max(line.quantity - claimed.get(line.pk, 0) - shipped.get(line.pk, 0), 0)
        for line in order_lines
    }


def _instant(case: Case, order, order_lines, *, wanted, free, assessment, now) -> Refund | None:
    """极速退款 (instant.py): a 仅退款 that qualifies is approved by the system and its refund started here, in
    the case's transaction under its locks; one that does not keeps its reasons and waits for the shop."""
    if case.type != T.REFUND_ONLY:
        return None
    verdict = instant_refund_verdict(
        buyer=case.buyer,
        order=order,
        case_type=case.type,
        wanted=wanted,
        unshipped_free=free,
        amount_fen=case.amount_fen,
        assessment=assessment,
        now=now,
    )
    instant_refund_record(case, verdict, assessment)
    if not verdict.eligible:
        return None
    case_transition(case, C.APPROVED, role="system", note="极速退款：符合条件，系统即时同意", now=now)
    return _start_refund(
        case, order=order, order_lines=order_lines, actor=None, role="system", note="极速退款处理中", now=now
    )


def case_instant_preview(
    *, buyer, order_id, case_type: str, lines, reason_id=None, now=None
) -> InstantVerdict:
    """The buyer's eligibility preview before submitting: the same decision `case_open` takes, on the order as it
    is now (no locks, nothing written). The case opened may still differ if the order changes in between.
    Raises as `case_open` does for bad input (type, lines, reason) and an order that takes no case."""
    now = now or timezone.now()
    if case_type not in T.values:
        raise ValidationError("请选择售后类型：仅退款、退货退款或换货", field="type")
    wanted = _parse_lines(lines)
    reason = _check_reason(reason_id, case_type) if reason_id not in (None, "") else None
    order = buyer_order_get(buyer=buyer, order_id=order_id)
    order_lines = list(order.lines.order_by("pk"))
    _check_order(order, case_type, now)
    _check_units(order, order_lines, wanted, reason=reason, now=now)
    if case_type != T.REFUND_ONLY:
        return InstantVerdict(eligible=False, reasons=(("not_refund_only", "极速退款只适用于仅退款"),))
    quote = refund_quote(
        order=order, lines=wanted, order_lines=order_lines, shop_fault=bool(reason and reason.fault == "shop")
    )
    return instant_refund_verdict(
        buyer=buyer,
        order=order,
        case_type=case_type,
        wanted=wanted,
        unshipped_free=unshipped_free(order=order, order_lines=order_lines),
        amount_fen=quote.amount_fen,
        assessment=buyer_risk(buyer=buyer, now=now),
        now=now,
    )


def _open_audit(case: Case, *, buyer, now) -> None:
    case.deadline_at = deadline_for(case, C.REQUESTED, now)
    case.save(update_fields=["deadline_at"])
    CaseEvent.objects.create(
        case=case,
        shop_id=case.shop_id,
        from_status="",
        to_status=C.REQUESTED,
        actor=buyer,
        role="buyer",
        note=f"买家申请{T(case.type).label}：{case.reason_text}",
    )


def _attach(case: Case, files, *, user, role: str, message=None) -> list[CaseEvidence]:
    """Store evidence images as assets of the case's shop (validated and cleaned by content in media)."""
    if len(files) > MAX_IMAGES:
        raise ValidationError(f"凭证图片最多 {MAX_IMAGES} 张", field="images")
    out = []
    source = (
        "shop" if role == "seller" else "buyer"
    )  # a buyer's (or the platform's) picture is not the shop's own
    for f in files:
        asset = image_upload(shop=case.shop, file=f, purpose="gallery", by=user, source=source)
        out.append(
            CaseEvidence.objects.create(
                case=case, shop_id=case.shop_id, asset=asset, uploaded_by=user, role=role
            )
        )
    return out


def case_evidence_add(*, case_id, user, role: str, files, shop=None) -> list[CaseEvidence]:
    """Buyer (their case) or shop (`shop`) adds evidence images to an open case."""
    files = list(files or [])
    if not files:
        raise ValidationError("请选择图片", field="images")
    qs = Case.objects.for_shop(shop) if shop is not None else Case.objects.filter(buyer=user)
    with transaction.atomic():
        case = qs.select_for_update().filter(pk=case_id).first()
        if case is None:
            raise NotFound("售后单不存在")
        if case.evidence.count() + len(files) > MAX_IMAGES * 2:
            raise ValidationError("凭证图片已达上限", field="images")
        return _attach(case, files, user=user, role=role)


# --- the parties' moves ------------------------------------------------------------------------------------------


def _locked(case_id, *, shop=None, buyer=None):
    """Order, its lines, then the case, locked in that order; scoped to the shop or the buyer. NotFound."""
    qs = Case.objects.for_shop(shop) if shop is not None else Case.objects.filter(buyer=buyer)
    order_id = qs.filter(pk=case_id).values_list("order_id", flat=True).first()
    if order_id is None:
        raise NotFound("售后单不存在")
    order = order_lock(order_id)
    order_lines = order_lines_lock(order)
    case = Case.objects.select_for_update().get(pk=case_id)
    return case, order, order_lines


def _start_refund(
    case: Case, *, order, order_lines, actor, role: str, note: str, now, amount_fen: int | None = None
) -> Refund:
    """The case's money leg: quote its units under the locks, open a processing refund, case → refunding.

    `amount_fen` (平台介入's partial refund, below the quote): that much money and no units — split over the
    case's lines in proportion to their quote, so the lines' refunded fen stay within what they were paid."""
    quote = refund_quote(
        order=order,
        lines=[(cl.order_line_id, cl.quantity) for cl in case.lines.all()],
        order_lines=order_lines,
        shop_fault=case.shop_fault,
    )
    if amount_fen is not None:
        shares = allocate(amount_fen, [max(a, 0) for _lid, _q, a in quote.lines] or [1])
        quote.lines = [[lid, 0, share] for (lid, _q, _a), share in zip(quote.lines, shares, strict=True)]
        quote.amount_fen, quote.freight_fen, quote.is_full = amount_fen, 0, False
    refund = Refund.objects.create(
        no=new_no("R", now),
        order=order,
        shop_id=order.shop_id,
        buyer_id=case.buyer_id,
        amount_fen=quote.amount_fen,
        lines=quote.lines,
        is_full=quote.is_full,
        freight_fen=quote.freight_fen,
        restock=amount_fen is None and (order.status == S.PAID or case.type == T.RETURN_REFUND),
        reason=f"售后 {case.no}：{case.reason_text}"[:200],
        status=Refund.Status.PROCESSING,
        case=case,
        decided_by=actor if getattr(actor, "pk", None) else None,
        decided_at=now,
    )
    case_transition(
        case,
        C.REFUNDING,
        actor=actor,
        role=role,
        note=note,
        now=now,
        extra_fields={"amount_fen": quote.amount_fen},
    )
    return refund


def _return_address(shop_id, address_id) -> dict:
    qs = ReturnAddress.objects.filter(shop_id=shop_id)
    address = qs.filter(pk=address_id).first() if address_id else qs.order_by("-is_default", "id").first()
    if address is None:
        raise ValidationError("请先在退货地址簿中添加退货地址", field="address_id")
    return address.snapshot()


def case_approve(
    *, shop, case_id, actor, address_id=None, role: str = "seller", note: str = "", now=None
) -> Case:
    """The shop agrees. 仅退款: the refund starts (money after the commit); 退货退款 / 换货: the buyer is asked to
    send the goods to a return address (`address_id`, else the shop's default). 换货 reserves the replacement."""
    now = now or timezone.now()
    refund = None
    with transaction.atomic():
        case, order, order_lines = _locked(case_id, shop=shop)
        case_transition(case, C.APPROVED, actor=actor, role=role, note=note or "同意申请", now=now)
        if role == "seller":
            case_override_record(
                case,
                action="seller_approve",
                actor=actor,
                role=role,
                outcome=f"商家审核后同意{T(case.type).label}",
            )
        if case.type == T.REFUND_ONLY:
            refund = _start_refund(
                case, order=order, order_lines=order_lines, actor=actor, role=role, note="退款处理中", now=now
            )
        else:
            address = _return_address(case.shop_id, address_id)
            if case.type == T.EXCHANGE:
                _reserve_replacement(case)
            case_transition(
                case,
                C.AWAITING_RETURN,
                actor=actor,
                role=role,
                note=f"请寄回：{address['address']}",
                now=now,
                extra_fields={"return_address": address},
            )
    if refund is not None:
        refund_pay_back(refund, actor=actor)
        case.refresh_from_db()
    return case


def _reserve_replacement(case: Case) -> None:
    qty = sum(cl.quantity for cl in case.lines.all())
    sku = skus_by_ids(sku_ids=[case.replacement_sku_id]).get(case.replacement_sku_id)
    allocations = stock_reserve(
        needs={case.replacement_sku_id: qty},
        order_ids={case.replacement_sku_id: case.order_id},
        names={case.replacement_sku_id: sku.product.title if sku else "换货商品"},
    )
    case.replacement_allocations = [[a.warehouse_id, a.quantity] for a in allocations]
    case.save(update_fields=["replacement_allocations"])


def case_reject(*, shop, case_id, actor, reason: str, now=None) -> Case:
    """The shop refuses, with a reason the buyer sees (the buyer may then ask the platform to step in)."""
    reason = (reason or "").strip()
    if not 2 <= len(reason) <= 200:
        raise ValidationError("请填写拒绝理由（2–200 字）", field="reason")
    with transaction.atomic():
        case, _order, _lines = _locked(case_id, shop=shop)
        case_transition(
            case,
            C.REJECTED,
            actor=actor,
            role="seller",
            note=reason,
            now=now,
            extra_fields={"reject_reason": reason},
        )
        case_override_record(
            case, action="seller_reject", actor=actor, role="seller", outcome=f"商家拒绝：{reason}"
        )
    return case


def case_cancel(*, buyer, case_id, now=None) -> Case:
    """The buyer withdraws a case the shop has not answered, or a return not yet sent."""
    with transaction.atomic():
        case, _order, _lines = _locked(case_id, buyer=buyer)
        case_transition(case, C.CANCELLED, actor=buyer, role="buyer", note="买家撤销申请", now=now)
        _release_replacement(case)
    return case


def _release_replacement(case: Case) -> None:
    """A 换货 that ends before the replacement ships gives its reserved units back (inside the locks)."""
    if case.type == T.EXCHANGE and case.replacement_allocations:
        stock_release(
            allocations=[
                Allocation(sku_id=case.replacement_sku_id, warehouse_id=w, quantity=q)
                for w, q in case.replacement_allocations
            ],
            order_id=case.order_id,
            reason=f"换货 {case.no} 取消",
        )
        case.replacement_allocations = []
        case.save(update_fields=["replacement_allocations"])


def case_return_ship(
    *, buyer, case_id, carrier: str, tracking_no: str, freight_fen: int = 0, now=None
) -> Case:
    """The buyer sent the goods back: carrier and tracking number, and for a return that is the shop's fault
    (quality, not as described, wrong or missing items) the postage they paid, which the shop pays back once
    it has the return (`_return_freight_compensate`). For the buyer's own reasons (七天无理由, 不想要了) the
    buyer pays the postage: claiming it is refused."""
    if carrier not in Carrier.values or carrier == Carrier.SELF:
        raise ValidationError("请选择快递公司", field="carrier")
    tracking_no = (tracking_no or "").strip()
    if not TRACKING_RE.match(tracking_no):
        raise ValidationError("运单号须为 6–40 位字母、数字或“-”", field="tracking_no")
    cap = settings.WANSHANG["AFTERSALES_RETURN_FREIGHT_CAP_FEN"]
    if isinstance(freight_fen, bool) or not isinstance(freight_fen, int) or not 0 <= freight_fen <= cap:
        raise ValidationError(f"退货运费须在 0–{fen_to_yuan_str(cap)} 元之间", field="freight_fen")
    with transaction.atomic():
        case, _order, _lines = _locked(case_id, buyer=buyer)
        if freight_fen and not case.shop_fault:
            raise ValidationError(
                f"“{case.reason_text}”属于买家原因，退货运费由买家承担，不能申请商家补偿", field="freight_fen"
            )
        note = f"{Carrier(carrier).label} {tracking_no}"
        if freight_fen:
            note += f"，垫付运费 ¥{fen_to_yuan_str(freight_fen)}"
        case_transition(
            case,
            C.RETURN_SHIPPED,
            actor=buyer,
            role="buyer",
            note=note,
            now=now,
            extra_fields={
                "return_carrier": carrier,
                "return_tracking_no": tracking_no,
                "return_freight_fen": freight_fen,
            },
        )
    return case


def _return_freight_compensate(case: Case, order, *, now) -> None:
    """The shop has a shop's-fault return: it pays the buyer's postage. A charge in its settlement ledger (once per
    case) and the buyer's points for it (ReturnFreightCompensated; marketing credits them once per case), in whole
    points' worth of fen, as the late-shipment compensation is paid."""
    amount = points_to_fen(fen_to_points(case.return_freight_fen)) if case.shop_fault else 0
    if amount <= 0:
        return
    settlement_charge(
        shop_id=case.shop_id,
        order_id=order.pk,
        kind=SETTLEMENT_KIND_RETURN_FREIGHT,
        amount_fen=amount,
        ref=case.no,
        now=now,
    )
    events.publish(
        ReturnFreightCompensated(
            order=order_facts(order), case_no=case.no, amount_fen=amount, points=fen_to_points(amount), at=now
        )
    )


def case_return_receive(*, shop, case_id, actor, role: str = "seller", note: str = "", now=None) -> Case:
    """The shop received the return: 退货退款 refunds (money after the commit), 换货 waits for the reshipment."""
    now = now or timezone.now()
    refund = None
    with transaction.atomic():
        case, order, order_lines = _locked(case_id, shop=shop)
        case_transition(
            case, C.RETURN_RECEIVED, actor=actor, role=role, note=note or "商家确认收到退货", now=now
        )
        _return_freight_compensate(case, order, now=now)
        if case.type == T.EXCHANGE:
            _restock_returned(case, order_lines)
            case_transition(case, C.RESHIPPING, actor=actor, role=role, note="待商家发出换货", now=now)
        else:
            refund = _start_refund(
                case, order=order, order_lines=order_lines, actor=actor, role=role, note="退款处理中", now=now
            )
    if refund is not None:
        refund_pay_back(refund, actor=actor if getattr(actor, "pk", None) else None)
        case.refresh_from_db()
    return case


def _restock_returned(case: Case, order_lines) -> None:
    """The units sent back for a 换货 go on hand again, in the warehouse their line shipped from first."""
    lines = {line.pk: line for line in order_lines}
    back = []
    for cl in case.lines.all():
        line = lines[cl.order_line_id]
        if line.allocations:
            back.append(
                Allocation(sku_id=line.sku_id, warehouse_id=line.allocations[0][0], quantity=cl.quantity)
            )
    if back:
        stock_return(allocations=back, order_id=case.order_id, reason=f"换货 {case.no} 退回入库")


def case_reship(*, shop, case_id, actor, carrier: str, tracking_no: str, now=None) -> Case:
    """换货: the shop sends the replacement (its units were reserved at approval and now leave stock)."""
    if carrier not in Carrier.values:
        raise ValidationError("请选择快递公司", field="carrier")
    tracking_no = (tracking_no or "").strip()
    if carrier != Carrier.SELF and not TRACKING_RE.match(tracking_no):
        raise ValidationError("运单号须为 6–40 位字母、数字或“-”", field="tracking_no")
    with transaction.atomic():
        case, _order, _lines = _locked(case_id, shop=shop)
        case_transition(
            case,
            C.DONE,
            actor=actor,
            role="seller",
            note=f"换货已发出：{Carrier(carrier).label} {tracking_no}".strip(),
            now=now,
            extra_fields={"reship_carrier": carrier, "reship_tracking_no": tracking_no},
        )
        if case.replacement_allocations:
            stock_confirm(
                allocations=[
                    Allocation(sku_id=case.replacement_sku_id, warehouse_id=w, quantity=q)
                    for w, q in case.replacement_allocations
                ],
                order_id=case.order_id,
            )
    return case


def cases_approve_bulk(*, shop, case_ids, actor) -> tuple[list[Case], dict[int, str]]:
    """Approve several 仅退款 cases at once, each on its own (one refused never stops the others)."""
    done, errors = [], {}
    for case_id in list(dict.fromkeys(case_ids))[:100]:
        try:
            kind = Case.objects.for_shop(shop).filter(pk=case_id).values_list("type", flat=True).first()
            if kind is None:
                raise NotFound("售后单不存在")
            if kind != T.REFUND_ONLY:
                raise Conflict("批量同意只适用于仅退款")
            _bulk_check(shop, case_id, actor)
            done.append(case_approve(shop=shop, case_id=case_id, actor=actor))
        except (Conflict, NotFound, ValidationError) as exc:
            errors[case_id] = exc.message
    return done, errors


def _bulk_check(shop, case_id, actor) -> None:
    """High risk: no batch approval. The refusal is audited (the case is left as it was) and reported."""
    case = Case.objects.for_shop(shop).get(pk=case_id)
    refusal = bulk_friction(case)
    if refusal:
        risk_decision_record(
            assessment=stored_assessment(case),
            buyer_id=case.buyer_id,
            shop_id=case.shop_id,
            case=case,
            order_id=case.order_id,
            actor=actor,
            role="seller",
            action="bulk_refused",
            outcome="批量同意未执行：须逐单审核",
        )
        raise Conflict(refusal)


# --- the shops' return address book and the platform's reasons ----------------------------------------------------


def return_address_save(
    *, shop, contact: str, phone: str, address: str, is_default: bool = False, address_id=None
) -> ReturnAddress:
    contact, phone, address = (contact or "").strip(), (phone or "").strip(), (address or "").strip()
    if not 1 <= len(contact) <= 20:
        raise ValidationError("请填写收件人（1–20 字）", field="contact")
    if not re.fullmatch(r"[0-9+\- ]{6,20}", phone):
        raise ValidationError("请填写正确的电话", field="phone")
    if not 5 <= len(address) <= 200:
        raise ValidationError("请填写详细地址（5–200 字）", field="address")
    with transaction.atomic():
        if address_id:
            row = ReturnAddress.objects.for_shop(shop).select_for_update().filter(pk=address_id).first()
            if row is None:
                raise NotFound("退货地址不存在")
        else:
            row = ReturnAddress(shop=shop)
        first = not ReturnAddress.objects.for_shop(shop).exists()
        row.contact, row.phone, row.address = contact, phone, address
        row.is_default = bool(is_default) or first
        row.save()
        if row.is_default:
            ReturnAddress.objects.for_shop(shop).exclude(pk=row.pk).update(is_default=False)
    return row


def return_address_delete(*, shop, address_id) -> None:
    deleted, _ = ReturnAddress.objects.for_shop(shop).filter(pk=address_id).delete()
    if not deleted:
        raise NotFound("退货地址不存在")


def reasons_ensure_seeded() -> int:
    """Add the starting reasons that are missing (a fresh or flushed database). Idempotent."""
    return seed_reasons(CaseReason)


def reason_save(
    *,
    name: str,
    fault: str,
    for_refund_only: bool,
    for_return: bool,
    for_exchange: bool,
    no_reason: bool = False,
    active: bool = True,
    position: int = 0,
    reason_id=None,
) -> CaseReason:
    """The platform adds or edits a reason of the list the buyer chooses from."""
    name = (name or "").strip()
    if not 2 <= len(name) <= 30:
        raise ValidationError("原因名称须为 2–30 字", field="name")
    if fault not in CaseReason.Fault.values:
        raise ValidationError("请选择责任方", field="fault")
    if not (for_refund_only or for_return or for_exchange):
        raise ValidationError("至少选择一种售后类型", field="for_refund_only")
    row = CaseReason.objects.filter(pk=reason_id).first() if reason_id else CaseReason()
    if row is None:
        raise NotFound("原因不存在")
    if CaseReason.objects.filter(name=name).exclude(pk=row.pk).exists():
        raise ValidationError("已有同名原因", field="name")
    row.name, row.fault, row.no_reason, row.active = name, fault, bool(no_reason), bool(active)
    row.for_refund_only, row.for_return, row.for_exchange = (
        bool(for_refund_only),
        bool(for_return),
        bool(for_exchange),
    )
    row.position = max(0, min(int(position or 0), 999))
    row.save()
    return row
