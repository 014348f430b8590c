"""The storefront JSON API for promotions: product promotions, coupons, points, 秒杀, 拼团, and checkout choices."""

import uuid

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

API = "/api/store"


def make_api(user):
    """A client that authenticates with a bearer token (no session, no CSRF), like test_api.py's."""
    from wanshang.accounts.services import api_token_create

    token = api_token_create(user=user)
    client = Client(enforce_csrf_checks=True)

    class Api:
        def get(self, path, **params):
            return client.get(API + path, params, HTTP_AUTHORIZATION=f"Bearer {token}")

        def post(self, path, data=None, headers=None):
            kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
            for key, value in (headers or {}).items():
                kwargs["HTTP_" + key.upper().replace("-", "_")] = value
            return client.post(
                API + path, data if data is not None else {}, content_type="application/json", **kwargs
            )

    return Api()


@pytest.fixture
def api(buyer):
    return make_api(buyer)


def key():
    return {"Idempotency-Key": uuid.uuid4().hex}


# --- product promotions ---------------------------------------------------------------------------------------------


def test_product_promotions_give_this_buyers_prices_tags_coupons_flash_group_and_bundles(
    client, api, shop, make_product, promo
):
    a = make_product(shop, title="咖啡豆", prices=(6000, 7000), stock=10)
    b = make_product(shop, title="手冲壶", prices=(4000,))
    sku1, sku2 = a.skus.order_by("id")
    promo(shop, "time_discount", items=[{"sku_id": sku1.pk, "price_fen": 5000}])
    promo(shop, "flash_sale", items=[{"sku_id": sku2.pk, "price_fen": 3000, "stock": 4}], per_buyer_limit=1)
    coupon = promo(
        shop,
        "coupon",
        config={"type": "amount", "threshold_fen": 10000, "amount_fen": 1000},
        total_quantity=10,
        per_buyer_limit=1,
    )
    promo(
        shop,
        "bundle",
        name="咖啡入门套装",
        config={"price_fen": 9000},
        items=[{"sku_id": sku1.pk, "quantity": 1}, {"sku_id": b.skus.get().pk, "quantity": 1}],
    )

    data = client.get(f"{API}/products/{a.pk}/promotions").json()  # a visitor
    prices = {p["sku_id"]: p for p in data["prices"]}
    assert (prices[sku1.pk]["price_fen"], prices[sku1.pk]["label"]) == (5000, "限时折扣")
    assert (prices[sku2.pk]["price_fen"], prices[sku2.pk]["label"]) == (3000, "秒杀价")
    assert {"优惠券", "套餐", "秒杀"} <= set(data["tags"])
    assert data["flash"]["running"] and data["flash"]["items"][0]["left"] == 4
    assert data["bundles"][0]["whole_fen"] == 10000 and data["bundles"][0]["price_fen"] == 9000
    assert data["group_buy"] is None
    (offer,) = data["coupons"]
    assert offer["label"] == "店铺券 满100减10" and offer["claimed"] == 0 and offer["can_claim"]

    assert api.post(f"/coupons/{coupon.pk}/claim").status_code == 201
    (offer,) = api.get(f"/products/{a.pk}/promotions").json()["coupons"]
    assert offer["claimed"] == 1 and not offer["can_claim"]
    assert client.get(f"{API}/products/999999/promotions").status_code == 404


def test_product_list_gives_the_price_this_buyer_pays_and_drops_it_when_the_promotion_ends(
    client, api, address, shop, make_product, promo
):
    from wanshang.marketing.services import promotion_end

    product = make_product(shop, title="冰丝凉感睡衣套装", prices=(10000,))
    sku = product.skus.get()
    sale = promo(shop, "time_discount", items=[{"sku_id": sku.pk, "price_fen": 8000}])
    (card,) = api.get("/products", q="睡衣").json()["items"]
    preview = api.get("/checkout/preview", sku_id=sku.pk, address_id=address.pk).json()
    assert (card["price_fen"], card["price_label"], card["min_price_fen"]) == (8000, "限时折扣", 10000)
    assert "限时折扣" in card["tags"]
    assert preview["groups"][0]["lines"][0]["unit_price_fen"] == 8000
    assert client.get(f"{API}/products/{product.pk}").json()["price_fen"] == 8000
    promotion_end(shop=shop, promotion_id=sale.pk)
    (card,) = client.get(f"{API}/products", {"q": "睡衣"}).json()["items"]
    assert (card["price_fen"], card["price_label"], card["tags"]) == (10000, "", [])


