"""发货与物流 writes: carrier accounts, shipments (one or more packages per order), 电子面单, batch shipping and
the Excel import, tracking pushes and polls, stall alerts. Rules: docs/shipping.md.

Locks: order → its lines (orders.services.order_lock / order_lines_lock) → the shipment rows. Every package
of an order is created under the order's row lock, so two staff shipping the same units at once ship them once.
"""

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from wanshang.common.errors import DomainError, InvalidTransition, NotFound, PermissionDenied, ValidationError
from wanshang.fulfillment.types import Carrier
from wanshang.orders.selectors import seller_order_get, seller_order_id_by_no
from wanshang.orders.services import order_lines_lock, order_lock, order_mark_delivered, order_ship_part
from wanshang.orders.types import OrderStatus
from wanshang.shipping import carriers, labels
from wanshang.shipping.carriers.base import CarrierError, Party, Trace, WaybillRequest
from wanshang.shipping.carriers.kdniao import parse_push, sign_matches
from wanshang.shipping.carriers.sandbox import SandboxAdapter
from wanshang.shipping.models import (
    CarrierAccount,
    Provider,
    Shipment,
    ShipmentAlert,
    ShipmentLine,
    TrackingEvent,
    TrackState,
)
from wanshang.shipping.selectors import ship_plan, shipped_units_by_line

log = logging.getLogger(__name__)

TRACKING_RE = re.compile(r"^[A-Za-z0-9-]{6,40}$")
PHONE_RE = re.compile(r"^[0-9+\- ]{7,20}$")
MAX_IMPORT_ROWS = 500
MAX_IMPORT_BYTES = 2 * 1024 * 1024
TEMPLATE_HEADER = ["订单号", "快递公司", "运单号"]


# --- carrier accounts -------------------------------------------------------------------------------------


SENDER_FIELDS = (
    ("sender_name", "寄件人", 30),
    ("sender_phone", "寄件电话", 20),
    ("sender_province", "省", 20),
    ("sender_city", "市", 20),
    ("sender_address", "详细地址", 120),
)


def _sender_fields(sender: dict) -> dict:
    fields = {}
    for key, label, limit in SENDER_FIELDS:
        value = str(sender.get(key) or "").strip()
        if not value or len(value) > limit:
            raise ValidationError(f"请填写{label}（最多 {limit} 字）", field=key)
        fields[key] = value
    fields["sender_district"] = str(sender.get("sender_district") or "").strip()[:20]
    if not PHONE_RE.match(fields["sender_phone"]):
        raise ValidationError("寄件电话格式不正确", field="sender_phone")
    return fields


def _check_kdniao(ebusiness_id: str, app_key: str, stored_key: str) -> None:
    if not re.fullmatch(r"[0-9A-Za-z]{4,40}", ebusiness_id):
        raise ValidationError("请填写快递鸟 EBusinessID（商户ID）", field="ebusiness_id")
    if not app_key and not stored_key:
        raise ValidationError("请填写快递鸟 AppKey", field="app_key")
    if app_key and not re.fullmatch(r"[0-9A-Za-z-]{8,80}", app_key):
        raise ValidationError("AppKey 格式不正确", field="app_key")


def account_save(
    *, shop, provider: str, carrier: str, sender: dict, ebusiness_id: str = "", app_key: str = ""
):
    """Create or update the shop's carrier account. An empty `app_key` keeps the stored one (the page never
    shows it back). 快递鸟 needs an EBusinessID and an AppKey. Raises ValidationError naming the field."""
    if provider not in {Provider.SANDBOX, Provider.KDNIAO}:
        raise ValidationError("请选择电子面单服务商", field="provider")
    if carrier not in Carrier.values or carrier == Carrier.SELF:
        raise ValidationError("请选择快递公司", field="carrier")
    fields = _sender_fields(sender)
    ebusiness_id, app_key = (ebusiness_id or "").strip(), (app_key or "").strip()
    with transaction.atomic():
        account = CarrierAccount.objects.select_for_update().filter(shop=shop).first() or CarrierAccount(
            shop=shop
        )
        kdniao = provider == Provider.KDNIAO
        if kdniao:
            _check_kdniao(ebusiness_id, app_key, account.app_key)
        account.provider, account.carrier = provider, carrier
        account.ebusiness_id = ebusiness_id if kdniao else ""
        account.app_key = (app_key or account.app_key) if kdniao else ""
        for key, value in fields.items():
            setattr(account, key, value)
        account.save()
    return account


