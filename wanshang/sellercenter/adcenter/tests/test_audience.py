"""人群定向 of an audience plan, pages and /api/seller/ads/…/audience: settings and crowd targets through the
forms and the API, bad input refused with a clear error and nothing changed, another shop's plan, target and
crowd pack out of reach, and no competing shop ever named."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from wanshang.ads import selectors

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _plan_post(**changes):
    today = timezone.localdate()
    return {
        "name": "人群推广计划",
        "kind": "audience",
        "daily_budget": "50",
        "total_budget": "",
        "start_date": today.isoformat(),
        "end_date": (today + timedelta(days=10)).isoformat(),
        "pacing": "standard",
        "on_pc": "on",
        "on_mobile": "on",
        "hours": "",
        "regions": "",
        **changes,
    }


@pytest.fixture
def audience_plan(login_client, make_shop):
    """audience_plan(shop=None) → (shop, plan, client logged in as its owner), made through the seller pages."""

    def make(shop=None):
        shop = shop or make_shop()
        client = login_client(shop.owner)
        response = client.post(reverse("sellercenter:ads_plan_create"), _plan_post())
        assert response.status_code == 302
        plan = next(p for p in selectors.plan_list(shop=shop) if p.kind == "audience")
        return shop, plan, client

    return make


def _targets(shop, plan):
    return [(t.kind, t.multiplier_pct, t.status) for t in selectors.target_list(shop=shop, plan_id=plan.pk)]


def test_manage_crowd_targets_and_settings_through_the_pages(audience_plan, crowd_pack, make_shop):
    shop, plan, client = audience_plan()
    pack = crowd_pack(shop, name="复购老客")
    page = client.get(reverse("sellercenter:ads_plan", args=[plan.pk]))
    assert reverse("sellercenter:ads_audience", args=[plan.pk]) in page.text
    page = client.get(reverse("sellercenter:ads_audience", args=[plan.pk]))
    assert page.status_code == 200 and "复购老客" in page.text

    add = reverse("sellercenter:ads_audience_target_add", args=[plan.pk])
    assert client.post(add, {"kind": "pack", "pack_id": pack.pk, "multiplier_pct": 180}).status_code == 302
    assert client.post(add, {"kind": "competitor", "multiplier_pct": 120}).status_code == 302
    assert (
        client.post(add, {"kind": "intent", "words": "连衣裙 碎花", "multiplier_pct": 150}).status_code == 302
    )
    assert _targets(shop, plan) == [
        ("pack", 180, "active"),
        ("competitor", 120, "active"),
        ("intent", 150, "active"),
    ]
    [pack_t, rival_t, _intent] = selectors.target_list(shop=shop, plan_id=plan.pk)

    change = reverse("sellercenter:ads_audience_target", args=[rival_t.pk])
    assert client.post(change, {"multiplier_pct": 90}).status_code == 302
    assert client.post(change, {"status": "paused"}).status_code == 302
    assert _targets(shop, plan)[1] == ("competitor", 90, "paused")
    assert (
        client.post(reverse("sellercenter:ads_audience_target_delete", args=[pack_t.pk])).status_code == 302
    )
    assert [k for k, _m, _s in _targets(shop, plan)] == ["competitor", "intent"]

    setup = reverse("sellercenter:ads_audience_setup", args=[plan.pk])
    assert client.post(setup, {"billing": "cpm", "frequency_cap": 5}).status_code == 302
    got = selectors.audience_setup(shop=shop, plan_id=plan.pk)
    assert (got.billing, got.frequency_cap) == ("cpm", 5)

    # a competing shop in the same category is never named on the page
    rival = make_shop(name="隔壁竞品旗舰店")
    page = client.get(reverse("sellercenter:ads_audience", args=[plan.pk]))
    assert "竞品店铺访客" in page.text and rival.name not in page.text


@pytest.mark.parametrize(
    "data, message",
    [
        ({"kind": "similar", "multiplier_pct": 9}, "出价系数须是 10%–300% 的整数"),
        ({"kind": "similar", "multiplier_pct": 301}, "出价系数须是 10%–300% 的整数"),
        ({"kind": "similar", "multiplier_pct": "abc"}, ""),
        ({"kind": "lookalike", "multiplier_pct": 100}, ""),
        ({"kind": "pack", "multiplier_pct": 100}, "请选择人群包"),
        ({"kind": "pack", "pack_id": 987654, "multiplier_pct": 100}, "人群包不存在"),
        ({"kind": "intent", "words": " , ", "multiplier_pct": 100}, "请填写至少一个意向词"),
    ],
)
def test_bad_target_input_is_a_form_error_and_changes_nothing(audience_plan, data, message):
    shop, plan, client = audience_plan()
    response = client.post(reverse("sellercenter:ads_audience_target_add", args=[plan.pk]), data)
    assert response.status_code == 400
    assert message in response.text
    assert _targets(shop, plan) == []


def test_bad_settings_are_refused(audience_plan):
    shop, plan, client = audience_plan()
    setup = reverse("sellercenter:ads_audience_setup", args=[plan.pk])
    for data in ({"billing": "cpc", "frequency_cap": 0}, {"billing": "cpc", "frequency_cap": 51}):
        response = client.post(setup, data)
        assert response.status_code == 400 and "频次上限须是 1–50 次" in response.text
    assert client.post(setup, {"billing": "cpa", "frequency_cap": 3}).status_code == 400
    client.post(reverse("sellercenter:ads_plan_status", args=[plan.pk]), {"status": "active"})
    response = client.post(setup, {"billing": "cpm", "frequency_cap": 3})
    assert response.status_code == 409 and "不能再更改计费方式" in response.text
    got = selectors.audience_setup(shop=shop, plan_id=plan.pk)
    assert (got.billing, got.frequency_cap, got.pk) == ("cpc", 3, None)
    target = reverse("sellercenter:ads_audience_target_add", args=[plan.pk])
    client.post(target, {"kind": "similar", "multiplier_pct": 100})
    [t] = selectors.target_list(shop=shop, plan_id=plan.pk)
    response = client.post(reverse("sellercenter:ads_audience_target", args=[t.pk]), {"multiplier_pct": 500})
    assert response.status_code == 400
    assert _targets(shop, plan) == [("similar", 100, "active")]


def test_another_shops_plan_targets_and_packs_are_404_on_the_pages(audience_plan, crowd_pack):
    shop_b, plan_b, client_b = audience_plan()
    client_b.post(
        reverse("sellercenter:ads_audience_target_add", args=[plan_b.pk]),
        {"kind": "similar", "multiplier_pct": 130},
    )
    [target_b] = selectors.target_list(shop=shop_b, plan_id=plan_b.pk)
    pack_b = crowd_pack(shop_b, name="B店人群")
    shop_a, plan_a, client_a = audience_plan()  # the client is now A's owner
    for url, data in [
        (reverse("sellercenter:ads_audience", args=[plan_b.pk]), None),
        (
            reverse("sellercenter:ads_audience_setup", args=[plan_b.pk]),
            {"billing": "cpm", "frequency_cap": 9},
        ),
        (
            reverse("sellercenter:ads_audience_target_add", args=[plan_b.pk]),
            {"kind": "competitor", "multiplier_pct": 100},
        ),
        (reverse("sellercenter:ads_audience_target", args=[target_b.pk]), {"multiplier_pct": 300}),
        (reverse("sellercenter:ads_audience_target_delete", args=[target_b.pk]), {}),
    ]:
        response = client_a.get(url) if data is None else client_a.post(url, data)
        assert response.status_code == 404, url
    page = client_a.get(reverse("sellercenter:ads_audience", args=[plan_a.pk]))
    assert "B店人群" not in page.text  # B's packs are not offered
    response = client_a.post(
        reverse("sellercenter:ads_audience_target_add", args=[plan_a.pk]),
        {"kind": "pack", "pack_id": pack_b.pk, "multiplier_pct": 100},
    )
    assert response.status_code == 400 and "人群包不存在" in response.text
    assert _targets(shop_b, plan_b) == [("similar", 130, "active")]
    assert _targets(shop_a, plan_a) == []


def test_a_keyword_plan_has_no_audience_page(shop, login_client):
    client = login_client(shop.owner)
    client.post(reverse("sellercenter:ads_plan_create"), _plan_post(kind="keyword"))
    [plan] = selectors.plan_list(shop=shop)
    assert client.get(reverse("sellercenter:ads_audience", args=[plan.pk])).status_code == 400


# --- the JSON API --------------------------------------------------------------------------------------------


def _api_plan(client):
    today = timezone.localdate()
    body = {
        "name": "API 人群计划",
        "kind": "audience",
        "daily_budget_fen": 5000,
        "start_date": today.isoformat(),
    }
    response = client.post("/api/seller/ads/plans", body, content_type=JSON)
    assert response.status_code == 201, response.json()
    return response.json()


def test_audience_plan_through_the_api(shop, login_client, crowd_pack):
    client = login_client(shop.owner)
    plan = _api_plan(client)
    assert plan["kind"] == "audience"
    base = f"/api/seller/ads/plans/{plan['id']}/audience"
    assert client.get(base).json() == {"plan_id": plan["id"], "billing": "cpc", "frequency_cap": 3}
    response = client.put(base, {"billing": "cpm", "frequency_cap": 4}, content_type=JSON)
    assert response.status_code == 200 and response.json()["billing"] == "cpm"
    pack = crowd_pack(shop, name="高客单")
    packs = client.get("/api/seller/ads/audience/crowd-packs").json()
    assert [(p["id"], p["name"]) for p in packs["items"]] == [(pack.pk, "高客单")]

    made = [
        client.post(f"{base}/targets", body, content_type=JSON)
        for body in (
            {"kind": "pack", "pack_id": pack.pk, "multiplier_pct": 200},
            {"kind": "competitor", "multiplier_pct": 110},
            {"kind": "intent", "words": ["雪纺", "碎花裙"], "multiplier_pct": 130},
        )
    ]
    assert [r.status_code for r in made] == [201, 201, 201]
    assert made[0].json()["label"] == "自定义人群包：高客单"
    assert made[1].json()["label"] == "竞品店铺访客"
    listed = client.get(f"{base}/targets").json()
    assert listed["count"] == 3 and [t["kind"] for t in listed["items"]] == ["pack", "competitor", "intent"]
    target = f"/api/seller/ads/audience/targets/{made[1].json()['id']}"
    response = client.patch(target, {"multiplier_pct": 250, "status": "paused"}, content_type=JSON)
    assert (response.json()["multiplier_pct"], response.json()["status"]) == (250, "paused")
    assert client.delete(target).status_code == 204
    assert client.get(f"{base}/targets").json()["count"] == 2


@pytest.mark.parametrize(
    "body, status, field",
    [
        ({"kind": "similar", "multiplier_pct": 0}, 400, "multiplier_pct"),
        ({"kind": "similar", "multiplier_pct": 1000}, 400, "multiplier_pct"),
        ({"kind": "crowd", "multiplier_pct": 100}, 400, "kind"),
        ({"kind": "pack", "pack_id": 424242, "multiplier_pct": 100}, 400, "pack_id"),
        ({"kind": "intent", "words": [], "multiplier_pct": 100}, 400, "words"),
        ({"kind": "intent", "words": ["长" * 21], "multiplier_pct": 100}, 400, "words"),
        ({"kind": "similar", "multiplier_pct": 100, "shop_id": 1}, 422, None),
        ({"kind": "similar"}, 422, None),
    ],
)
def test_bad_api_input_is_a_clear_4xx(shop, login_client, body, status, field):
    client = login_client(shop.owner)
    plan = _api_plan(client)
    response = client.post(f"/api/seller/ads/plans/{plan['id']}/audience/targets", body, content_type=JSON)
    assert response.status_code == status, response.json()
    if field:
        assert response.json()["field"] == field
    for setup in ({"billing": "cpc", "frequency_cap": 0}, {"billing": "cpa", "frequency_cap": 3}):
        assert (
            client.put(f"/api/seller/ads/plans/{plan['id']}/audience", setup, content_type=JSON).status_code
            == 400
        )
    assert client.get(f"/api/seller/ads/plans/{plan['id']}/audience/targets").json()["count"] == 0


def test_another_shop_gets_404_from_every_audience_route(make_shop, login_client, crowd_pack):
    shop_b = make_shop()
    client = login_client(shop_b.owner)
    plan_b = _api_plan(client)
    target_b = client.post(
        f"/api/seller/ads/plans/{plan_b['id']}/audience/targets",
        {"kind": "similar", "multiplier_pct": 150},
        content_type=JSON,
    ).json()
    pack_b = crowd_pack(shop_b, name="B 的人群包")
    shop_a = make_shop()
    client = login_client(shop_a.owner)
    plan_a = _api_plan(client)
    base_b = f"/api/seller/ads/plans/{plan_b['id']}/audience"
    target = f"/api/seller/ads/audience/targets/{target_b['id']}"
    assert client.get(base_b).status_code == 404
    assert client.put(base_b, {"billing": "cpm", "frequency_cap": 2}, content_type=JSON).status_code == 404
    assert client.get(f"{base_b}/targets").status_code == 404
    assert (
        client.post(
            f"{base_b}/targets", {"kind": "competitor", "multiplier_pct": 100}, content_type=JSON
        ).status_code
        == 404
    )
    assert client.patch(target, {"multiplier_pct": 300}, content_type=JSON).status_code == 404
    assert client.delete(target).status_code == 404
    assert client.get("/api/seller/ads/audience/crowd-packs").json()["count"] == 0
    response = client.post(
        f"/api/seller/ads/plans/{plan_a['id']}/audience/targets",
        {"kind": "pack", "pack_id": pack_b.pk, "multiplier_pct": 100},
        content_type=JSON,
    )
    assert response.status_code == 400 and response.json()["detail"] == "人群包不存在"
    client = login_client(shop_b.owner)
    [still] = client.get(f"{base_b}/targets").json()["items"]
    assert (still["multiplier_pct"], still["status"]) == (150, "active")


def test_an_audience_group_takes_no_keywords_negatives_or_creatives(audience_plan, make_group):
    """Audience ads serve on crowds with the product's own picture and title: keywords, negatives and creatives
    would be stored and never used, so the pages do not offer them and the services refuse them (409)."""
    shop, plan, client = audience_plan()
    group = make_group(shop, plan, bid=80)
    page = client.get(reverse("sellercenter:ads_group", args=[group.pk]))
    assert page.status_code == 200 and 'data-testid="audience-group-note"' in page.text
    assert reverse("sellercenter:ads_keywords_add", args=[group.pk]) not in page.text
    assert reverse("sellercenter:ads_plan_negative_add", args=[plan.pk]) not in (
        client.get(reverse("sellercenter:ads_plan", args=[plan.pk])).text
    )
    posted = client.post(
        reverse("sellercenter:ads_keywords_add", args=[group.pk]), {"lines": "纯棉t恤", "match_type": "broad"}
    )
    assert posted.status_code == 409
    api = [
        (f"/api/seller/ads/groups/{group.pk}/keywords", {"keywords": [{"word": "纯棉t恤", "bid_fen": 100}]}),
        (f"/api/seller/ads/groups/{group.pk}/keyword-suggestions", {"word": "纯棉t恤"}),
        (f"/api/seller/ads/plans/{plan.pk}/negatives", {"word": "二手", "match_type": "phrase"}),
        (f"/api/seller/ads/groups/{group.pk}/negatives", {"word": "二手", "match_type": "phrase"}),
        (
            f"/api/seller/ads/groups/{group.pk}/creatives",
            {"title": "青禾纯棉T恤", "image_url": "/media/x.jpg"},
        ),
    ]
    for url, body in api:
        response = client.post(url, body, content_type=JSON)
        assert response.status_code == 409, (url, response.json())
        assert "人群推广" in response.json()["detail"]
    assert not selectors.keyword_list(shop=shop, group_id=group.pk)
    assert not selectors.negative_list(shop=shop, plan_id=plan.pk)
    assert not selectors.negative_list(shop=shop, plan_id=plan.pk, group_id=group.pk)
    assert not selectors.creative_list(shop=shop, group=group)