# --- coupons ------------------------------------------------------------------------------------------------------


@pytest.fixture
def shop_coupon(shop, promo):
    return promo(
        shop,
        "coupon",
        name="户外节店铺券",
        config={"type": "amount", "threshold_fen": 20000, "amount_fen": 2000},
        total_quantity=10,
        per_buyer_limit=1,
    )


def test_claim_a_coupon_the_limit_is_a_409_with_a_reason_and_it_is_listed_as_mine(api, shop_coupon):
    answer = api.post(f"/coupons/{shop_coupon.pk}/claim")
    assert answer.status_code == 201
    body = answer.json()
    assert body["label"] == "店铺券 满200减20" and body["status"] == "unused"
    again = api.post(f"/coupons/{shop_coupon.pk}/claim")
    assert again.status_code == 409
    assert again.json()["detail"] == "每人限领 1 张，您已领取"
    assert [c["id"] for c in api.get("/coupons").json()] == [body["id"]]
    assert api.get("/coupons", state="used").json() == []
    assert api.get("/coupons", state="whatever").status_code == 400
    assert api.post("/coupons/999999/claim").status_code == 404


def test_another_buyer_cannot_see_my_coupons_and_visitors_must_log_in(api, make_user, client, shop_coupon):
    api.post(f"/coupons/{shop_coupon.pk}/claim")
    stranger = make_api(make_user())
    for state in ("unused", "used", "expired"):
        assert stranger.get("/coupons", state=state).json() == []
    assert client.get(f"{API}/coupons").status_code == 401
    assert client.post(f"{API}/coupons/{shop_coupon.pk}/claim").status_code == 401


def test_coupon_center_lists_claimable_coupons_with_what_i_hold(client, api, shop, shop_coupon):
    (offer,) = client.get(f"{API}/coupons/center").json()
    assert offer["promotion_id"] == shop_coupon.pk and offer["shop"]["slug"] == shop.slug
    api.post(f"/coupons/{shop_coupon.pk}/claim")
    (offer,) = api.get("/coupons/center", shop=shop.slug).json()
    assert offer["claimed"] == 1 and not offer["can_claim"]


# --- checkout: coupons chosen, reasons, points ----------------------------------------------------------------------


def test_preview_lists_coupons_with_reasons_and_the_order_uses_the_coupons_sent_back(
    buyer, api, address, shop, make_product, shop_coupon
):
    from wanshang.orders.selectors import buyer_order_list

    jacket = make_product(shop, prices=(25000,)).skus.get()
    shirt = make_product(shop, prices=(16200,)).skus.get()
    api.post(f"/coupons/{shop_coupon.pk}/claim")

    short = api.get("/checkout/preview", sku_id=shirt.pk, address_id=address.pk).json()
    (view,) = short["coupons"]
    assert not view["usable"] and view["reason"] == "还差38元可用" and short["discount_fen"] == 0

    best = api.get("/checkout/preview", sku_id=jacket.pk, address_id=address.pk).json()
    (view,) = best["coupons"]
    assert view["chosen"] and view["amount_fen"] == 2000 and best["coupon_ids"] == [view["coupon_id"]]
    assert [(x["label"], x["amount_fen"], x["stage"]) for x in best["groups"][0]["breakdown"]] == [
        ("店铺券 满200减20", 2000, "shop")
    ]
    none = api.get("/checkout/preview", sku_id=jacket.pk, address_id=address.pk, coupon_ids="").json()
    assert none["discount_fen"] == 0 and none["coupon_ids"] == []
    assert api.get("/checkout/preview", sku_id=jacket.pk, coupon_ids="1,x").status_code == 400

    placed = api.post(
        "/orders",
        {
            "items": [{"sku_id": jacket.pk, "quantity": 1}],
            "address_id": address.pk,
            "coupon_ids": best["coupon_ids"],
            "expected_payable_fen": best["payable_fen"],
        },
        headers=key(),
    )
    assert placed.status_code == 201, placed.json()
    assert placed.json()["amount_fen"] == best["payable_fen"] == 25000 - 2000 + best["freight_fen"]
    order = api.get(f"/orders/{placed.json()['orders'][0]['id']}").json()
    assert order["discount_fen"] == 2000 and order["adjustments"][0]["label"] == "店铺券 满200减20"
    assert order["lines"][0]["discounts"][0]["amount_fen"] == 2000
    assert api.get("/coupons", state="used").json()[0]["id"] == view["coupon_id"]
    assert len(list(buyer_order_list(buyer=buyer))) == 1