# --- shipping ---------------------------------------------------------------------------------------------


def _shipped_by_line(order_id) -> dict[int, int]:
    return shipped_units_by_line(order_id=order_id)


def _plan(lines, shipped: dict[int, int], items) -> list[tuple[object, int]]:
    """The (line, quantity) of this package; `items` None: every unit still to ship."""
    remaining = {line.pk: line.quantity - line.refunded_qty - shipped.get(line.pk, 0) for line in lines}
    by_id = {line.pk: line for line in lines}
    if items is None:
        plan = [(by_id[pk], n) for pk, n in remaining.items() if n > 0]
    else:
        plan, seen = [], set()
        for line_id, qty in items:
            if line_id not in by_id or line_id in seen:
                raise ValidationError("包裹中的商品不属于该订单", field="lines")
            seen.add(line_id)
            if qty < 0 or qty > remaining[line_id]:
                raise ValidationError(
                    f"“{by_id[line_id].title}”最多还能发 {max(remaining[line_id], 0)} 件", field="lines"
                )
            if qty:
                plan.append((by_id[line_id], qty))
    if not plan:
        raise ValidationError("没有要发货的商品：请填写本包裹的件数", field="lines")
    left = sum(remaining.values()) - sum(n for _, n in plan)
    return plan, left == 0


def _check_tracking(carrier: str, tracking_no: str) -> str:
    if carrier not in Carrier.values:
        raise ValidationError("请选择快递公司", field="carrier")
    tracking_no = (tracking_no or "").strip()
    if carrier != Carrier.SELF and not TRACKING_RE.match(tracking_no):
        raise ValidationError("运单号须为 6–40 位字母、数字或“-”", field="tracking_no")
    return tracking_no


def shipment_create(
    *,
    shop,
    order_id,
    carrier: str = "",
    tracking_no: str = "",
    items=None,
    actor=None,
    waybill: bool = False,
    provider: str | None = None,
    transport=None,
    now=None,
) -> Shipment:
    """Ship one package of a paid order: `items` [(order line id, quantity)] or None for every unit still to
    ship. With `waybill` the shop's carrier account issues the 电子面单 (its carrier and number). The package
    that ships the last units makes the order 已发货 (orders' state machine). Raises ValidationError (bad
    input, units already shipped), NotFound (another shop's order), InvalidTransition (not 待发货), Conflict
    (an OrderShipping subscriber refused: an open refund request, an open group buy). `provider` names who
    tracks a hand-typed number (the sandbox carrier in the demo); by default nobody but pushes."""
    now = now or timezone.now()
    account = None
    if waybill:
        account = CarrierAccount.objects.for_shop(shop).first()
        if account is None:
            raise ValidationError("请先在“物流账户”设置电子面单账户", field="waybill")
        carrier = account.carrier
        tracking_no = _issue_waybill(shop=shop, account=account, order_id=order_id, transport=transport)
    tracking_no = _check_tracking(carrier, tracking_no)
    with transaction.atomic():
        order = order_lock(order_id, shop=shop)
        if order.status != OrderStatus.PAID:
            raise InvalidTransition(f"订单{order.no}当前为“{OrderStatus(order.status).label}”，不能发货")
        lines = order_lines_lock(order)
        plan, complete = _plan(lines, _shipped_by_line(order.pk), items)
        package_no = Shipment.objects.filter(order_id=order.pk).count() + 1
        shipment = Shipment.objects.create(
            shop_id=order.shop_id,
            order=order,
            package_no=package_no,
            carrier=carrier,
            tracking_no=tracking_no,
            provider=account.provider if account else (provider or Provider.MANUAL),
            waybill=bool(account),
            shipped_by=actor if getattr(actor, "pk", None) else None,
            created_at=now,
            last_event_at=now,  # handed over: the stall clock starts here
        )
        ShipmentLine.objects.bulk_create(
            ShipmentLine(
                shop_id=order.shop_id,
                shipment=shipment,
                order_line=line,
                sku_id=line.sku_id,
                title=line.title,
                spec_text=line.spec_text,
                quantity=qty,
            )
            for line, qty in plan
        )
        units = sum(q for _, q in plan)
        note = f"包裹{package_no}（{units}件）{Carrier(carrier).label} {tracking_no}".strip()
        order_ship_part(
            order=order, carrier=carrier, tracking_no=tracking_no, complete=complete, note=note, actor=actor
        )
    if account and account.provider == Provider.KDNIAO:
        _subscribe(account, shipment, transport=transport)
    return shipment


