"""交易报表 selectors and exports: hourly figures computed by hand from a few hand-made events, including hour
and day boundaries in Asia/Shanghai; the Excel and CSV files read back equal the report."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from wanshang.analytics.tests.factories import add, local, save
from wanshang.common.errors import ValidationError
from wanshang.insights.exports import trade_csv, trade_export, trade_xlsx
from wanshang.insights.trade import platform_trade_report, trade_range, trade_report

pytestmark = [pytest.mark.django_db, pytest.mark.sql]


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def trade_events(a, b, day1: date) -> list:
    """Shop A: u1 pays at 09:59:59 and 10:30, u2 at 10:00:00 sharp, u3 at 23:59:59, u1 again at 00:00:00 the next
    day (16:00 UTC of day 1), a refund at 00:10; `order` and `item_paid` rows that must not count. Shop B: u9."""
    day2 = day1 + timedelta(days=1)
    ev: list = []
    add(
        ev,
        ts=local(day1, 9, 59) + timedelta(seconds=59),
        kind="paid",
        shop=a,
        user_id=1,
        order_id=1,
        amount_fen=10800,
    )
    add(ev, ts=local(day1, 10, 0), kind="paid", shop=a, user_id=2, order_id=2, amount_fen=5000)
    add(ev, ts=local(day1, 10, 0), kind="item_paid", shop=a, user_id=2, order_id=2, amount_fen=4000)
    add(ev, ts=local(day1, 10, 5), kind="order", shop=a, user_id=4, order_id=5, amount_fen=7777)
    add(ev, ts=local(day1, 10, 30), kind="paid", shop=a, user_id=1, order_id=3, amount_fen=2500)
    add(
        ev,
        ts=local(day1, 23, 59) + timedelta(seconds=59),
        kind="paid",
        shop=a,
        user_id=3,
        order_id=4,
        amount_fen=999,
    )
    add(ev, ts=local(day2, 0, 0), kind="paid", shop=a, user_id=1, order_id=6, amount_fen=1200)
    add(ev, ts=local(day2, 0, 10), kind="refund", shop=a, user_id=2, order_id=2, amount_fen=2000)
    add(ev, ts=local(day1, 10, 15), kind="paid", shop=b, user_id=9, order_id=7, amount_fen=3000)
    add(
        ev,
        ts=local(day1 - timedelta(days=1), 23, 59),
        kind="paid",
        shop=a,
        user_id=5,
        order_id=8,
        amount_fen=100000,
    )
    return save(ev)


@pytest.fixture
def two_shops(make_shop):
    return make_shop(), make_shop()


def test_local_midnight_is_day_two_although_utc_is_still_day_one():
    assert local(date(2026, 5, 2), 0, 0).astimezone(UTC) == datetime(2026, 5, 1, 16, 0, tzinfo=UTC)


def test_shop_report_counts_by_local_hour_and_day(two_shops):
    a, b = two_shops
    day1 = days_ago(3)
    day2 = day1 + timedelta(days=1)
    trade_events(a, b, day1)

    report = trade_report(shop=a, rng=trade_range(start=day1, end=day2))

    nonzero = {
        (h.day, h.hour): (h.orders, h.amount_fen, h.refund_fen)
        for h in report.hours
        if h.orders or h.refund_fen
    }
    assert nonzero == {
        (day1, 9): (1, 10800, 0),
        (day1, 10): (2, 7500, 0),
        (day1, 23): (1, 999, 0),
        (day2, 0): (1, 1200, 2000),
    }
    assert len(report.hours) == 48 and report.hours[0].start == local(day1, 0)
    assert report.hours[10].label == "10:00–11:00" and report.hours[23].label == "23:00–24:00"
    d1, d2 = report.days
    assert (d1.day, d1.orders, d1.amount_fen, d1.buyers, d1.refund_fen) == (day1, 4, 19299, 3, 0)
    assert (d2.day, d2.orders, d2.amount_fen, d2.buyers, d2.refund_fen) == (day2, 1, 1200, 1, 2000)
    t = report.totals
    # u1 paid on both days: counted once over the range
    assert (t.orders, t.amount_fen, t.buyers, t.refund_fen) == (5, 20499, 3, 2000)
    assert report.shops is None


def test_platform_report_covers_every_shop_with_a_per_shop_table(two_shops):
    a, b = two_shops
    day1 = days_ago(3)
    trade_events(a, b, day1)

    report = platform_trade_report(rng=trade_range(start=day1, end=day1))

    hour10 = report.hours[10]
    assert (hour10.orders, hour10.amount_fen) == (3, 10500)
    t = report.totals
    assert (t.orders, t.amount_fen, t.buyers, t.refund_fen) == (5, 22299, 4, 0)
    assert [(s.shop_id, s.shop_name, s.orders, s.amount_fen, s.buyers) for s in report.shops] == [
        (a.pk, a.name, 4, 19299, 3),
        (b.pk, b.name, 1, 3000, 1),
    ]

    only_b = platform_trade_report(rng=trade_range(start=day1, end=day1), shop_id=b.pk)
    assert (only_b.totals.orders, only_b.totals.amount_fen) == (1, 3000)


def test_hours_that_have_not_begun_are_left_out(two_shops):
    a, b = two_shops
    day1 = days_ago(3)
    trade_events(a, b, day1)
    day2 = day1 + timedelta(days=1)

    report = trade_report(shop=a, rng=trade_range(start=day1, end=day2), now=local(day2, 10, 30))

    assert len(report.hours) == 24 + 11
    assert report.hours[-1].start == local(day2, 10)


def test_shop_report_needs_a_shop():
    from wanshang.common.scoping import ShopScopeMissing

    with pytest.raises(ShopScopeMissing):
        trade_report(shop=None, rng=trade_range())


def test_range_defaults_to_the_last_seven_days_including_today():
    today = date(2026, 6, 30)
    rng = trade_range(today=today)
    assert (rng.start, rng.end, rng.days) == (date(2026, 6, 24), today, 7)
    assert trade_range(start="2026-06-01", today=today).end == today
    assert trade_range(end="2026-06-10", today=today).start == date(2026, 6, 4)
    assert trade_range(start="2026-04-01", end="2026-07-01", today=date(2026, 7, 1)).days == 92


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        ("2026-06-10", "2026-06-01", "start", "开始日期不能晚于结束日期"),
        ("2026-03-01", "2026-06-30", "start", "最长 92 天"),
        ("2026-06-01", "2026-07-02", "end", "不能晚于今天"),
        ("2026/06/01", None, "start", "YYYY-MM-DD"),
        (None, "yesterday", "end", "YYYY-MM-DD"),
    ],
)
def test_bad_ranges_are_refused_with_a_clear_message(start, end, field, message):
    with pytest.raises(ValidationError) as caught:
        trade_range(start=start, end=end, today=date(2026, 6, 30))
    assert caught.value.field == field and message in caught.value.message


def _yuan_fen(value) -> int:
    return round(float(value) * 100)


def test_excel_export_reads_back_as_the_report(two_shops):
    a, b = two_shops
    day1 = days_ago(3)
    trade_events(a, b, day1)
    report = trade_report(shop=a, rng=trade_range(start=day1, end=day1 + timedelta(days=1)))

    export = trade_xlsx(report)
    book = load_workbook(io.BytesIO(export.content))

    assert export.filename == f"trade-{a.slug}-{day1:%Y%m%d}-{day1 + timedelta(days=1):%Y%m%d}.xlsx"
    assert book.sheetnames == ["按小时", "按日"]
    hours = list(book["按小时"].iter_rows(values_only=True))
    assert hours[0] == ("日期", "时段", "支付订单数", "支付金额（元）", "退款金额（元）")
    assert [(r[0].date(), r[1], r[2], _yuan_fen(r[3]), _yuan_fen(r[4])) for r in hours[1:]] == [
        (h.day, h.label, h.orders, h.amount_fen, h.refund_fen) for h in report.hours
    ]
    days = list(book["按日"].iter_rows(values_only=True))
    assert days[0] == ("日期", "支付订单数", "支付金额（元）", "支付买家数", "退款金额（元）")
    assert [(r[0].date(), r[1], _yuan_fen(r[2]), r[3], _yuan_fen(r[4])) for r in days[1:-1]] == [
        (d.day, d.orders, d.amount_fen, d.buyers, d.refund_fen) for d in report.days
    ]
    assert days[-1] == ("合计", 5, 204.99, 3, 20)
    amount_cell = book["按日"]["C2"]
    assert amount_cell.number_format == "#,##0.00" and isinstance(amount_cell.value, float)
    assert book["按日"]["A2"].number_format == "yyyy-mm-dd"


def test_platform_excel_has_a_sheet_per_shop_table(two_shops):
    a, b = two_shops
    day1 = days_ago(3)
    trade_events(a, b, day1)
    report = platform_trade_report(rng=trade_range(start=day1, end=day1))

    book = load_workbook(io.BytesIO(trade_export(report, fmt="xlsx").content))

    assert book.sheetnames == ["按小时", "按日", "按店铺"]
    rows = list(book["按店铺"].iter_rows(values_only=True))
    assert rows[1:] == [(a.pk, a.name, 4, 192.99, 3, 0), (b.pk, b.name, 1, 30, 1, 0)]


def test_csv_export_is_utf8_with_bom_and_yuan_text(two_shops):
    a, b = two_shops
    day1 = days_ago(3)
    trade_events(a, b, day1)
    report = trade_report(shop=a, rng=trade_range(start=day1, end=day1 + timedelta(days=1)))

    export = trade_csv(report)
    assert export.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0] == ["日期", "时段", "支付订单数", "支付金额（元）", "退款金额（元）"]
    assert rows[1:] == [
        [
            h.day.isoformat(),
            h.label,
            str(h.orders),
            f"{h.amount_fen // 100}.{h.amount_fen % 100:02d}",
            f"{h.refund_fen // 100}.{h.refund_fen % 100:02d}",
        ]
        for h in report.hours
    ]
    assert rows[11] == [day1.isoformat(), "10:00–11:00", "2", "75.00", "0.00"]

    daily = list(csv.reader(io.StringIO(trade_csv(report, table="days").content.decode("utf-8-sig"))))
    assert daily[-1] == ["合计", "5", "204.99", "3", "20.00"]


def test_export_refuses_unknown_formats_and_tables(two_shops):
    a, _b = two_shops
    report = trade_report(shop=a, rng=trade_range())
    with pytest.raises(ValidationError):
        trade_export(report, fmt="pdf")
    with pytest.raises(ValidationError):
        trade_export(report, fmt="csv", table="shops")  # only the platform has a per-shop table
