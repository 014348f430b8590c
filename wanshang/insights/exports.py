"""交易报表 downloads: the page's rows as an Excel workbook (one sheet per table) or one table as CSV.

Amounts leave as yuan here and nowhere earlier: Excel gets numbers (Decimal, exact) shown with two decimals,
CSV gets "123.45" text. CSV is UTF-8 with a BOM so Excel opens the Chinese headers correctly.
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from wanshang.common.errors import ValidationError
from wanshang.common.money import fen_to_yuan_str
from wanshang.insights.trade import TradeReport

YUAN_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
TABLES = ("hours", "days", "shops")


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    content_type: str


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = "text"  # text / int / yuan / date


def _yuan(fen: int) -> Decimal:
    return Decimal(int(fen)) / 100


def _table(report: TradeReport, table: str) -> tuple[str, list[Column], list[list]]:
    """(sheet title, columns, rows): rows hold ints for counts and fen for amounts, converted on write."""
    if table == "hours":
        cols = [
            Column(_("日期"), "date"),
            Column(_("时段")),
            Column(_("支付订单数"), "int"),
            Column(_("支付金额（元）"), "yuan"),
            Column(_("退款金额（元）"), "yuan"),
        ]
        rows = [[h.day, h.label, h.orders, h.amount_fen, h.refund_fen] for h in report.hours]
        return _("按小时"), cols, rows
    if table == "days":
        cols = [
            Column(_("日期"), "date"),
            Column(_("支付订单数"), "int"),
            Column(_("支付金额（元）"), "yuan"),
            Column(_("支付买家数"), "int"),
            Column(_("退款金额（元）"), "yuan"),
        ]
        rows = [[d.day, d.orders, d.amount_fen, d.buyers, d.refund_fen] for d in report.days]
        t = report.totals
        rows.append([_("合计"), t.orders, t.amount_fen, t.buyers, t.refund_fen])
        return _("按日"), cols, rows
    if table == "shops" and report.shops is not None:
        cols = [
            Column(_("店铺编号"), "int"),
            Column(_("店铺")),
            Column(_("支付订单数"), "int"),
            Column(_("支付金额（元）"), "yuan"),
            Column(_("支付买家数"), "int"),
            Column(_("退款金额（元）"), "yuan"),
        ]
        rows = [
            [s.shop_id, s.shop_name, s.orders, s.amount_fen, s.buyers, s.refund_fen] for s in report.shops
        ]
        return _("按店铺"), cols, rows
    raise ValidationError(_("没有这张报表：%(t)s") % {"t": table}, field="report")


def _tables(report: TradeReport) -> list[str]:
    return [t for t in TABLES if t != "shops" or report.shops is not None]


def _basename(report: TradeReport) -> str:
    scope = report.shop.slug if report.shop is not None else "platform"
    return f"trade-{scope}-{report.range.start:%Y%m%d}-{report.range.end:%Y%m%d}"


def trade_xlsx(report: TradeReport) -> ExportFile:
    """The hourly, daily (with a 合计 row) and, on the platform, per-shop tables, one sheet each."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for table in _tables(report):
        title, cols, rows = _table(report, table)
        sheet = book.create_sheet(title)
        sheet.append([c.title for c in cols])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            out = []
            for col, value in zip(cols, row, strict=True):
                out.append(_yuan(value) if col.kind == "yuan" else value)
            sheet.append(out)
        for idx, col in enumerate(cols, start=1):
            letter = sheet.cell(row=1, column=idx).column_letter
            sheet.column_dimensions[letter].width = 16 if col.kind != "text" else 20
            if col.kind in ("yuan", "date"):
                for (cell,) in sheet.iter_rows(min_row=2, min_col=idx, max_col=idx):
                    cell.number_format = YUAN_FORMAT if col.kind == "yuan" else DATE_FORMAT
        sheet.freeze_panes = "A2"
    buf = io.BytesIO()
    book.save(buf)
    return ExportFile(
        content=buf.getvalue(),
        filename=f"{_basename(report)}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def trade_csv(report: TradeReport, *, table: str = "hours") -> ExportFile:
    """One table as CSV (default the hourly rows): UTF-8 with BOM, yuan as "123.45"."""
    if table not in _tables(report):
        raise ValidationError(_("没有这张报表：%(t)s") % {"t": table}, field="report")
    _title, cols, rows = _table(report, table)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([c.title for c in cols])
    for row in rows:
        writer.writerow(
            [
                fen_to_yuan_str(value)
                if col.kind == "yuan"
                else value.isoformat()
                if col.kind == "date" and hasattr(value, "isoformat")
                else value
                for col, value in zip(cols, row, strict=True)
            ]
        )
    suffix = "" if table == "hours" else f"-{table}"
    return ExportFile(
        content=buf.getvalue().encode("utf-8-sig"),
        filename=f"{_basename(report)}{suffix}.csv",
        content_type="text/csv; charset=utf-8",
    )


def trade_export(report: TradeReport, *, fmt: str, table: str = "hours") -> ExportFile:
    """`fmt` xlsx (every table) or csv (`table`: hours, days or, on the platform, shops)."""
    if fmt == "xlsx":
        return trade_xlsx(report)
    if fmt == "csv":
        return trade_csv(report, table=table or "hours")
    raise ValidationError(_("导出格式只支持 xlsx 或 csv"), field="format")
