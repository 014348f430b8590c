"""The seller JSON API: products with the SKU matrix, prices, stock, orders, refunds, settlements."""

import pytest

from wanshang.catalog.selectors import price_history, seller_product_list
from wanshang.inventory.selectors import available_by_sku, warehouse_list
from wanshang.orders.selectors import seller_order_get

pytestmark = pytest.mark.django_db

JSON = "application/json"


def product_payload(category_id, **over):
    data = {
        "title": "纯棉T恤",
        "category_id": category_id,
        "spec_axes": [{"name": "颜色", "values": ["红色", "黑色"]}, {"name": "尺码", "values": ["M", "L"]}],
        "skus": [
            {"spec_values": ["红色", "M"], "price_fen": 9900, "original_price_fen": 12900, "stock": 10},
            {"spec_values": ["红色", "L"], "price_fen": 9900, "stock": 5},
            {"spec_values": ["黑色", "M"], "price_fen": 10900, "stock": 0},
            {"spec_values": ["黑色", "L"], "price_fen": 10900, "stock": 3, "weight_g": 300},
        ],
    }
    data.update(over)
    return data


def test_non_staff_gets_403_with_message(client, buyer):
    client.force_login(buyer)
    response = client.get("/api/seller/products")
    assert response.status_code == 403
    assert response.json()["detail"] == "该账号不是商家员工，无法进入卖家中心"


def test_anonymous_gets_401(client):
    assert client.get("/api/seller/orders").status_code == 401


