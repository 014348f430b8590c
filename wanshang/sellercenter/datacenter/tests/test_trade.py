"""Seller 数据中心 · 交易报表 and 异常提醒: the page, its Excel/CSV downloads and the JSON API show the same figures;
bad ranges are a clear 400; alerts are listed, counted and marked read per shop (another shop's alert is 404)."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from wanshang.analytics.tests.factories import add, local, save
from wanshang.insights.anomaly import alerts_recent, alerts_unread_count, payment_gaps_scan

pytestmark = pytest.mark.django_db


@pytest.fixture
def day1():
    return timezone.localdate() - timedelta(days=2)


@pytest.fixture
def trade(shop, other_shop, day1):
    """The shop: 3 paid orders on day 1 (09:59:59, 10:00:00, 23:30 by two buyers), one just after midnight and
    a refund on day 2. The other shop: one large payment that must never show."""
    day2 = day1 + timedelta(days=1)
    ev: list = []
    add(
        ev, ts=local(day1, 9, 59) + timedelta(seconds=59), kind="paid", shop=shop, user_id=1, amount_fen=12345
    )
    add(ev, ts=local(day1, 10, 0), kind="paid", shop=shop, user_id=2, amount_fen=800)
    add(ev, ts=local(day1, 23, 30), kind="paid", shop=shop, user_id=1, amount_fen=1)
    add(ev, ts=local(day2, 0, 0), kind="paid", shop=shop, user_id=3, amount_fen=5000)
    add(ev, ts=local(day2, 1, 0), kind="refund", shop=shop, user_id=2, amount_fen=800)
    add(ev, ts=local(day1, 10, 0), kind="paid", shop=other_shop, user_id=9, amount_fen=999999)
    save(ev)
    return {"start": day1.isoformat(), "end": day2.isoformat()}


def gap_alert(shop, hour):
    """Ten payments at `hour`'s time on each of the 4 previous weeks' and 7 previous days' hours, none at `hour`:
    one payment_gap alert for the shop (and the marketplace)."""
    ev: list = []
    for days in (1, 2, 3, 4, 5, 6, 7, 14, 21, 28):
        for i in range(10):
            add(
                ev,
                ts=hour - timedelta(days=days) + timedelta(minutes=5 * i),
                kind="paid",
                shop=shop,
                user_id=i,
            )
    save(ev)
    payment_gaps_scan(now=hour + timedelta(hours=1, minutes=5))
    return alerts_recent(shop, limit=1)[0]


def test_trade_page_shows_hourly_and_daily_figures(owner_client, trade, day1):
    response = owner_client.get(reverse("sellercenter:data_trade"), trade)

    assert response.status_code == 200
    report = response.context["report"]
    assert [(h.hour, h.orders, h.amount_fen) for h in report.hours if h.orders] == [
        (9, 1, 12345),
        (10, 1, 800),
        (23, 1, 1),
        (0, 1, 5000),
    ]
    assert [(d.orders, d.amount_fen, d.buyers, d.refund_fen) for d in report.days] == [
        (3, 13146, 2, 0),
        (1, 5000, 1, 800),
    ]
    html = response.content.decode()
    assert 'data-testid="total-amount">181.46<' in html
    assert 'data-testid="total-buyers">3<' in html
    assert "9999.99" not in html
    assert 'id="trade-chart"' in html and "vendor/echarts.min.js" in html
    chart = response.context["chart"]
    assert len(chart["labels"]) == 48 and sum(chart["orders"]) == 4 and sum(chart["amount_fen"]) == 18146
    assert "start=" + trade["start"] in html  # the export links carry the range


def test_trade_page_defaults_to_the_last_7_days(owner_client):
    report = owner_client.get(reverse("sellercenter:data_trade")).context["report"]
    assert report.range.days == 7 and report.range.end == timezone.localdate()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-06-10", "end": "2026-06-01"}, "开始日期不能晚于结束日期"),
        ({"start": "2020-01-01", "end": "2020-12-31"}, "最长 92 天"),
        ({"start": "昨天"}, "YYYY-MM-DD"),
    ],
)
def test_bad_ranges_are_a_400_with_the_reason(owner_client, params, message):
    page = owner_client.get(reverse("sellercenter:data_trade"), params)
    assert page.status_code == 400 and message in page.content.decode()

    export = owner_client.get(reverse("sellercenter:data_trade_export", args=["xlsx"]), params)
    assert export.status_code == 400 and message in export.content.decode()

    api = owner_client.get("/api/seller/data/trade", params)
    assert api.status_code == 400 and message in api.json()["detail"]


def test_excel_download_equals_the_page(owner_client, trade):
    report = owner_client.get(reverse("sellercenter:data_trade"), trade).context["report"]

    response = owner_client.get(reverse("sellercenter:data_trade_export", args=["xlsx"]), trade)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    hours = list(book["按小时"].iter_rows(min_row=2, values_only=True))
    assert [(r[0].date(), r[1], r[2], round(r[3] * 100), round(r[4] * 100)) for r in hours] == [
        (h.day, h.label, h.orders, h.amount_fen, h.refund_fen) for h in report.hours
    ]
    days = list(book["按日"].iter_rows(min_row=2, values_only=True))
    assert [(r[1], round(r[2] * 100), r[3], round(r[4] * 100)) for r in days] == [
        (d.orders, d.amount_fen, d.buyers, d.refund_fen) for d in report.days
    ] + [(4, 18146, 3, 800)]


def test_csv_download_equals_the_page(owner_client, trade):
    report = owner_client.get(reverse("sellercenter:data_trade"), trade).context["report"]

    response = owner_client.get(
        reverse("sellercenter:data_trade_export", args=["csv"]), {**trade, "report": "days"}
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["日期", "支付订单数", "支付金额（元）", "支付买家数", "退款金额（元）"]
    assert rows[1:] == [
        [
            d.day.isoformat(),
            str(d.orders),
            f"{d.amount_fen / 100:.2f}",
            str(d.buyers),
            f"{d.refund_fen / 100:.2f}",
        ]
        for d in report.days
    ] + [["合计", "4", "181.46", "3", "8.00"]]
    hourly = owner_client.get(reverse("sellercenter:data_trade_export", args=["csv"]), trade)
    assert len(list(csv.reader(io.StringIO(hourly.content.decode("utf-8-sig"))))) == 1 + 48


def test_api_trade_and_exports(owner_client, trade, day1):
    data = owner_client.get("/api/seller/data/trade", trade).json()

    assert data["start"] == trade["start"] and data["end"] == trade["end"]
    assert data["totals"] == {"orders": 4, "amount_fen": 18146, "buyers": 3, "refund_fen": 800}
    assert [(d["orders"], d["amount_fen"], d["buyers"], d["refund_fen"]) for d in data["days"]] == [
        (3, 13146, 2, 0),
        (1, 5000, 1, 800),
    ]
    first_of_day2 = data["hours"][24]
    assert first_of_day2["label"] == "00:00–01:00" and first_of_day2["orders"] == 1
    assert first_of_day2["start"].endswith("+08:00")

    xlsx = owner_client.get("/api/seller/data/trade/export.xlsx", trade)
    assert xlsx.status_code == 200
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames == ["按小时", "按日"]
    csv_file = owner_client.get("/api/seller/data/trade/export.csv", {**trade, "report": "days"})
    assert csv_file.content.decode("utf-8-sig").splitlines()[-1] == "合计,4,181.46,3,8.00"
    assert (
        owner_client.get("/api/seller/data/trade/export.csv", {**trade, "report": "shops"}).status_code == 400
    )


def test_roles_without_data_permission_are_refused(client, shop, make_staff):
    client.force_login(make_staff(shop, "warehouse"))
    assert client.get(reverse("sellercenter:data_trade")).status_code == 403
    assert client.get(reverse("sellercenter:data_alerts")).status_code == 403
    assert client.get("/api/seller/data/trade").status_code == 403
    assert client.get("/api/seller/data/alerts").status_code == 403
    client.force_login(make_staff(shop, "finance"))
    assert client.get(reverse("sellercenter:data_trade")).status_code == 200


# --- 异常提醒 -----------------------------------------------------------------------------------------------------


@pytest.fixture
def alert(shop):
    hour = local(timezone.localdate() - timedelta(days=1), 14)
    return gap_alert(shop, hour)


def test_alerts_page_lists_unread_and_marks_read(owner_client, shop, alert):
    page = owner_client.get(reverse("sellercenter:data_alerts"))

    html = page.content.decode()
    assert page.status_code == 200
    assert f'data-testid="alert-{alert.pk}"' in html
    assert "14:00–15:00 支付订单 0 笔，同期通常约 10 笔" in html
    assert "未读 1 条" in html

    response = owner_client.post(reverse("sellercenter:data_alert_read", args=[alert.pk]))
    assert response.status_code == 302
    assert alerts_unread_count(shop) == 0
    assert "未读 0 条" in owner_client.get(reverse("sellercenter:data_alerts")).content.decode()
    unread_page = owner_client.get(reverse("sellercenter:data_alerts"), {"unread": "1"})
    assert unread_page.context["page"].paginator.count == 0


def test_mark_all_read(owner_client, shop, alert):
    response = owner_client.post(reverse("sellercenter:data_alerts_read_all"))
    assert response.status_code == 302 and alerts_unread_count(shop) == 0


def test_api_alerts(owner_client, shop, alert):
    data = owner_client.get("/api/seller/data/alerts").json()
    assert (data["count"], data["page"], data["pages"], data["unread_count"]) == (1, 1, 1, 1)
    item = data["items"][0]
    assert (item["id"], item["kind"], item["observed"], item["expected"], item["read"]) == (
        alert.pk,
        "payment_gap",
        0,
        10.0,
        False,
    )
    assert item["kind_label"] == "支付异常下跌"

    read = owner_client.post(f"/api/seller/data/alerts/{alert.pk}/read")
    assert read.status_code == 200 and read.json()["read"] is True
    assert owner_client.get("/api/seller/data/alerts", {"unread": "true"}).json()["count"] == 0
    assert owner_client.post("/api/seller/data/alerts/read-all").json() == {"changed": 0}


def test_shop_cannot_read_or_mark_another_shops_alert(client, shop, other_shop, alert):
    client.force_login(other_shop.owner)

    assert (
        f'data-testid="alert-{alert.pk}"'
        not in client.get(reverse("sellercenter:data_alerts")).content.decode()
    )
    assert client.post(reverse("sellercenter:data_alert_read", args=[alert.pk])).status_code == 404
    assert client.post(f"/api/seller/data/alerts/{alert.pk}/read").status_code == 404
    assert client.get("/api/seller/data/alerts").json()["count"] == 0
    assert alerts_unread_count(shop) == 1
