"""The sandbox trace, the polling job, stall alerts, auto-receive from delivery, Excel import, PDFs."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from wanshang.shipping.carriers.sandbox import SandboxAdapter, stalls
from wanshang.shipping.models import ShipmentAlert, TrackingEvent
from wanshang.shipping.services import (
    import_template,
    shipment_create,
    shipments_batch_waybill,
    shipments_import,
    stalls_flag,
    tracking_poll,
)

pytestmark = pytest.mark.django_db


def _moving_no():
    return next(f"SB{n:010d}" for n in range(1000) if not stalls(f"SB{n:010d}"))


def _stalling_no():
    return next(f"SB{n:010d}" for n in range(1000) if stalls(f"SB{n:010d}"))


def test_sandbox_trace_unfolds_with_the_clock_and_is_deterministic():
    start = timezone.now()
    sb = SandboxAdapter()
    no = _moving_no()
    assert sb.traces(tracking_no=no, shipped_at=start, now=start) == []
    day = sb.traces(tracking_no=no, shipped_at=start, now=start + timedelta(hours=24))
    assert [t.state for t in day] == ["collected", "in_transit", "in_transit"]
    full = sb.traces(tracking_no=no, shipped_at=start, now=start + timedelta(days=3))
    assert full[-1].state == "signed" and full[:3] == day
    assert (
        sb.traces(tracking_no=_stalling_no(), shipped_at=start, now=start + timedelta(days=9))[-1].state
        == "in_transit"
    )


def _ship_sandbox(shop, order, no, at):
    from wanshang.shipping.models import Shipment

    shipment = shipment_create(shop=shop, order_id=order.pk, carrier="ZTO", tracking_no=no, now=at)
    Shipment.objects.filter(pk=shipment.pk).update(provider="sandbox")
    return shipment


def test_poll_is_idempotent_and_auto_receive_counts_from_delivery(shop, order, settings):
    from wanshang.orders.services import orders_auto_receive

    shipped_at = timezone.now() - timedelta(days=12)
    shipment = _ship_sandbox(shop, order, _moving_no(), shipped_at)
    # delivered ~2 days after shipping: 10 days after delivery have not passed at shipped + 11 days
    assert tracking_poll(now=shipped_at + timedelta(days=3)) == 6
    assert tracking_poll(now=shipped_at + timedelta(days=3)) == 0
    order.refresh_from_db()
    shipment.refresh_from_db()
    assert shipment.state == "signed" and order.delivered_at == shipment.delivered_at
    settings.WANSHANG = {**settings.WANSHANG, "ORDER_AUTO_RECEIVE_DAYS": 10}
    assert (
        orders_auto_receive(now=shipped_at + timedelta(days=11)) == 0
    )  # 10 days from shipping, not delivery
    assert orders_auto_receive(now=order.delivered_at + timedelta(days=10, minutes=1)) == 1
    order.refresh_from_db()
    assert order.status == "completed"


def test_without_delivery_auto_receive_counts_from_shipping(shop, order):
    from wanshang.orders.services import orders_auto_receive

    shipped_at = timezone.now() - timedelta(days=11)
    shipment_create(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF100000009", now=shipped_at)
    order.refresh_from_db()
    assert order.delivered_at is None
    assert orders_auto_receive(now=order.shipped_at + timedelta(days=10, minutes=1)) == 1


def test_stall_raises_one_alert_per_stall(shop, order):
    shipped_at = timezone.now() - timedelta(days=5)
    shipment = _ship_sandbox(shop, order, _stalling_no(), shipped_at)
    tracking_poll(now=shipped_at + timedelta(days=1))  # last movement at ~20 h
    assert stalls_flag(now=shipped_at + timedelta(days=2)) == 0  # < 48 h since the last point
    assert stalls_flag(now=shipped_at + timedelta(days=4)) == 1
    assert stalls_flag(now=shipped_at + timedelta(days=5)) == 0  # the same stall: no second alert
    assert ShipmentAlert.objects.get().shipment_id == shipment.pk


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_excel_import_ships_good_rows_and_reports_bad_ones(shop, other_shop, buyer, address, product, pay):
    skus = list(product.skus.order_by("pk"))
    a, b, c = (pay(buyer, address, [(skus[0], 1)]) for _ in range(3))
    data = _xlsx(
        [
            ["订单号", "快递公司", "运单号"],
            [a.no, "中通快递", "ZT1000000001"],
            [b.no, "不存在的快递", "ZT1000000002"],
            ["WS-NO-SUCH", "SF", "SF1000000003"],
            [c.no, "SF", "短"],
            [a.no, "SF", "SF1000000004"],  # shipped by row 2 already
            [None, None, None],
            [c.no, "顺丰", "SF1000000005"],
        ]
    )
    results = shipments_import(shop=shop, data=data, actor=shop.owner)
    assert [(r.row, r.ok) for r in results] == [
        (2, True),
        (3, False),
        (4, False),
        (5, False),
        (6, False),
        (8, True),
    ]
    assert "无法识别的快递公司" in results[1].message and "订单号不存在" in results[2].message
    assert "运单号" in results[3].message
    for o, status in ((a, "shipped"), (b, "paid"), (c, "shipped")):
        o.refresh_from_db()
        assert o.status == status
    # another shop cannot ship these orders by number
    other = shipments_import(
        shop=other_shop,
        data=_xlsx([["订单号", "快递公司", "运单号"], [b.no, "SF", "SF1000000006"]]),
        actor=None,
    )
    assert other[0].ok is False and "订单号不存在" in other[0].message


@pytest.mark.parametrize("data", [b"", b"not a workbook", None])
def test_excel_import_refuses_bad_files(shop, data):
    from wanshang.common.errors import ValidationError

    data = _xlsx([["order", "carrier", "no"], ["1", "SF", "SF100000001"]]) if data is None else data
    with pytest.raises(ValidationError):
        shipments_import(shop=shop, data=data, actor=None)


def test_template_has_the_header():
    sheet = load_workbook(BytesIO(import_template())).active
    assert [c.value for c in sheet[1]] == ["订单号", "快递公司", "运单号"]


def test_batch_waybill_ships_each_order_on_its_own(shop, buyer, address, product, pay, sandbox_account):
    skus = list(product.skus.order_by("pk"))
    a, b = pay(buyer, address, [(skus[0], 1)]), pay(buyer, address, [(skus[1], 1)])
    shipment_create(shop=shop, order_id=b.pk, carrier="SF", tracking_no="SF100000001")
    results = shipments_batch_waybill(shop=shop, order_ids=[a.pk, b.pk], actor=shop.owner)
    assert [r.ok for r in results] == [True, False]
    a.refresh_from_db()
    assert a.status == "shipped" and a.tracking_no.startswith("SB")


def test_labels_and_pick_list_pdf(shop, order, lines):
    from wanshang.shipping.selectors import pick_list, seller_shipments_by_ids
    from wanshang.shipping.services import document_labels, document_pick_list

    rows = pick_list(shop=shop, order_ids=[order.pk])
    assert [(r.sku_id, r.quantity) for r in rows] == [(lines[0].sku_id, 1), (lines[1].sku_id, 2)]
    s1 = shipment_create(
        shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF100000001", items=[(lines[0].pk, 1)]
    )
    assert [r.quantity for r in pick_list(shop=shop, order_ids=[order.pk])] == [
        2
    ]  # shipped units leave the list
    s2 = shipment_create(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF100000002")
    pdf = document_labels(shop=shop, shipments=seller_shipments_by_ids(shop=shop, ids=[s1.pk, s2.pk]))
    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) == 2
    box = reader.pages[0].mediabox
    assert round(float(box.width) / 72 * 25.4) == 100 and round(float(box.height) / 72 * 25.4) == 150
    text = reader.pages[0].extract_text()
    assert "SF100000001" in text and "顺丰速运" in text and "收 " in text  # Chinese through STSong-Light
    assert document_pick_list(shop=shop, rows=rows)[:5] == b"%PDF-"
    assert TrackingEvent.objects.count() == 0
