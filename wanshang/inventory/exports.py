"""库存计划 download: the plan rows as an Excel workbook (openpyxl, already used by the 数据中心 exports)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def plan_headers() -> list[str]:
    return [
        _("商品"),
        _("规格"),
        _("SKU ID"),
        _("条码"),
        _("可售库存"),
        _("在途"),
        _("日均销量"),
        _("可售天数"),
        _("补货点"),
        _("建议补货量"),
        _("箱规"),
        _("需补货"),
    ]


def stock_plan_xlsx(rows) -> bytes:
    """One sheet 库存计划: a row per SKU; rates and cover as numbers with one or two decimals, "—" when
    nothing sells."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("库存计划")
    sheet.append(plan_headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in rows:
        sheet.append(
            [
                r.sku.product.title,
                r.sku.spec_text,
                r.sku.pk,
                r.sku.barcode or "",
                r.available,
                r.in_transit,
                round(float(r.rate), 2),
                round(float(r.cover_days), 1) if r.cover_days is not None else "—",
                r.reorder_point,
                r.suggested,
                r.pack_size,
                _("是") if r.needs_reorder else "",
            ]
        )
    for letter, width in zip("ABCDEFGHIJKL", (30, 16, 10, 16, 10, 10, 10, 10, 10, 12, 8, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