def _issue_waybill(*, shop, account, order_id, transport) -> str:
    """Ask the carrier for a 电子面单 number, outside any transaction (a network call must not hold locks).
    A number issued for a package that is then refused stays unused, as with a torn paper label."""
    order = seller_order_get(shop=shop, order_id=order_id)
    addr = order.address or {}
    region = (addr.get("region_text") or "").split()
    n = Shipment.objects.filter(order_id=order.pk).count() + 1
    request = WaybillRequest(
        order_code=f"{order.no}-{n}",
        carrier=account.carrier,
        sender=Party(
            account.sender_name,
            account.sender_phone,
            account.sender_province,
            account.sender_city,
            account.sender_district,
            account.sender_address,
        ),
        receiver=Party(
            addr.get("receiver", ""),
            addr.get("phone", ""),
            region[0] if region else "",
            region[1] if len(region) > 1 else "",
            region[2] if len(region) > 2 else "",
            addr.get("detail", ""),
        ),
        goods=[(line.title, line.quantity) for line in order.lines.all()],
    )
    try:
        return carriers.adapter_for(account, transport=transport).issue_waybill(request)
    except CarrierError as exc:
        raise ValidationError(str(exc), field="waybill") from exc


def _subscribe(account, shipment, *, transport) -> None:
    try:
        ok = carriers.adapter_for(account, transport=transport).subscribe(
            carrier=shipment.carrier, tracking_no=shipment.tracking_no
        )
    except CarrierError:
        log.warning("shipping: trace subscription failed for shipment %s", shipment.pk)
        return
    if ok:
        Shipment.objects.filter(pk=shipment.pk).update(subscribed=True)


def shipment_backfill(*, order_id, provider: str = Provider.MANUAL) -> Shipment | None:
    """An order shipped in one step before packages existed (or through orders.services.order_ship) gets its
    one package: every unit, the order's carrier and number, shipped at `shipped_at`. Idempotent: an order
    that has packages, or has not shipped, is left alone (None)."""
    with transaction.atomic():
        order = order_lock(order_id)
        if order.shipped_at is None or Shipment.objects.filter(order_id=order.pk).exists():
            return None
        lines = order_lines_lock(order)
        shipment = Shipment.objects.create(
            shop_id=order.shop_id,
            order=order,
            package_no=1,
            carrier=order.carrier or Carrier.SELF,
            tracking_no=order.tracking_no,
            provider=provider,
            created_at=order.shipped_at,
            last_event_at=order.shipped_at,
        )
        ShipmentLine.objects.bulk_create(
            ShipmentLine(
                shop_id=order.shop_id,
                shipment=shipment,
                order_line=line,
                sku_id=line.sku_id,
                title=line.title,
                spec_text=line.spec_text,
                quantity=line.quantity,
            )
            for line in lines
        )
    return shipment


@dataclass
class RowResult:
    row: int  # Excel row number, or the position in the selection
    order_no: str
    ok: bool
    message: str
    shipment_id: int | None = None


