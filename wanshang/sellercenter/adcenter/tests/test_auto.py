"""全站推广 pages and API: create and edit a goal plan, its report with the ECharts options, bad input as form
errors or clear 4xx with nothing changed, and another shop's plan as 404 everywhere."""

import json
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from wanshang.ads import selectors

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _plans(shop):
    return [p for p, _a in selectors.autoplan_list(shop=shop)]


def _form(chosen, **changes):
    data = {
        "name": "全站推广计划",
        "products": [str(p.pk) for p in chosen],
        "daily_budget": "50.00",
        "target_roas": "3.00",
        "start_date": timezone.localdate().isoformat(),
        "pacing": "standard",
        "on_pc": "on",
        "on_mobile": "on",
    }
    data.update(changes)
    return data


def _body(products, **changes):
    body = {
        "name": "API 全站推广",
        "product_ids": [p.pk for p in products],
        "daily_budget_fen": 5_000,
        "target_roas_centi": 300,
        "start_date": timezone.localdate().isoformat(),
    }
    body.update(changes)
    return body


@pytest.fixture
def other_plan(make_shop, make_product):
    """A goal plan of another shop (made through the services)."""
    from wanshang.ads.services import AutoPlanInput, autoplan_create

    other = make_shop()
    product = make_product(other, title="别家连衣裙")
    return autoplan_create(
        shop=other,
        data=AutoPlanInput(
            name="别家计划",
            product_ids=[product.pk],
            daily_budget_fen=5_000,
            target_roas_centi=300,
            start_date=timezone.localdate(),
        ),
    )


def test_create_a_goal_plan_then_edit_it_and_read_its_report(shop, login_client, make_product):
    client = login_client(shop.owner)
    dress, shirt = make_product(shop, title="夏季碎花连衣裙"), make_product(shop, title="纯棉短袖T恤")
    page = client.get(reverse("sellercenter:ads_auto_create"))
    assert page.status_code == 200 and "夏季碎花连衣裙" in page.text
    response = client.post(reverse("sellercenter:ads_auto_create"), _form([dress, shirt]))
    assert response.status_code == 302, response.text
    [plan] = _plans(shop)
    assert response["Location"] == reverse("sellercenter:ads_auto", args=[plan.pk])
    assert plan.kind == "auto" and plan.daily_budget_fen == 5_000

    edit = client.get(reverse("sellercenter:ads_auto_edit", args=[plan.pk]))
    assert edit.status_code == 200 and 'value="3.00"' in edit.text
    response = client.post(
        reverse("sellercenter:ads_auto_edit", args=[plan.pk]), _form([shirt], target_roas="4.5")
    )
    assert response.status_code == 302
    _plan, auto = selectors.autoplan_get(shop=shop, plan_id=plan.pk)
    assert auto.target_roas_centi == 450
    assert [g.product_id for g in selectors.autoplan_products(shop=shop, plan_id=plan.pk)] == [shirt.pk]

    report = client.get(reverse("sellercenter:ads_auto", args=[plan.pk]))
    assert report.status_code == 200 and "投放受限原因" in report.text
    options = json.loads(
        unescape(re.search(r'id="auto-daily-chart" type="application/json">(.*?)</script>', report.text)[1])
    )
    assert [s["name"] for s in options["series"]] == ["花费(元)", "成交金额(元)", "目标投产比", "实际投产比"]
    assert options["series"][2]["data"][-1] == 4.5
    assert client.get(reverse("sellercenter:ads_auto", args=[plan.pk]), {"days": "30"}).status_code == 200
    # the plan list links a goal plan to its own page; the keyword plan page sends it there too
    assert (
        reverse("sellercenter:ads_auto", args=[plan.pk]) in client.get(reverse("sellercenter:ads_plans")).text
    )
    assert client.get(reverse("sellercenter:ads_plan", args=[plan.pk]))["Location"] == reverse(
        "sellercenter:ads_auto", args=[plan.pk]
    )
    done = client.post(reverse("sellercenter:ads_auto_status", args=[plan.pk]), {"status": "active"})
    assert (
        done.status_code == 302 and selectors.autoplan_get(shop=shop, plan_id=plan.pk)[0].status == "active"
    )


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"products": []}, "products", "请至少选择一个推广商品"),
        ({"target_roas": "0"}, "target_roas", "目标投产比必须大于 0"),
        ({"target_roas": "-3"}, "target_roas", "目标投产比必须大于 0"),
        ({"target_roas": "900"}, "target_roas", "目标投产比须在 0.50–50.00 之间"),
        ({"target_roas": "abc"}, "target_roas", "请填写数字"),
        ({"target_roas": "3.125"}, "target_roas", "最多两位小数"),
        ({"daily_budget": "0.05"}, "daily_budget", "日预算不能低于一次点击的价格"),
        ({"daily_budget": ""}, "daily_budget", ""),
    ],
)
def test_bad_input_is_a_form_error_and_creates_nothing(
    shop, login_client, make_product, changes, field, text
):
    client = login_client(shop.owner)
    product = make_product(shop)
    response = client.post(reverse("sellercenter:ads_auto_create"), _form([product], **changes))
    assert response.status_code == 400
    assert text in response.text
    assert _plans(shop) == []


