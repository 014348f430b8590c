"""推广报表's crowd section (引力魔方) on the page, in the Excel export and the API: the own shop's crowds only,
another shop's plan 404, a keyword plan or a bad period 400, a malformed parameter 422."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from wanshang.ads import services
from wanshang.ads.tests.audience.test_reports import shown

pytestmark = pytest.mark.django_db
URL = "/api/seller/ads/reports/crowds"


@pytest.fixture
def audience(make_shop, make_product):
    """audience(shop=None) → (shop, plan, target): an audience plan with a crowd and 3 impressions today."""

    def make(shop=None):
        shop = shop or make_shop()
        plan = services.plan_create(
            shop=shop,
            data=services.PlanInput(
                name="人群计划",
                daily_budget_fen=5000,
                start_date=timezone.localdate(),
                end_date=timezone.localdate() + timedelta(days=5),
                kind="audience",
            ),
        )
        product = make_product(shop, title="碎花连衣裙")
        group = services.group_create(shop=shop, plan_id=plan.pk, product_id=product.pk, default_bid_fen=100)
        target = services.target_add(shop=shop, plan_id=plan.pk, kind="similar", multiplier_pct=120)
        shown(group, 3, crowd=target.pk, price=100, ts=timezone.now())
        return shop, plan, target

    return make


def test_the_page_and_the_export_show_the_shops_crowds(audience, login_client):
    shop, plan, target = audience()
    client = login_client(shop.owner)
    page = client.get(reverse("sellercenter:ads_reports"))
    assert page.status_code == 200 and 'data-testid="crowds-table"' in page.text
    [row] = page.context["crowds"].rows
    assert (row.key, row.impressions, row.label) == (target.pk, 3, "相似商品访客")
    export = client.get(reverse("sellercenter:ads_reports_export"), {"plan": plan.pk})
    book = load_workbook(io.BytesIO(export.content))
    assert "人群报表" in book.sheetnames
    assert book["人群报表"]["A2"].value == "相似商品访客" and book["人群报表"]["B2"].value == 3


def test_a_keyword_plan_or_a_shop_without_audience_plans_has_no_crowd_section(make_shop, login_client):
    shop = make_shop()
    plan = services.plan_create(
        shop=shop,
        data=services.PlanInput(name="关键词计划", daily_budget_fen=5000, start_date=timezone.localdate()),
    )
    client = login_client(shop.owner)
    assert client.get(reverse("sellercenter:ads_reports")).context["crowds"] is None
    assert client.get(reverse("sellercenter:ads_reports"), {"plan": plan.pk}).context["crowds"] is None


def test_the_api_answers_the_own_crowds_and_never_another_shops(audience, login_client):
    shop, plan, target = audience()
    shop_b, plan_b, target_b = audience()
    client = login_client(shop.owner)
    mine = client.get(URL, {"plan_id": plan.pk})
    assert mine.status_code == 200, mine.content
    assert [(r["key"], r["impressions"]) for r in mine.json()["rows"]] == [(str(target.pk), 3)]
    assert mine.json()["plan_id"] == plan.pk
    every = client.get(URL).json()
    assert every["plan_id"] is None and [r["key"] for r in every["rows"]] == [str(target.pk)]
    assert client.get(URL, {"plan_id": plan_b.pk}).status_code == 404
    page = client.get(reverse("sellercenter:ads_reports"), {"plan": plan_b.pk})
    assert page.status_code == 404


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"days": 0}, 422),
        ({"days": 91}, 422),
        ({"days": "x"}, 422),
        ({"plan_id": "abc"}, 422),
        ({"plan_id": 0}, 422),
        ({"start": "2026-13-01", "end": "2026-12-01"}, 422),
        ({"start": "2026-12-05", "end": "2026-12-01"}, 400),
        ({"start": "2026-12-01"}, 400),
    ],
)
def test_bad_parameters_are_refused(audience, login_client, query, status):
    shop, _plan, _target = audience()
    got = login_client(shop.owner).get(URL, query)
    assert got.status_code == status, got.content
    assert got.json().get("detail") or got.json().get("message")


def test_a_keyword_plan_is_a_400_in_the_api(make_shop, login_client):
    shop = make_shop()
    plan = services.plan_create(
        shop=shop,
        data=services.PlanInput(name="关键词计划", daily_budget_fen=5000, start_date=timezone.localdate()),
    )
    got = login_client(shop.owner).get(URL, {"plan_id": plan.pk})
    assert got.status_code == 400 and "人群推广" in str(got.json())