def shipments_batch_waybill(*, shop, order_ids, actor, transport=None, now=None) -> list[RowResult]:
    """批量发货 by selection: each order gets a 电子面单 for all its units and ships, on its own (one
    order's refusal leaves the others shipped)."""
    ids = list(dict.fromkeys(order_ids))
    if not ids:
        raise ValidationError("请选择要发货的订单", field="order_ids")
    if len(ids) > 100:
        raise ValidationError("一次最多选择 100 个订单", field="order_ids")
    out = []
    for i, order_id in enumerate(ids, 1):
        try:
            shipment = shipment_create(
                shop=shop, order_id=order_id, actor=actor, waybill=True, transport=transport, now=now
            )
            out.append(
                RowResult(i, shipment.order.no, True, f"已发货，运单号 {shipment.tracking_no}", shipment.pk)
            )
        except DomainError as exc:
            out.append(RowResult(i, str(order_id), False, exc.message))
    return out


def _carrier_code(text: str) -> str | None:
    text = (text or "").strip()
    for value, label in Carrier.choices:
        if text.upper() == value or text == label or (len(text) >= 2 and label.startswith(text)):
            return value
    return None


def _read_rows(data: bytes) -> list[tuple]:
    if not data:
        raise ValidationError("请选择要导入的 Excel 文件", field="file")
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError("文件不能超过 2 MB", field="file")
    from openpyxl import load_workbook  # noqa: PLC0415 - only the import needs it

    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=True)
        rows = list(book.active.iter_rows(values_only=True, max_row=MAX_IMPORT_ROWS + 2))
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationError(
            "无法读取该文件：请上传 .xlsx 格式的 Excel（可下载模板）", field="file"
        ) from exc
    if not rows or [str(c or "").strip() for c in rows[0][:3]] != TEMPLATE_HEADER:
        raise ValidationError("表头须为：订单号、快递公司、运单号（请使用模板）", field="file")
    body = [r for r in rows[1:] if any(c not in (None, "") for c in r[:3])]
    if len(body) > MAX_IMPORT_ROWS:
        raise ValidationError(f"一次最多导入 {MAX_IMPORT_ROWS} 行", field="file")
    return rows[1:]


def shipments_import(*, shop, data: bytes, actor, now=None) -> list[RowResult]:
    """批量发货 by Excel (订单号, 快递公司, 运单号): each good row ships its order's remaining units in one
    package, in its own transaction; a bad row is reported with its reason and changes nothing."""
    results = []
    for i, row in enumerate(_read_rows(data), 2):
        cells = [str(c).strip() if c is not None else "" for c in (list(row) + ["", "", ""])[:3]]
        if not any(cells):
            continue
        order_no, carrier_text, tracking_no = cells
        carrier = _carrier_code(carrier_text)
        order_id = seller_order_id_by_no(shop=shop, no=order_no) if order_no else None
        if order_id is None:
            results.append(RowResult(i, order_no, False, "订单号不存在" if order_no else "缺少订单号"))
            continue
        if carrier is None:
            results.append(RowResult(i, order_no, False, f"无法识别的快递公司“{carrier_text}”"))
            continue
        try:
            shipment = shipment_create(
                shop=shop, order_id=order_id, carrier=carrier, tracking_no=tracking_no, actor=actor, now=now
            )
            results.append(RowResult(i, order_no, True, "已发货", shipment.pk))
        except DomainError as exc:
            results.append(RowResult(i, order_no, False, exc.message))
    if not results:
        raise ValidationError("文件中没有数据行", field="file")
    return results


def import_template() -> bytes:
    """The 批量发货 Excel template: the header and one example row."""
    from openpyxl import Workbook  # noqa: PLC0415

    book = Workbook()
    sheet = book.active
    sheet.title = "批量发货"
    sheet.append(TEMPLATE_HEADER)
    sheet.append(["WS202612060001", "中通快递", "ZT1234567890"])
    for col, width in zip("ABC", (24, 14, 24), strict=True):
        sheet.column_dimensions[col].width = width
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# --- tracking ---------------------------------------------------------------------------------------------