def test_order_without_the_coupon_the_preview_had_is_refused_as_a_price_change(
    api, address, shop, make_product, shop_coupon
):
    jacket = make_product(shop, prices=(25000,)).skus.get()
    api.post(f"/coupons/{shop_coupon.pk}/claim")
    best = api.get("/checkout/preview", sku_id=jacket.pk, address_id=address.pk).json()
    refused = api.post(
        "/orders",
        {
            "items": [{"sku_id": jacket.pk, "quantity": 1}],
            "address_id": address.pk,
            "coupon_ids": [],
            "expected_payable_fen": best["payable_fen"],
        },
        headers=key(),
    )
    assert refused.status_code == 409 and "价格已变化" in refused.json()["detail"]


def test_points_in_preview_and_order(buyer, api, address, shop, make_product, grant_points):
    sku = make_product(shop, prices=(10000,)).skus.get()
    grant_points(buyer, 8000)
    preview = api.get("/checkout/preview", sku_id=sku.pk, address_id=address.pk, use_points="true").json()
    assert preview["points_used"] == 5000 and preview["points_available"] == 8000
    assert any(a["code"] == "points" for a in preview["adjustments"])
    placed = api.post(
        "/orders",
        {
            "items": [{"sku_id": sku.pk, "quantity": 1}],
            "address_id": address.pk,
            "use_points": True,
            "expected_payable_fen": preview["payable_fen"],
        },
        headers=key(),
    )
    assert placed.status_code == 201, placed.json()
    order = api.get(f"/orders/{placed.json()['orders'][0]['id']}").json()
    assert order["points_used"] == 5000 and order["total_fen"] == 5000 + order["freight_fen"]
    ledger = api.get("/points").json()
    assert ledger["balance"] == 3000
    assert (ledger["entries"][0]["delta"], ledger["entries"][0]["reason_label"]) == (-5000, "下单抵扣")
    assert ledger["rules"]


def test_cart_carries_item_labels_breakdown_hints_and_coupons(api, shop, make_product, promo, shop_coupon):
    sku = make_product(shop, prices=(16200,)).skus.get()
    promo(shop, "time_discount", items=[{"sku_id": sku.pk, "price_fen": 15000}])
    promo(shop, "full_reduction", name="满减季", config={"mode": "tiers", "tiers": [[20000, 5000]]})
    api.post(f"/coupons/{shop_coupon.pk}/claim")
    cart = api.post("/cart/items", {"sku_id": sku.pk, "quantity": 1}).json()
    line = cart["groups"][0]["lines"][0]
    assert (line["list_price_fen"], line["unit_price_fen"], line["promotion_label"]) == (
        16200,
        15000,
        "限时折扣",
    )
    assert line["item_discount_fen"] == 1200
    assert cart["groups"][0]["hints"] == ["满减季：再买¥50可减¥50"]
    assert cart["coupons"][0]["reason"] == "还差50元可用"


# --- flash sales ------------------------------------------------------------------------------------------------------