def test_another_shops_product_is_a_form_error(shop, login_client, make_shop, make_product):
    client = login_client(shop.owner)
    theirs = make_product(make_shop(), title="别家商品")
    response = client.post(reverse("sellercenter:ads_auto_create"), _form([theirs]))
    assert response.status_code == 400 and "不属于本店" in response.text and "别家商品" not in response.text
    assert _plans(shop) == []


def test_another_shops_goal_plan_is_404_on_every_page(shop, login_client, other_plan, make_product):
    client = login_client(shop.owner)
    mine = make_product(shop)
    for name in ("sellercenter:ads_auto", "sellercenter:ads_auto_edit"):
        assert client.get(reverse(name, args=[other_plan.pk])).status_code == 404
    assert (
        client.post(reverse("sellercenter:ads_auto_edit", args=[other_plan.pk]), _form([mine])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("sellercenter:ads_auto_status", args=[other_plan.pk]), {"status": "active"}
        ).status_code
        == 404
    )
    assert other_plan.name not in client.get(reverse("sellercenter:ads_plans")).text


def test_a_bad_report_period_is_a_400(shop, login_client, make_product):
    client = login_client(shop.owner)
    client.post(reverse("sellercenter:ads_auto_create"), _form([make_product(shop)]))
    [plan] = _plans(shop)
    url = reverse("sellercenter:ads_auto", args=[plan.pk])
    assert client.get(url, {"days": "9"}).status_code == 400
    assert client.get(url, {"day": "2024-02-31"}).status_code == 400


# --- API -----------------------------------------------------------------------------------------------------


def test_the_api_creates_edits_and_reports_a_goal_plan(shop, login_client, make_product):
    client = login_client(shop.owner)
    product = make_product(shop, title="夏季碎花连衣裙")
    response = client.post("/api/seller/ads/auto-plans", _body([product]), content_type=JSON)
    assert response.status_code == 201, response.json()
    plan = response.json()
    assert plan["target_roas_centi"] == 300 and plan["product_ids"] == [product.pk]
    assert plan["lambda_micro"] == 1_000_000 and plan["status"] == "draft"
    response = client.put(
        f"/api/seller/ads/auto-plans/{plan['id']}", _body([product], target_roas_centi=250), content_type=JSON
    )
    assert response.status_code == 200 and response.json()["target_roas_centi"] == 250
    assert [p["id"] for p in client.get("/api/seller/ads/auto-plans").json()] == [plan["id"]]
    report = client.get(f"/api/seller/ads/auto-plans/{plan['id']}/report", {"days": 14}).json()
    assert len(report["days"]) == 14 and len(report["hours"]) == 24
    assert report["target_roas"] == 2.5 and report["achieved_roas"] is None and report["spend_fen"] == 0
    assert isinstance(report["limits"], list)
    # the status goes through the plans' endpoint like every plan
    response = client.post(
        f"/api/seller/ads/plans/{plan['id']}/status", {"status": "active"}, content_type=JSON
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"product_ids": []}, 400),
        ({"target_roas_centi": 0}, 400),
        ({"target_roas_centi": -100}, 400),
        ({"target_roas_centi": 99_999}, 400),
        ({"target_roas_centi": 2.5}, 422),
        ({"target_roas_centi": "abc"}, 422),
        ({"daily_budget_fen": 1}, 400),
        ({"daily_budget_fen": -5_000}, 400),
        ({"pacing": "turbo"}, 400),
        ({"extra": 1}, 422),
        ({"product_ids": [0]}, 400),
    ],
)
def test_api_bad_input_is_a_clear_4xx_and_changes_nothing(shop, login_client, make_product, changes, status):
    client = login_client(shop.owner)
    product = make_product(shop)
    response = client.post("/api/seller/ads/auto-plans", _body([product], **changes), content_type=JSON)
    assert response.status_code == status, response.json()
    assert response.json()["detail"]
    assert _plans(shop) == []


def test_api_another_shops_product_or_plan(shop, login_client, make_shop, make_product, other_plan):
    client = login_client(shop.owner)
    theirs = make_product(make_shop())
    response = client.post("/api/seller/ads/auto-plans", _body([theirs]), content_type=JSON)
    assert response.status_code == 400 and "不属于本店" in response.json()["detail"]
    mine = make_product(shop)
    assert client.get(f"/api/seller/ads/auto-plans/{other_plan.pk}").status_code == 404
    assert client.get(f"/api/seller/ads/auto-plans/{other_plan.pk}/report").status_code == 404
    response = client.put(f"/api/seller/ads/auto-plans/{other_plan.pk}", _body([mine]), content_type=JSON)
    assert response.status_code == 404
    assert client.get("/api/seller/ads/auto-plans").json() == []
    assert client.get(f"/api/seller/ads/auto-plans/{other_plan.pk}/report", {"days": 0}).status_code == 422