def test_bearer_token_works(client, shop):
    from wanshang.accounts.services import api_token_create

    key = api_token_create(user=shop.owner)
    response = client.get("/api/seller/warehouses", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and response.json()[0]["is_default"] is True


def test_create_product_with_2x2_matrix_and_read_it_back(owner_client, shop):
    response = owner_client.post(
        "/api/seller/products", product_payload(shop.test_category.pk), content_type=JSON
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and len(body["skus"]) == 4 and body["min_price_fen"] == 9900
    by_spec = {s["spec_key"]: s for s in body["skus"]}
    assert by_spec["红色/M"]["available"] == 10 and by_spec["黑色/L"]["weight_g"] == 300
    again = owner_client.get(f"/api/seller/products/{body['id']}").json()
    assert again["spec_axes"] == body["spec_axes"]
    listing = owner_client.get("/api/seller/products?tab=warehouse").json()
    assert listing["count"] == 1 and listing["items"][0]["sku_count"] == 4


def test_put_changes_prices_and_writes_history(owner_client, shop):
    created = owner_client.post(
        "/api/seller/products", product_payload(shop.test_category.pk), content_type=JSON
    ).json()
    payload = product_payload(shop.test_category.pk, title="纯棉T恤 2026")
    payload["skus"][0]["price_fen"] = 8800
    for sku in payload["skus"]:
        sku.pop("stock")
    response = owner_client.put(f"/api/seller/products/{created['id']}", payload, content_type=JSON)
    assert response.status_code == 200, response.json()
    body = response.json()
    red_m = next(s for s in body["skus"] if s["spec_key"] == "红色/M")
    assert body["title"] == "纯棉T恤 2026" and red_m["price_fen"] == 8800 and red_m["available"] == 10
    assert [(h.old_price_fen, h.price_fen) for h in price_history(shop=shop, sku_id=red_m["id"])][0] == (
        9900,
        8800,
    )


@pytest.mark.parametrize(
    "mutate, status, text",
    [
        (lambda p: p["skus"][0].update(price_fen=-100), 400, "须大于 0"),
        (lambda p: p["skus"][0].update(original_price_fen=100), 400, "划线价须高于售价"),
        (lambda p: p["spec_axes"][0].update(values=["红色", "红色"]), 400, "有重复的值"),
        (lambda p: p.update(category_id=999999), 400, "类目不存在"),
        (lambda p: p["skus"][0].update(stock="十"), 422, "stock"),
        (lambda p: p["skus"][0].update(stock=2.5), 422, "stock"),
        (lambda p: p.update(colour="red"), 422, "colour"),
    ],
)
def test_bad_product_input_is_refused_and_nothing_created(owner_client, shop, mutate, status, text):
    payload = product_payload(shop.test_category.pk)
    mutate(payload)
    response = owner_client.post("/api/seller/products", payload, content_type=JSON)
    assert response.status_code == status
    assert text in response.json()["detail"]
    assert seller_product_list(shop=shop).count() == 0


def test_bulk_status(owner_client, shop, make_product):
    a, b = make_product(shop, on_sale=False), make_product(shop, on_sale=False)
    response = owner_client.post(
        "/api/seller/products/status", {"product_ids": [a.pk, b.pk], "status": "on_sale"}, content_type=JSON
    )
    assert response.json() == {"changed": 2}
    bad = owner_client.post(
        "/api/seller/products/status", {"product_ids": [a.pk], "status": "draft"}, content_type=JSON
    )
    assert bad.status_code == 400 and "出售中或已下架" in bad.json()["detail"]


def test_patch_price(owner_client, shop, make_product):
    sku = make_product(shop, prices=(5000,)).skus.get()
    response = owner_client.patch(f"/api/seller/skus/{sku.pk}/price", {"price_fen": 4500}, content_type=JSON)
    assert response.status_code == 200 and response.json()["price_fen"] == 4500


def test_warehouse_role_cannot_change_price_but_can_adjust_stock(client, shop, make_product, make_staff):
    product = make_product(shop, prices=(5000,), stock=4)
    sku = product.skus.get()
    client.force_login(make_staff(shop, "warehouse"))
    response = client.patch(f"/api/seller/skus/{sku.pk}/price", {"price_fen": 1}, content_type=JSON)
    assert response.status_code == 403
    assert response.json()["detail"] == "你的角色没有修改价格的权限"
    put = client.put(
        f"/api/seller/products/{product.pk}", product_payload(shop.test_category.pk), content_type=JSON
    )
    assert put.status_code == 403 and "编辑商品" in put.json()["detail"]
    sku.refresh_from_db()
    assert sku.price_fen == 5000

    wh = warehouse_list(shop=shop)[0]
    adjusted = client.post(
        "/api/seller/stock/adjust",
        {"sku_id": sku.pk, "warehouse_id": wh.pk, "on_hand": 40, "reason": "到货"},
        content_type=JSON,
    )
    assert adjusted.status_code == 200 and adjusted.json()["on_hand"] == 40
    assert available_by_sku(sku_ids=[sku.pk])[sku.pk] == 40
    stock = client.get("/api/seller/stock").json()
    assert stock["count"] == 1 and stock["items"][0]["available"] == 40


def test_stock_adjust_rejects_non_integer_and_negative(owner_client, shop, make_product):
    sku = make_product(shop, stock=4).skus.get()
    wh = warehouse_list(shop=shop)[0]
    for value, status in (("many", 422), (1.5, 422), (-1, 400)):
        response = owner_client.post(
            "/api/seller/stock/adjust",
            {"sku_id": sku.pk, "warehouse_id": wh.pk, "on_hand": value},
            content_type=JSON,
        )
        assert response.status_code == status
    assert available_by_sku(sku_ids=[sku.pk])[sku.pk] == 4


def test_orders_list_detail_and_ship(owner_client, shop, make_product, paid_order):
    order = paid_order(make_product(shop))
    listing = owner_client.get("/api/seller/orders?status=paid").json()
    assert listing["count"] == 1 and listing["items"][0]["no"] == order.no
    assert owner_client.get("/api/seller/orders?status=nope").status_code == 400
    detail = owner_client.get(f"/api/seller/orders/{order.pk}").json()
    assert detail["address"]["receiver"] == "张三" and detail["events"][0]["to_status"] == "pending_payment"
    bad = owner_client.post(
        f"/api/seller/orders/{order.pk}/ship",
        {"carrier": "NOPE", "tracking_no": "1234567"},
        content_type=JSON,
    )
    assert bad.status_code == 400 and bad.json()["field"] == "carrier"
    shipped = owner_client.post(
        f"/api/seller/orders/{order.pk}/ship",
        {"carrier": "ZTO", "tracking_no": "ZT12345678"},
        content_type=JSON,
    )
    assert shipped.status_code == 200 and shipped.json()["status"] == "shipped"
    again = owner_client.post(
        f"/api/seller/orders/{order.pk}/ship",
        {"carrier": "ZTO", "tracking_no": "ZT12345678"},
        content_type=JSON,
    )
    assert again.status_code == 409


def test_refund_approve_and_reject(owner_client, shop, make_product, paid_order, refund_requested):
    product = make_product(shop, stock=5)
    sku = product.skus.get()
    first, second = paid_order(product), paid_order(product)
    r1, r2 = refund_requested(first), refund_requested(second)
    listing = owner_client.get("/api/seller/refunds?status=requested").json()
    assert {r["id"] for r in listing["items"]} == {r1.pk, r2.pk}
    approved = owner_client.post(f"/api/seller/refunds/{r1.pk}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "refunded"
    assert available_by_sku(sku_ids=[sku.pk])[sku.pk] == 4
    assert seller_order_get(shop=shop, order_id=first.pk).status == "refunded"
    rejected = owner_client.post(f"/api/seller/refunds/{r2.pk}/reject", {"note": "已发出"}, content_type=JSON)
    assert rejected.json()["status"] == "rejected"


def test_settlements_for_finance_only(client, shop, make_staff):
    client.force_login(make_staff(shop, "finance"))
    body = client.get("/api/seller/settlements").json()
    assert body["count"] == 0 and body["totals"] == {"pending": 0, "settleable": 0, "settled": 0}
    client.force_login(make_staff(shop, "warehouse"))
    assert client.get("/api/seller/settlements").status_code == 403