def tracking_apply(*, shipment_id, traces: list[Trace], now=None) -> int:
    """Merge a trace into a package's timeline: points already known are skipped (pushes repeat the whole
    trace), late points slot in by time, and the package's state is its latest point's. A signed package
    records the delivery; when every package of the order is signed, orders records `delivered_at`. A problem
    raises an alert; new movement resolves open stall alerts. Returns the points added."""
    now = now or timezone.now()
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update().filter(pk=shipment_id).first()
        if shipment is None:
            raise NotFound("包裹不存在")
        known = set(TrackingEvent.objects.filter(shipment=shipment).values_list("at", "text"))
        fresh = {(t.at, t.text): t for t in traces if (t.at, t.text[:200]) not in known}
        TrackingEvent.objects.bulk_create(
            TrackingEvent(
                shop_id=shipment.shop_id,
                shipment=shipment,
                at=t.at,
                state=t.state,
                code=t.code,
                location=t.location,
                text=t.text[:200],
            )
            for t in fresh.values()
        )
        if not fresh:
            return 0
        latest = TrackingEvent.objects.filter(shipment=shipment).order_by("-at", "-id").first()
        shipment.state, shipment.last_event_at = latest.state, latest.at
        if latest.state == TrackState.SIGNED and shipment.delivered_at is None:
            shipment.delivered_at = latest.at
        shipment.save(update_fields=["state", "last_event_at", "delivered_at"])
        ShipmentAlert.objects.filter(
            shipment=shipment, kind=ShipmentAlert.Kind.STALLED, resolved_at=None
        ).update(resolved_at=now)
        if latest.state == TrackState.PROBLEM:
            ShipmentAlert.objects.get_or_create(
                shipment=shipment,
                kind=ShipmentAlert.Kind.PROBLEM,
                since=latest.at,
                defaults={"shop_id": shipment.shop_id, "note": latest.text[:200]},
            )
        if shipment.delivered_at:
            _order_delivered(shipment.order_id)
    return len(fresh)


def _order_delivered(order_id) -> None:
    packages = list(Shipment.objects.filter(order_id=order_id).values_list("delivered_at", flat=True))
    if packages and all(packages):
        order_mark_delivered(order_id=order_id, at=max(packages))


def kdniao_push(*, request_data: str, data_sign: str, now=None) -> tuple[str, int]:
    """A 快递鸟 trace push. The signature is checked against the AppKey of the account with the push's
    EBusinessID before anything is written; only that account's shop's packages are updated. Repeated and
    out-of-order pushes are harmless (tracking_apply). Raises ValidationError (malformed) or
    PermissionDenied (unknown account or bad signature). Returns (EBusinessID, points added)."""
    try:
        ebusiness_id, pushes = parse_push(request_data or "")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValidationError("推送数据格式不正确") from exc
    accounts = [
        a
        for a in CarrierAccount.objects.filter(provider=Provider.KDNIAO, ebusiness_id=ebusiness_id).exclude(
            app_key=""
        )
        if ebusiness_id and sign_matches(request_data, a.app_key, data_sign)
    ]
    if not accounts:
        raise PermissionDenied("签名校验失败")
    shop_ids = [a.shop_id for a in accounts]
    added = 0
    for push in pushes:
        ids = Shipment.objects.filter(
            shop_id__in=shop_ids, carrier=push.carrier, tracking_no=push.tracking_no
        ).values_list("pk", flat=True)
        for shipment_id in ids:
            added += tracking_apply(shipment_id=shipment_id, traces=push.traces, now=now)
    return ebusiness_id, added