def test_flash_board_and_flash_buy_with_idempotency_sold_out_and_limit(
    buyer, api, address, make_user, make_address, client, shop, make_product, promo
):
    product = make_product(shop, title="限量球鞋", prices=(50000,), stock=10)
    promo(
        shop,
        "flash_sale",
        items=[{"sku_id": product.skus.get().pk, "price_fen": 9900, "stock": 2}],
        per_buyer_limit=1,
    )
    (session,) = client.get(f"{API}/flash-sales").json()
    (item,) = session["items"]
    assert session["running"] and (item["price_fen"], item["left"], item["title"]) == (9900, 2, "限量球鞋")
    path = f"/flash-sales/items/{item['item_id']}/buy"

    missing = api.post(path, {"address_id": address.pk})
    assert missing.status_code == 400 and missing.json()["code"] == "idempotency_key_required"
    assert api.post(path, {"address_id": address.pk, "price_fen": 1}, headers=key()).status_code == 422

    headers = key()
    bought = api.post(path, {"address_id": address.pk}, headers=headers)
    assert bought.status_code == 201, bought.json()
    payment = bought.json()
    assert payment["orders"][0]["total_fen"] == payment["amount_fen"]
    replay = api.post(path, {"address_id": address.pk}, headers=headers)
    assert replay.status_code == 201 and replay.json()["payment_no"] == payment["payment_no"]

    over = api.post(path, {"address_id": address.pk}, headers=key())
    assert over.status_code == 409 and "秒杀每人限购 1 件" in over.json()["detail"]

    second = make_user()
    make_api(second).post(path, {"address_id": make_address(second).pk}, headers=key())
    late = make_user()
    sold_out = make_api(late).post(path, {"address_id": make_address(late).pk}, headers=key())
    assert sold_out.status_code == 409 and sold_out.json()["detail"] == "手慢了，秒杀商品已抢光"
    assert client.get(f"{API}/flash-sales").json()[0]["items"][0]["sold_out"]


# --- group buys -------------------------------------------------------------------------------------------------------


def test_group_buy_start_join_and_the_team_page(
    buyer, api, address, make_user, make_address, client, shop, make_product, promo
):
    product = make_product(shop, title="有机草莓", prices=(9900,), stock=10)
    promo(
        shop,
        "group_buy",
        config={"size": 2, "hours": 24},
        items=[{"sku_id": product.skus.get().pk, "price_fen": 5900}],
    )
    group = api.get(f"/products/{product.pk}/promotions").json()["group_buy"]
    assert (group["size"], group["items"][0]["price_fen"], group["open_teams"]) == (2, 5900, [])
    path = f"/group-buys/items/{group['items'][0]['item_id']}"

    assert api.post(path, {"address_id": address.pk}).json()["code"] == "idempotency_key_required"
    started = api.post(path, {"address_id": address.pk}, headers=key())
    assert started.status_code == 201, started.json()
    (team,) = api.get(f"/products/{product.pk}/promotions").json()["group_buy"]["open_teams"]
    assert team["missing"] == 2 and buyer.username not in team["leader"]

    page = client.get(f"{API}/group-teams/{team['id']}").json()
    assert (page["status_label"], page["seats_left"], page["group_price_fen"]) == ("拼团中", 1, 5900)
    assert page["can_join"] and not page["joined"]
    assert api.get(f"/group-teams/{team['id']}").json()["joined"]
    again = api.post(path, {"address_id": address.pk, "team_id": team["id"]}, headers=key())
    assert again.status_code == 409 and again.json()["detail"] == "您已在这个团里"

    friend = make_user()
    joined = make_api(friend).post(
        path, {"address_id": make_address(friend).pk, "team_id": team["id"]}, headers=key()
    )
    assert joined.status_code == 201, joined.json()
    page = client.get(f"{API}/group-teams/{team['id']}").json()
    assert page["seats_left"] == 0 and len(page["members"]) == 2 and not page["can_join"]
    assert client.get(f"{API}/group-teams/999999").status_code == 404


def test_promotion_endpoints_are_in_the_api_schema(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/store/products/{product_id}/promotions",
        "/api/store/coupons/{promotion_id}/claim",
        "/api/store/coupons/center",
        "/api/store/coupons",
        "/api/store/points",
        "/api/store/flash-sales",
        "/api/store/flash-sales/items/{item_id}/buy",
        "/api/store/group-buys/items/{item_id}",
        "/api/store/group-teams/{team_id}",
    ):
        assert path in paths, path
