"""Platform 数据中心 · 交易报表 (every shop, a per-shop table, one shop on request; Excel/CSV) and 异常提醒 across shops:
operators only; the platform marks only marketplace-wide alerts read."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from wanshang.analytics.tests.factories import add, local, save
from wanshang.insights.anomaly import (
    alerts_recent,
    alerts_unread_count,
    payment_gaps_scan,
    platform_alert_list,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shops(make_shop):
    return make_shop(), make_shop()


@pytest.fixture
def trade(shops):
    """Shop A: 2 orders (23:59 day 1 and 00:00 day 2) by one buyer; shop B: 1 order at 10:00 day 1, a refund."""
    a, b = shops
    day1 = timezone.localdate() - timedelta(days=2)
    day2 = day1 + timedelta(days=1)
    ev: list = []
    add(ev, ts=local(day1, 23, 59), kind="paid", shop=a, user_id=1, amount_fen=2000)
    add(ev, ts=local(day2, 0, 0), kind="paid", shop=a, user_id=1, amount_fen=3050)
    add(ev, ts=local(day1, 10, 0), kind="paid", shop=b, user_id=2, amount_fen=10000)
    add(ev, ts=local(day2, 9, 0), kind="refund", shop=b, user_id=2, amount_fen=2500)
    save(ev)
    return {"start": day1.isoformat(), "end": day2.isoformat()}


def test_marketplace_report_with_the_per_shop_table(op_client, shops, trade):
    a, b = shops
    response = op_client.get(reverse("platform:data_trade"), trade)

    assert response.status_code == 200
    report = response.context["report"]
    assert (
        report.totals.orders,
        report.totals.amount_fen,
        report.totals.buyers,
        report.totals.refund_fen,
    ) == (3, 15050, 2, 2500)
    assert [(h.day.isoformat(), h.hour, h.orders) for h in report.hours if h.orders] == [
        (trade["start"], 10, 1),
        (trade["start"], 23, 1),
        (trade["end"], 0, 1),
    ]
    assert [(s.shop_id, s.orders, s.amount_fen, s.buyers, s.refund_fen) for s in report.shops] == [
        (b.pk, 1, 10000, 1, 2500),
        (a.pk, 2, 5050, 1, 0),
    ]
    html = response.content.decode()
    assert 'data-testid="total-amount">150.50<' in html and a.name in html and b.name in html
    assert 'id="trade-chart"' in html

    only_a = op_client.get(reverse("platform:data_trade"), {**trade, "shop": a.pk}).context["report"]
    assert (only_a.totals.orders, only_a.totals.amount_fen) == (2, 5050)


def test_bad_range_is_a_400(op_client):
    response = op_client.get(reverse("platform:data_trade"), {"start": "2026-02-01", "end": "2026-01-01"})
    assert response.status_code == 400 and "开始日期不能晚于结束日期" in response.content.decode()
    export = op_client.get(reverse("platform:data_trade_export", args=["csv"]), {"start": "x"})
    assert export.status_code == 400
    api = op_client.get("/api/platform/data/trade", {"start": "2020-01-01", "end": "2020-12-31"})
    assert api.status_code == 400 and "最长 92 天" in api.json()["detail"]


def test_downloads_equal_the_page(op_client, shops, trade):
    report = op_client.get(reverse("platform:data_trade"), trade).context["report"]

    xlsx = op_client.get(reverse("platform:data_trade_export", args=["xlsx"]), trade)
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["按小时", "按日", "按店铺"]
    hours = list(book["按小时"].iter_rows(min_row=2, values_only=True))
    assert [(r[2], round(r[3] * 100)) for r in hours] == [(h.orders, h.amount_fen) for h in report.hours]
    per_shop = list(book["按店铺"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[2], round(r[3] * 100), r[4], round(r[5] * 100)) for r in per_shop] == [
        (s.shop_id, s.shop_name, s.orders, s.amount_fen, s.buyers, s.refund_fen) for s in report.shops
    ]

    shops_csv = op_client.get(
        reverse("platform:data_trade_export", args=["csv"]), {**trade, "report": "shops"}
    )
    rows = list(csv.reader(io.StringIO(shops_csv.content.decode("utf-8-sig"))))
    assert shops_csv.content.startswith("\ufeff".encode())
    assert rows[1:] == [
        [
            str(s.shop_id),
            s.shop_name,
            str(s.orders),
            f"{s.amount_fen / 100:.2f}",
            str(s.buyers),
            f"{s.refund_fen / 100:.2f}",
        ]
        for s in report.shops
    ]


def test_api_trade_and_export(op_client, shops, trade):
    a, b = shops
    data = op_client.get("/api/platform/data/trade", trade).json()
    assert data["totals"] == {"orders": 3, "amount_fen": 15050, "buyers": 2, "refund_fen": 2500}
    assert [s["shop_id"] for s in data["shops"]] == [b.pk, a.pk] and data["shop_id"] is None
    assert (
        op_client.get("/api/platform/data/trade", {**trade, "shop_id": a.pk}).json()["totals"]["orders"] == 2
    )
    assert op_client.get("/api/platform/data/trade", {**trade, "shop_id": 999999}).status_code == 404

    xlsx = op_client.get("/api/platform/data/trade/export.xlsx", trade)
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames == ["按小时", "按日", "按店铺"]
    assert op_client.get("/api/platform/data/trade/export.csv", trade).content.startswith(b"\xef\xbb\xbf")


def test_non_operators_are_refused(client, shops):
    a, _b = shops
    client.force_login(a.owner)
    assert client.get(reverse("platform:data_trade")).status_code == 403
    assert client.get(reverse("platform:data_alerts")).status_code == 403
    assert client.get("/api/platform/data/trade").status_code == 403
    assert client.get("/api/platform/data/alerts").status_code == 403


# --- 异常提醒 -----------------------------------------------------------------------------------------------------


@pytest.fixture
def alerts(shops):
    """Shop A stops paying for an hour that usually has 10 payments (and, being the whole marketplace's
    payments, so does the platform): a shop alert and a platform alert."""
    a, _b = shops
    hour = local(timezone.localdate() - timedelta(days=1), 14)
    ev: list = []
    for days in (1, 2, 3, 4, 5, 6, 7, 14, 21, 28):
        for i in range(10):
            add(ev, ts=hour - timedelta(days=days) + timedelta(minutes=5 * i), kind="paid", shop=a, user_id=i)
    save(ev)
    payment_gaps_scan(now=hour + timedelta(hours=1, minutes=5))
    return {"shop": alerts_recent(a, limit=1)[0], "platform": platform_alert_list(scope="platform").get()}


def test_alerts_page_lists_shop_and_platform_alerts(op_client, shops, alerts):
    a, _b = shops
    html = op_client.get(reverse("platform:data_alerts")).content.decode()

    assert (
        f'data-testid="alert-{alerts["shop"].pk}"' in html
        and f'data-testid="alert-{alerts["platform"].pk}"' in html
    )
    assert a.name in html and "全平台 " in html and "全平台未读 1 条" in html
    only_platform = op_client.get(reverse("platform:data_alerts"), {"scope": "platform"}).context["page"]
    assert list(only_platform) == [alerts["platform"]]
    only_a = op_client.get(reverse("platform:data_alerts"), {"shop": a.pk}).context["page"]
    assert list(only_a) == [alerts["shop"]]


def test_platform_marks_only_marketplace_alerts_read(op_client, shops, alerts):
    a, _b = shops
    response = op_client.post(reverse("platform:data_alert_read", args=[alerts["platform"].pk]))
    assert response.status_code == 302
    assert "全平台未读 0 条" in op_client.get(reverse("platform:data_alerts")).content.decode()

    refused = op_client.post(reverse("platform:data_alert_read", args=[alerts["shop"].pk]))
    assert refused.status_code == 400 and "由店铺" in refused.content.decode()
    assert alerts_unread_count(a) == 1
    assert op_client.post(reverse("platform:data_alert_read", args=[999999])).status_code == 404


def test_api_alerts(op_client, shops, alerts):
    data = op_client.get("/api/platform/data/alerts").json()
    assert (
        data["count"] == 2 and data["platform_unread_count"] == 1 and (data["page"], data["pages"]) == (1, 1)
    )
    assert {item["shop_id"] for item in data["items"]} == {shops[0].pk, None}
    assert op_client.get("/api/platform/data/alerts", {"scope": "shops"}).json()["count"] == 1
    assert op_client.get("/api/platform/data/alerts", {"scope": "bad"}).status_code == 400

    read = op_client.post(f"/api/platform/data/alerts/{alerts['platform'].pk}/read")
    assert read.status_code == 200 and read.json()["read"] is True
    assert op_client.get("/api/platform/data/alerts").json()["platform_unread_count"] == 0
    assert op_client.post(f"/api/platform/data/alerts/{alerts['shop'].pk}/read").status_code == 400