def tracking_poll(*, now=None, limit: int = 500) -> int:
    """The polling fallback: packages still moving whose carrier has no push (the sandbox; a 快递鸟 package
    whose subscription failed is re-subscribed). Idempotent: traces merge by point. Returns points added."""
    now = now or timezone.now()
    since = now - timedelta(days=30)
    added = 0
    moving = Shipment.objects.filter(created_at__gte=since).exclude(
        state__in=[TrackState.SIGNED, TrackState.RETURNED]
    )
    sandbox = SandboxAdapter()
    for shipment in moving.filter(provider=Provider.SANDBOX).order_by("pk")[:limit]:
        traces = sandbox.traces(tracking_no=shipment.tracking_no, shipped_at=shipment.created_at, now=now)
        if traces:
            added += tracking_apply(shipment_id=shipment.pk, traces=traces, now=now)
    for shipment in moving.filter(provider=Provider.KDNIAO, subscribed=False).order_by("pk")[:limit]:
        account = CarrierAccount.objects.filter(shop_id=shipment.shop_id, provider=Provider.KDNIAO).first()
        if account:
            _subscribe(account, shipment, transport=None)
    return added


def stalls_flag(*, now=None) -> int:
    """物流异常: a package still moving with no new point for SHIPPING_STALL_HOURS gets one alert per stall
    (unique on the movement it stalled at). Idempotent; catches up. Returns alerts raised."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.WANSHANG["SHIPPING_STALL_HOURS"])
    stalled = (
        Shipment.objects.exclude(state__in=[TrackState.SIGNED, TrackState.RETURNED])
        .exclude(carrier=Carrier.SELF)
        .filter(last_event_at__lte=cutoff)
        .order_by("pk")
    )
    raised = 0
    for shipment in stalled[:1000]:
        _, created = ShipmentAlert.objects.get_or_create(
            shipment=shipment,
            kind=ShipmentAlert.Kind.STALLED,
            since=shipment.last_event_at,
            defaults={
                "shop_id": shipment.shop_id,
                "note": f"超过 {settings.WANSHANG['SHIPPING_STALL_HOURS']} 小时无物流更新",
            },
        )
        raised += created
    return raised


def alert_resolve(*, shop, alert_id, now=None) -> ShipmentAlert:
    """The shop marks an 物流异常 as handled."""
    alert = ShipmentAlert.objects.for_shop(shop).filter(pk=alert_id).first()
    if alert is None:
        raise NotFound("异常记录不存在")
    if alert.resolved_at is None:
        alert.resolved_at = now or timezone.now()
        alert.save(update_fields=["resolved_at"])
    return alert


# --- documents (PDF) --------------------------------------------------------------------------------------


def _sender(shop) -> dict | None:
    account = CarrierAccount.objects.for_shop(shop).first()
    if account is None:
        return None
    return {
        "name": account.sender_name,
        "phone": account.sender_phone,
        "address": " ".join(
            p
            for p in (
                account.sender_province,
                account.sender_city,
                account.sender_district,
                account.sender_address,
            )
            if p
        ),
    }


def document_labels(*, shop, shipments) -> bytes:
    """电子面单 labels (100×150 mm, one page per package) of the shop's packages, for printing in one go."""
    if not shipments:
        raise ValidationError("请选择要打印面单的包裹", field="shipments")
    if any(s.shop_id != shop.pk for s in shipments):
        raise NotFound("包裹不存在")
    return labels.waybill_labels(shipments, carrier_labels=dict(Carrier.choices), sender=_sender(shop))


def document_packing_slips(*, shop, orders) -> bytes:
    """装箱单: one page per order with the units still to ship (all units once shipped)."""
    if not orders:
        raise ValidationError("请选择订单", field="order_ids")
    pages = []
    for order in orders:
        plan = ship_plan(order=order)
        rows = [(p.line.title, p.line.spec_text, p.remaining) for p in plan if p.remaining]
        rows = rows or [(p.line.title, p.line.spec_text, p.line.quantity - p.line.refunded_qty) for p in plan]
        pages.append((order, rows))
    return labels.packing_slips(pages, shop_name=shop.name)


def document_pick_list(*, shop, rows) -> bytes:
    if not rows:
        raise ValidationError("所选订单没有待拣货的商品", field="order_ids")
    return labels.pick_list_pdf(rows, title=f"{shop.name} 拣货单 {timezone.localtime():%Y-%m-%d %H:%M}")
