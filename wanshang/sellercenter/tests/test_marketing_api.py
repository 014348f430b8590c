"""The 营销中心 JSON API (/api/seller/promotions, member-levels, price-alerts): one create endpoint for every kind
(kind + config + items, fen and 万分比), 4xx with the service's message, pause/resume/end, preview, 定向发放,
shop isolation and the role check."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.catalog.services import sku_price_update
from wanshang.compliance.selectors import price_alerts
from wanshang.marketing.selectors import member_levels, promotion_get, promotion_list
from wanshang.marketing.services import member_levels_save

pytestmark = pytest.mark.django_db

JSON = "application/json"


def at(delta: timedelta) -> str:
    return (timezone.now() + delta).isoformat()


def payload(kind, *, name="接口活动", starts=timedelta(minutes=-5), ends=timedelta(days=3), **extra) -> dict:
    data = {
        "kind": kind,
        "name": name,
        "starts_at": at(starts),
        "ends_at": at(ends) if ends is not None else None,
    }
    data.update(extra)
    return data


@pytest.fixture
def goods(shop, make_product):
    product = make_product(shop, prices=(9900, 19900), stock=20)
    a, b = product.skus.order_by("price_fen")
    return {"product": product, "a": a, "b": b}


def create(client, data):
    return client.post("/api/seller/promotions", data, content_type=JSON)


def kind_payloads(goods):
    a, b = goods["a"].pk, goods["b"].pk
    return {
        "coupon": payload(
            "coupon",
            config={"type": "amount", "amount_fen": 2000, "threshold_fen": 19900},
            total_quantity=100,
            per_buyer_limit=1,
        ),
        "full_reduction": payload(
            "full_reduction", config={"mode": "tiers", "tiers": [[30000, 3000], [50000, 6000]]}
        ),
        "time_discount": payload(
            "time_discount", items=[{"sku_id": a, "price_fen": 7900}, {"sku_id": b, "discount_bps": 8500}]
        ),
        "flash_sale": payload(
            "flash_sale",
            ends=timedelta(hours=2),
            per_buyer_limit=1,
            items=[{"sku_id": a, "price_fen": 5990, "stock": 5}],
        ),
        "group_buy": payload(
            "group_buy", config={"size": 3, "hours": 24}, items=[{"sku_id": b, "price_fen": 14900}]
        ),
        "bundle": payload(
            "bundle",
            config={"price_fen": 29900},
            items=[{"sku_id": a, "quantity": 2}, {"sku_id": b, "quantity": 1}],
        ),
        "wholesale": payload(
            "wholesale",
            ends=None,
            config={"wholesale_only": True},
            items=[{"sku_id": a, "tiers": [[10, 8000], [50, 7000]]}],
        ),
        "member_price": payload(
            "member_price",
            ends=None,
            config={"level_bps": {"1": 9500}},
            items=[{"sku_id": b, "level_prices": {"1": 16900}}],
        ),
    }


def test_create_every_kind_and_read_it_back(owner_client, shop, goods):
    member_levels_save(shop=shop, levels=[{"rank": 1, "name": "银卡"}])
    for kind, data in kind_payloads(goods).items():
        response = create(owner_client, data)
        assert response.status_code == 201, (kind, response.json())
        body = response.json()
        assert body["kind"] == kind and body["phase"] == "running" and body["phase_label"] == "进行中"
        again = owner_client.get(f"/api/seller/promotions/{body['id']}").json()
        assert again == body
    listing = owner_client.get("/api/seller/promotions?page_size=50").json()
    assert listing["count"] == 8
    by_kind = {p["kind"]: p for p in listing["items"]}
    assert by_kind["coupon"]["config"]["amount_fen"] == 2000 and by_kind["coupon"]["total_quantity"] == 100
    assert by_kind["flash_sale"]["items"][0]["stock"] == 5
    assert by_kind["wholesale"]["items"][0]["tiers"] == [[10, 8000], [50, 7000]]
    assert by_kind["member_price"]["items"][0]["level_prices"] == {"1": 16900}
    assert sorted(i["quantity"] for i in by_kind["bundle"]["items"]) == [1, 2]
    only = owner_client.get("/api/seller/promotions?kind=group_buy").json()
    assert [p["kind"] for p in only["items"]] == ["group_buy"]


def test_list_filters_by_phase_and_refuses_unknown_values(owner_client, shop, goods):
    create(
        owner_client,
        payload(
            "coupon",
            name="明天的券",
            starts=timedelta(days=1),
            ends=timedelta(days=2),
            config={"amount_fen": 500},
            total_quantity=10,
        ),
    )
    assert [
        p["name"] for p in owner_client.get("/api/seller/promotions?phase=scheduled").json()["items"]
    ] == ["明天的券"]
    assert owner_client.get("/api/seller/promotions?phase=running").json()["count"] == 0
    response = owner_client.get("/api/seller/promotions?phase=soon")
    assert response.status_code == 400 and "phase 只能是" in response.json()["detail"]
    response = owner_client.get("/api/seller/promotions?kind=lottery")
    assert response.status_code == 400 and response.json()["detail"] == "未知的活动类型：lottery"


@pytest.mark.parametrize(
    "make, status, message",
    [
        (
            lambda g: payload("time_discount", items=[{"sku_id": g["a"].pk, "price_fen": 12000}]),
            400,
            "须低于售价 ¥99",
        ),
        (
            lambda g: payload(
                "coupon",
                starts=timedelta(days=2),
                ends=timedelta(days=1),
                config={"amount_fen": 500},
                total_quantity=10,
            ),
            400,
            "结束时间须晚于开始时间",
        ),
        (lambda g: payload("coupon", config={"amount_fen": 500}), 400, "请设置优惠券发放总量"),
        (
            lambda g: payload("bundle", config={"price_fen": 100}, items=[{"sku_id": g["a"].pk}]),
            400,
            "套餐至少包含 2 个",
        ),
        (
            lambda g: payload("flash_sale", items=[{"sku_id": g["a"].pk, "price_fen": 100, "stock": 999}]),
            400,
            "超过可售库存",
        ),
        (lambda g: payload("lottery"), 400, "未知的活动类型"),
        (
            lambda g: payload("time_discount", items=[{"sku_id": 999999, "price_fen": 100}]),
            404,
            "商品规格 999999 不存在",
        ),
    ],
)
def test_bad_input_is_refused_with_message_and_creates_nothing(
    owner_client, shop, goods, make, status, message
):
    response = create(owner_client, make(goods))
    assert response.status_code == status, response.json()
    assert message in response.json()["detail"]
    assert not promotion_list(shop=shop).exists()


def test_unknown_fields_and_wrong_types_are_422(owner_client, shop, goods):
    response = create(
        owner_client, {**payload("coupon", config={"amount_fen": 500}, total_quantity=10), "shop_id": 1}
    )
    assert response.status_code == 422 and "shop_id" in response.json()["detail"]
    bad_item = payload("time_discount", items=[{"sku_id": goods["a"].pk, "price": 10}])
    assert create(owner_client, bad_item).status_code == 422
    assert not promotion_list(shop=shop).exists()


def test_overlapping_same_kind_is_409(owner_client, shop, goods):
    first = payload(
        "time_discount", name="先来的折扣", items=[{"sku_id": goods["a"].pk, "discount_bps": 9000}]
    )
    assert create(owner_client, first).status_code == 201
    second = payload(
        "time_discount", name="后来的折扣", items=[{"sku_id": goods["a"].pk, "discount_bps": 8000}]
    )
    response = create(owner_client, second)
    assert response.status_code == 409 and "已在同类活动“先来的折扣”中" in response.json()["detail"]
    assert promotion_list(shop=shop).count() == 1


def test_update_before_start_and_refused_after(owner_client, shop, goods):
    later = create(
        owner_client,
        payload(
            "group_buy",
            name="下周拼团",
            starts=timedelta(days=7),
            ends=timedelta(days=8),
            config={"size": 2, "hours": 24},
            items=[{"sku_id": goods["a"].pk, "price_fen": 8000}],
        ),
    ).json()
    changed = payload(
        "group_buy",
        name="下周三人团",
        starts=timedelta(days=7),
        ends=timedelta(days=8),
        config={"size": 3, "hours": 12},
        items=[{"sku_id": goods["a"].pk, "price_fen": 7000}],
    )
    response = owner_client.put(f"/api/seller/promotions/{later['id']}", changed, content_type=JSON)
    assert response.status_code == 200, response.json()
    assert response.json()["config"]["size"] == 3 and response.json()["items"][0]["price_fen"] == 7000
    running = create(
        owner_client,
        payload(
            "group_buy",
            name="在跑的团",
            config={"size": 2, "hours": 24},
            items=[{"sku_id": goods["b"].pk, "price_fen": 9000}],
        ),
    ).json()
    response = owner_client.put(
        f"/api/seller/promotions/{running['id']}", {**changed, "name": "改名"}, content_type=JSON
    )
    assert response.status_code == 409 and "活动已开始或已结束，不能修改" in response.json()["detail"]
    assert promotion_get(shop=shop, promotion_id=running["id"]).name == "在跑的团"
    kind_change = owner_client.put(
        f"/api/seller/promotions/{later['id']}",
        payload(
            "time_discount",
            starts=timedelta(days=7),
            ends=timedelta(days=8),
            items=[{"sku_id": goods["a"].pk, "discount_bps": 9000}],
        ),
        content_type=JSON,
    )
    assert kind_change.status_code == 400 and kind_change.json()["detail"] == "不能修改活动类型"


def test_pause_resume_end(owner_client, shop):
    p = create(owner_client, payload("coupon", config={"amount_fen": 500}, total_quantity=10)).json()
    paused = owner_client.post(f"/api/seller/promotions/{p['id']}/pause").json()
    assert paused["status"] == "paused" and paused["phase_label"] == "已暂停"
    assert owner_client.post(f"/api/seller/promotions/{p['id']}/resume").json()["phase"] == "running"
    assert owner_client.post(f"/api/seller/promotions/{p['id']}/end").json()["phase"] == "ended"
    again = owner_client.post(f"/api/seller/promotions/{p['id']}/end")
    assert again.status_code == 409 and again.json()["detail"] == "活动已结束"


def test_preview_reports_the_strike_price_warning(owner_client, shop, goods):
    a = goods["a"]
    sku_price_update(staff=shop.owner_staff, sku_id=a.pk, price_fen=9900, original_price_fen=12900)
    p = create(owner_client, payload("time_discount", items=[{"sku_id": a.pk, "discount_bps": 8000}])).json()
    rows = owner_client.get(f"/api/seller/promotions/{p['id']}/preview").json()
    assert len(rows) == 1
    row = rows[0]
    assert (row["price_fen"], row["promo_price_fen"], row["original_fen"], row["reference_fen"]) == (
        9900,
        7920,
        12900,
        9900,
    )
    assert row["strike_ok"] is False
    assert any("§16" in w for w in row["warnings"])


def test_coupon_issue(owner_client, shop, make_user):
    p = create(
        owner_client,
        payload("coupon", config={"amount_fen": 500, "public": False}, total_quantity=3, per_buyer_limit=1),
    ).json()
    u1, u2 = make_user(), make_user()
    response = owner_client.post(
        f"/api/seller/promotions/{p['id']}/issue", {"buyer_ids": [u1.pk, u2.pk]}, content_type=JSON
    )
    assert response.status_code == 200 and response.json() == {"issued": 2}
    assert owner_client.get(f"/api/seller/promotions/{p['id']}").json()["issued_count"] == 2
    response = owner_client.post(
        f"/api/seller/promotions/{p['id']}/issue", {"buyer_ids": [999999]}, content_type=JSON
    )
    assert response.status_code == 400 and response.json()["detail"] == "买家不存在：999999"
    response = owner_client.post(
        f"/api/seller/promotions/{p['id']}/issue", {"buyer_ids": []}, content_type=JSON
    )
    assert response.status_code == 422


def test_member_levels_get_and_put(owner_client, shop):
    assert owner_client.get("/api/seller/member-levels").json() == []
    levels = [
        {"rank": 1, "name": "银卡"},
        {"rank": 2, "name": "金卡", "min_spend_fen": 100000, "min_points": 500},
    ]
    response = owner_client.put("/api/seller/member-levels", {"levels": levels}, content_type=JSON)
    assert response.status_code == 200
    assert response.json() == [
        {"rank": 1, "name": "银卡", "min_spend_fen": 0, "min_points": 0},
        {"rank": 2, "name": "金卡", "min_spend_fen": 100000, "min_points": 500},
    ]
    bad = owner_client.put(
        "/api/seller/member-levels",
        {"levels": [{"rank": 1, "name": "甲"}, {"rank": 1, "name": "乙"}]},
        content_type=JSON,
    )
    assert bad.status_code == 400 and bad.json()["detail"] == "会员等级不能重复"
    assert [lv.name for lv in member_levels(shop=shop)] == ["银卡", "金卡"]


def test_price_alerts_list_and_resolve(owner_client, shop, goods):
    a = goods["a"]
    sku_price_update(staff=shop.owner_staff, sku_id=a.pk, price_fen=15000)
    create(
        owner_client,
        payload(
            "time_discount",
            name="先涨后降",
            starts=timedelta(hours=1),
            ends=timedelta(days=1),
            items=[{"sku_id": a.pk, "discount_bps": 7000}],
        ),
    )
    alerts = owner_client.get("/api/seller/price-alerts").json()
    assert len(alerts) == 1 and alerts[0]["rule"] == "s17" and "§17" in alerts[0]["message"]
    assert [e["price_fen"] for e in alerts[0]["evidence"]][-1] == 15000
    response = owner_client.post(f"/api/seller/price-alerts/{alerts[0]['id']}/resolve")
    assert response.status_code == 200 and response.json()["resolved"] is True
    assert owner_client.get("/api/seller/price-alerts").json() == []


# --- isolation and roles ---------------------------------------------------------------------------------------


@pytest.fixture
def b_world(other_shop, make_product, promo):
    product = make_product(other_shop, title="B店商品", prices=(5000,))
    sku = product.skus.get()
    coupon = promo(other_shop, "coupon", name="B店的券", config={"amount_fen": 500}, total_quantity=10)
    sku_price_update(staff=other_shop.owner_staff, sku_id=sku.pk, price_fen=9000)
    later = promo(
        other_shop,
        "time_discount",
        name="B店的折扣",
        items=[{"sku_id": sku.pk, "discount_bps": 5000}],
        starts=timezone.now() + timedelta(days=1),
        ends=timezone.now() + timedelta(days=2),
    )
    return {
        "shop": other_shop,
        "sku": sku,
        "coupon": coupon,
        "later": later,
        "alert": price_alerts(shop=other_shop)[0],
    }


def test_other_shops_ids_are_404_on_every_endpoint(owner_client, shop, b_world, make_user):
    b = b_world
    for p in (b["coupon"], b["later"]):
        base = f"/api/seller/promotions/{p.pk}"
        for response in (
            owner_client.get(base),
            owner_client.get(f"{base}/preview"),
            owner_client.post(f"{base}/pause"),
            owner_client.post(f"{base}/resume"),
            owner_client.post(f"{base}/end"),
            owner_client.put(
                base,
                payload(
                    "time_discount",
                    starts=timedelta(days=1),
                    ends=timedelta(days=2),
                    items=[{"sku_id": b["sku"].pk, "discount_bps": 1000}],
                ),
                content_type=JSON,
            ),
            owner_client.post(f"{base}/issue", {"buyer_ids": [make_user().pk]}, content_type=JSON),
        ):
            assert response.status_code == 404, response.request["PATH_INFO"]
            assert response.json()["detail"] == "活动不存在"
    assert owner_client.post(f"/api/seller/price-alerts/{b['alert'].pk}/resolve").status_code == 404
    assert owner_client.get("/api/seller/promotions").json()["count"] == 0
    assert owner_client.get("/api/seller/price-alerts").json() == []
    other_sku = create(
        owner_client, payload("time_discount", items=[{"sku_id": b["sku"].pk, "discount_bps": 1000}])
    )
    assert other_sku.status_code == 404 and not promotion_list(shop=shop).exists()
    coupon = promotion_get(shop=b["shop"], promotion_id=b["coupon"].pk)
    assert coupon.status == "active" and coupon.issued_count == 0
    assert promotion_get(shop=b["shop"], promotion_id=b["later"].pk).items.get().discount_bps == 5000
    assert [a.pk for a in price_alerts(shop=b["shop"])] == [b["alert"].pk]


def test_role_without_marketing_permission_gets_403(client, shop, make_staff, promo):
    p = promo(shop, "coupon", name="角色测试券", config={"amount_fen": 500}, total_quantity=10)
    client.force_login(make_staff(shop, "service"))
    for response in (
        client.get("/api/seller/promotions"),
        client.get(f"/api/seller/promotions/{p.pk}"),
        client.post(f"/api/seller/promotions/{p.pk}/end"),
        client.get("/api/seller/member-levels"),
        client.get("/api/seller/price-alerts"),
        client.post(
            "/api/seller/promotions",
            payload("coupon", config={"amount_fen": 500}, total_quantity=10),
            content_type=JSON,
        ),
    ):
        assert response.status_code == 403
        assert response.json()["detail"] == "你的角色（客服）没有“营销活动”权限"
    assert promotion_get(shop=shop, promotion_id=p.pk).status == "active"
    assert promotion_list(shop=shop).count() == 1
    client.force_login(make_staff(shop, "operations"))
    assert client.get("/api/seller/promotions").status_code == 200


def test_naive_times_are_read_in_shop_time_zone(owner_client, shop):
    local = timezone.localtime(timezone.now() + timedelta(days=1)).replace(
        tzinfo=None, second=0, microsecond=0
    )
    data = payload("coupon", config={"amount_fen": 500}, total_quantity=10)
    data["starts_at"], data["ends_at"] = local.isoformat(), (local + timedelta(days=1)).isoformat()
    response = create(owner_client, data)
    assert response.status_code == 201, response.json()
    starts = promotion_get(shop=shop, promotion_id=response.json()["id"]).starts_at
    assert timezone.localtime(starts).replace(tzinfo=None) == local
