"""PDF documents: 100×150 mm waybill labels (Code 128 of the waybill number), packing slips and pick lists.

reportlab draws them: Code 128 is built in, and so is the Adobe CID font STSong-Light, so Chinese prints with no
font file to ship. A CID font is not embedded: the PDF names it and the viewer supplies a Song face (Acrobat,
pdf.js, poppler and Chromium's viewer all do); docs/shipping.md says so.
"""

from io import BytesIO

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

FONT = "STSong-Light"
LABEL = (100 * mm, 150 * mm)

_registered = False


def _font():
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _wrap(text: str, width: float, size: float) -> list[str]:
    out, line = [], ""
    for ch in text:
        if pdfmetrics.stringWidth(line + ch, FONT, size) > width:
            out.append(line)
            line = ""
        line += ch
    return [*out, line] if line else out


def _text(c, x, y, text, size, width=None, leading=None):
    c.setFont(FONT, size)
    lines = _wrap(text, width, size) if width else [text]
    for i, line in enumerate(lines):
        c.drawString(x, y - i * (leading or size * 1.3), line)
    return y - len(lines) * (leading or size * 1.3)


def _address(addr: dict) -> str:
    return f"{addr.get('region_text', '')} {addr.get('detail', '')}".strip()


def _label(c, shipment, carrier_label: str, sender: dict | None):
    w, h = LABEL
    order, addr = shipment.order, shipment.order.address or {}
    c.setLineWidth(0.8)
    c.rect(3 * mm, 3 * mm, w - 6 * mm, h - 6 * mm)
    _text(c, 6 * mm, h - 12 * mm, carrier_label, 15)
    _text(c, w - 40 * mm, h - 12 * mm, f"包裹 {shipment.package_no}", 11)
    c.line(3 * mm, h - 16 * mm, w - 3 * mm, h - 16 * mm)
    barcode = Code128(shipment.tracking_no or "-", barHeight=18 * mm, barWidth=0.36 * mm, humanReadable=False)
    barcode.drawOn(c, (w - barcode.width) / 2, h - 38 * mm)
    _text(
        c,
        (w - pdfmetrics.stringWidth(shipment.tracking_no, FONT, 12)) / 2,
        h - 43 * mm,
        shipment.tracking_no,
        12,
    )
    c.line(3 * mm, h - 47 * mm, w - 3 * mm, h - 47 * mm)
    y = _text(c, 6 * mm, h - 54 * mm, f"收 {addr.get('receiver', '')}  {addr.get('phone', '')}", 12)
    y = _text(c, 6 * mm, y - 1 * mm, _address(addr), 10, width=w - 12 * mm)
    c.line(3 * mm, y - 2 * mm, w - 3 * mm, y - 2 * mm)
    if sender:
        y = _text(c, 6 * mm, y - 8 * mm, f"寄 {sender['name']}  {sender['phone']}", 9)
        y = _text(c, 6 * mm, y - 1 * mm, sender["address"], 8, width=w - 12 * mm)
        c.line(3 * mm, y - 2 * mm, w - 3 * mm, y - 2 * mm)
    y = _text(c, 6 * mm, y - 8 * mm, f"订单 {order.no}", 9)
    items = "；".join(
        f"{line.title} {line.spec_text} ×{line.quantity}".replace("  ", " ") for line in shipment.lines.all()
    )
    _text(c, 6 * mm, y - 1 * mm, items, 8, width=w - 12 * mm)


def waybill_labels(shipments, *, carrier_labels: dict, sender: dict | None) -> bytes:
    """One 100×150 mm page per package, in the order given (batch printing: many orders, one PDF)."""
    _font()
    out = BytesIO()
    c = Canvas(out, pagesize=LABEL, pageCompression=1)
    c.setTitle("电子面单")
    for shipment in shipments:
        _label(c, shipment, carrier_labels.get(shipment.carrier, shipment.carrier), sender)
        c.showPage()
    c.save()
    return out.getvalue()


def packing_slips(orders_with_lines, *, shop_name: str) -> bytes:
    """装箱单: one A4 page per order, its lines and quantities still to ship and the buyer's note.
    `orders_with_lines`: [(order, [(title, spec, quantity)])]."""
    _font()
    out = BytesIO()
    c = Canvas(out, pagesize=A4, pageCompression=1)
    c.setTitle("装箱单")
    w, h = A4
    for order, lines in orders_with_lines:
        addr = order.address or {}
        _text(c, 20 * mm, h - 25 * mm, f"{shop_name} 装箱单", 18)
        _text(c, 20 * mm, h - 35 * mm, f"订单号 {order.no}    下单 {order.created_at:%Y-%m-%d %H:%M}", 10)
        y = _text(
            c,
            20 * mm,
            h - 42 * mm,
            f"收货人 {addr.get('receiver', '')} {addr.get('phone', '')}  {_address(addr)}",
            10,
            width=w - 40 * mm,
        )
        y -= 4 * mm
        c.line(20 * mm, y, w - 20 * mm, y)
        y = _text(c, 20 * mm, y - 6 * mm, "商品", 10)
        _text(c, w - 45 * mm, y + 13, "数量", 10)
        for title, spec, qty in lines:
            _text(c, w - 45 * mm, y - 2 * mm, str(qty), 10)
            y = _text(c, 20 * mm, y - 2 * mm, f"{title}  {spec}".strip(), 10, width=w - 75 * mm)
        if order.buyer_note:
            _text(c, 20 * mm, y - 8 * mm, f"买家留言：{order.buyer_note}", 10, width=w - 40 * mm)
        _text(c, 20 * mm, 20 * mm, "感谢您的惠顾！如有问题请在订单页联系我们。", 9)
        c.showPage()
    c.save()
    return out.getvalue()


def pick_list_pdf(rows, *, title: str) -> bytes:
    """拣货单 on A4: warehouse, 库位, SKU, quantity and the orders each row serves."""
    _font()
    out = BytesIO()
    c = Canvas(out, pagesize=A4, pageCompression=1)
    c.setTitle("拣货单")
    w, h = A4
    cols = [(15, "仓库"), (45, "库位"), (65, "商品 / 规格"), (150, "数量"), (165, "订单")]

    def header():
        _text(c, 15 * mm, h - 20 * mm, title, 16)
        for x, name in cols:
            _text(c, x * mm, h - 30 * mm, name, 9)
        c.line(15 * mm, h - 32 * mm, w - 15 * mm, h - 32 * mm)
        return h - 38 * mm

    y = header()
    for row in rows:
        if y < 25 * mm:
            c.showPage()
            y = header()
        _text(c, 15 * mm, y, row.warehouse[:14], 9)
        _text(c, 45 * mm, y, row.bin_location or "—", 9)
        _text(c, 150 * mm, y, str(row.quantity), 11)
        orders_end = _text(c, 165 * mm, y, row.orders[0], 7)
        if len(row.orders) > 1:
            orders_end = _text(c, 165 * mm, orders_end, f"等 {len(row.orders)} 单", 7)
        end = _text(c, 65 * mm, y, f"{row.title} {row.spec_text}".strip(), 9, width=82 * mm)
        bottom = min(end + 9 * 1.3, orders_end + 7 * 1.3)  # the lowest baseline of the row
        c.setStrokeGray(0.8)
        c.line(15 * mm, bottom - 2 * mm, w - 15 * mm, bottom - 2 * mm)
        y = bottom - 8 * mm
        c.setStrokeGray(0)
    c.showPage()
    c.save()
    return out.getvalue()
