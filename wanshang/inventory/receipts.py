"""入库单 (inbound receipts, 采购在途): create, submit, cancel, receive — the writes behind services.py.

Status moves only along TRANSITIONS; receiving a line adds its units on hand through the movement ledger
(kind 入库), under the locks receipt → lines → stock rows (locks.py), all in one transaction.
"""

import datetime
import re

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wanshang.catalog.selectors import seller_skus_by_id
from wanshang.common.errors import InvalidTransition, NotFound, ValidationError
from wanshang.common.numbers import new_no
from wanshang.inventory.locks import receipt_for_update, receipt_lines_for_update, stock_rows_for_update
from wanshang.inventory.models import InboundLine, InboundReceipt, Stock, StockMovement, Warehouse

Status = InboundReceipt.Status
MAX_LINES = 100
MAX_QUANTITY = 1_000_000

TRANSITIONS = {
    Status.DRAFT: {Status.IN_TRANSIT, Status.CANCELLED},
    Status.IN_TRANSIT: {Status.PARTLY_RECEIVED, Status.RECEIVED, Status.CANCELLED},
    Status.PARTLY_RECEIVED: {Status.PARTLY_RECEIVED, Status.RECEIVED, Status.CANCELLED},
    Status.RECEIVED: set(),
    Status.CANCELLED: set(),
}
OPEN_STATUSES = (Status.IN_TRANSIT, Status.PARTLY_RECEIVED)  # what counts as 在途


def can_move(current: str, to: str) -> bool:
    return to in TRANSITIONS.get(current, set())


def _move(receipt: InboundReceipt, to: str) -> None:
    if not can_move(receipt.status, to):
        raise InvalidTransition(
            f"入库单{Status(receipt.status).label}，不能改为{Status(to).label}", field="status"
        )
    receipt.status = to


def _int(value, *, field: str, low: int, high: int, label: str) -> int:
    """An integer given as an int or as decimal digits (a form's text); anything else is refused."""
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"[0-9]{1,12}", value.strip()):
        number = int(value.strip())
    if number is None or not low <= number <= high:
        raise ValidationError(f"{label}须为 {low}–{high} 的整数", field=field)
    return number


def _clean_lines(*, shop, lines) -> list[tuple[int, int]]:
    """[(sku_id, quantity)] → checked: 1–100 lines, the shop's SKUs, each SKU once, quantities 1–1,000,000."""
    lines = list(lines or [])
    if not lines:
        raise ValidationError("请至少添加一个 SKU", field="lines")
    if len(lines) > MAX_LINES:
        raise ValidationError(f"一张入库单最多 {MAX_LINES} 个 SKU", field="lines")
    cleaned, seen = [], set()
    for sku_id, quantity in lines:
        sku_id = _int(sku_id, field="lines", low=1, high=10**12, label="SKU")
        if sku_id in seen:
            raise ValidationError("同一 SKU 在一张入库单里只能出现一次", field="lines")
        seen.add(sku_id)
        cleaned.append((sku_id, _int(quantity, field="lines", low=1, high=MAX_QUANTITY, label="数量")))
    skus = seller_skus_by_id(shop=shop, sku_ids=seen)
    if len(skus) != len(seen):
        raise ValidationError("SKU 不存在或不属于本店", field="lines")
    return cleaned


@transaction.atomic
def receipt_create(
    *,
    shop,
    warehouse_id,
    supplier_name: str,
    expected_date: datetime.date,
    lines,
    actor=None,
    note: str = "",
    submit: bool = False,
    today: datetime.date | None = None,
) -> InboundReceipt:
    """A new receipt in 草稿 (or straight to 在途 with `submit`). Raises ValidationError / NotFound."""
    supplier_name = (supplier_name or "").strip()
    if not 1 <= len(supplier_name) <= 60:
        raise ValidationError("供应商名称须为 1–60 字", field="supplier_name")
    if not isinstance(expected_date, datetime.date):
        raise ValidationError("请填写预计到货日期", field="expected_date")
    today = today or timezone.localdate()
    if expected_date < today:
        raise ValidationError("预计到货日期不能早于今天", field="expected_date")
    if expected_date > today + datetime.timedelta(days=365):
        raise ValidationError("预计到货日期须在一年以内", field="expected_date")
    warehouse = Warehouse.objects.for_shop(shop).filter(pk=warehouse_id).first()
    if warehouse is None:
        raise NotFound("仓库不存在", field="warehouse_id")
    cleaned = _clean_lines(shop=shop, lines=lines)
    receipt = InboundReceipt.objects.create(
        shop=shop,
        no=new_no("RK"),
        warehouse=warehouse,
        supplier_name=supplier_name,
        expected_date=expected_date,
        note=(note or "").strip()[:200],
        status=Status.IN_TRANSIT if submit else Status.DRAFT,
        created_by_id=getattr(actor, "pk", actor),
    )
    InboundLine.objects.bulk_create(
        [InboundLine(receipt=receipt, shop=shop, sku_id=sku_id, quantity=qty) for sku_id, qty in cleaned]
    )
    return receipt


def _locked(shop, receipt_id) -> InboundReceipt:
    receipt = receipt_for_update(shop=shop, receipt_id=receipt_id)
    if receipt is None:
        raise NotFound("入库单不存在")
    return receipt


@transaction.atomic
def receipt_submit(*, shop, receipt_id) -> InboundReceipt:
    """草稿 → 在途 (the supplier shipped): from now its units count toward cover."""
    receipt = _locked(shop, receipt_id)
    _move(receipt, Status.IN_TRANSIT)
    receipt.save(update_fields=["status", "updated_at"])
    return receipt


@transaction.atomic
def receipt_cancel(*, shop, receipt_id) -> InboundReceipt:
    """Cancel a draft or in-transit receipt; a partly received one is closed, the rest no longer expected."""
    receipt = _locked(shop, receipt_id)
    _move(receipt, Status.CANCELLED)
    receipt.save(update_fields=["status", "updated_at"])
    return receipt


@transaction.atomic
def receipt_receive(*, shop, receipt_id, quantities: dict, actor=None) -> InboundReceipt:
    """Receive units of an in-transit receipt: {line_id: units now}. Each line at most what is still due;
    the units go on hand in the receipt's warehouse with an 入库 movement each. All lines or none.

    Raises NotFound (receipt or line), InvalidTransition (not in transit), ValidationError (bad quantity)."""
    receipt = _locked(shop, receipt_id)
    if receipt.status not in OPEN_STATUSES:
        raise InvalidTransition(f"入库单{Status(receipt.status).label}，不能收货", field="status")
    lines = {line.pk: line for line in receipt_lines_for_update(receipt_id=receipt.pk)}
    wanted: dict[int, int] = {}
    for raw_id, raw_qty in (quantities or {}).items():
        line_id = _int(raw_id, field="quantities", low=1, high=10**12, label="明细")
        line = lines.get(line_id)
        if line is None:
            raise NotFound("入库明细不存在", field="quantities")
        qty = _int(raw_qty, field="quantities", low=0, high=MAX_QUANTITY, label="收货数量")
        if qty > line.remaining:  # re-read under the receipt's lock: a concurrent receive already counted
            raise ValidationError(
                f"收货数量超出：该行本次最多可收 {line.remaining} 件（应收 {line.quantity}，已收 {line.received}）",
                field="quantities",
            )
        if qty:
            wanted[line_id] = qty
    if not wanted:
        raise ValidationError("请填写本次收货数量", field="quantities")
    for line_id in wanted:
        Stock.objects.get_or_create(
            shop=shop, sku_id=lines[line_id].sku_id, warehouse_id=receipt.warehouse_id
        )
    stock_ids = dict(
        Stock.objects.filter(
            warehouse_id=receipt.warehouse_id, sku_id__in=[lines[i].sku_id for i in wanted]
        ).values_list("sku_id", "pk")
    )
    stock_rows_for_update(stock_ids=stock_ids.values())
    movements = []
    for line_id in sorted(wanted):
        line, qty = lines[line_id], wanted[line_id]
        updated = InboundLine.objects.filter(pk=line.pk, received__lte=F("quantity") - qty).update(
            received=F("received") + qty
        )
        if updated != 1:  # cannot happen under the lock; the guard keeps both databases honest
            raise ValidationError("收货数量超过应收数量", field="quantities")
        line.received += qty
        Stock.objects.filter(pk=stock_ids[line.sku_id]).update(on_hand=F("on_hand") + qty)
        movements.append(
            StockMovement(
                shop=shop,
                sku_id=line.sku_id,
                warehouse_id=receipt.warehouse_id,
                kind=StockMovement.Kind.INBOUND,
                on_hand_delta=qty,
                actor_id=getattr(actor, "pk", actor),
                reason=f"入库单 {receipt.no} 收货",
            )
        )
    StockMovement.objects.bulk_create(movements)
    done = all(line.received >= line.quantity for line in lines.values())
    _move(receipt, Status.RECEIVED if done else Status.PARTLY_RECEIVED)
    receipt.save(update_fields=["status", "updated_at"])
    return receipt
