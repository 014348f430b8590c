"""The storefront JSON API: public catalog, cart, order placement guards, orders, payments, tokens."""

import uuid

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

API = "/api/store"


@pytest.fixture
def token(buyer):
    from wanshang.accounts.services import api_token_create

    return api_token_create(user=buyer)


@pytest.fixture
def api(token):
    """A client that authenticates with the bearer token (no session, no CSRF)."""
    client = Client(enforce_csrf_checks=True)

    class Api:
        def _call(self, method, path, data=None, headers=None):
            kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
            for key, value in (headers or {}).items():
                kwargs["HTTP_" + key.upper().replace("-", "_")] = value
            if data is not None:
                kwargs.update(data=data, content_type="application/json")
            return getattr(client, method)(API + path, **kwargs)

        def get(self, path, **params):
            return client.get(API + path, params, HTTP_AUTHORIZATION=f"Bearer {token}")

        def post(self, path, data=None, headers=None):
            return self._call("post", path, data if data is not None else {}, headers)

        def patch(self, path, data):
            return self._call("patch", path, data)

        def delete(self, path):
            return self._call("delete", path)

    return Api()


def place(api, items, address, key=None, **extra):
    return api.post(
        "/orders",
        {"items": items, "address_id": address.pk, **extra},
        headers={"Idempotency-Key": key or uuid.uuid4().hex},
    )


# --- public catalog -------------------------------------------------------------------------------------------


def test_catalog_is_public(client, product, shop):
    tree = client.get(f"{API}/categories").json()
    assert tree[0]["name"] == "服饰内衣" and tree[0]["children"][0]["children"][0]["name"] == "连衣裙"

    page = client.get(f"{API}/products", {"q": "连衣裙", "sort": "price_asc"}).json()
    assert page["count"] == 1 and page["items"][0]["min_price_fen"] == 19900

    detail = client.get(f"{API}/products/{product.pk}").json()
    assert [(s["price_fen"], s["available"]) for s in detail["skus"]] == [(19900, 10), (25900, 10)]

    assert client.get(f"{API}/shops/{shop.slug}").json()["product_count"] == 1
    assert client.get(f"{API}/products", {"shop": shop.slug}).json()["count"] == 1
    regions = client.get(f"{API}/regions", {"parent": "110100"}).json()
    assert {"code": "110105", "name": "朝阳区", "level": 3} in regions


def test_off_shelf_product_is_404(client, shop, product, take_off_shelf):
    take_off_shelf(shop, product)
    response = client.get(f"{API}/products/{product.pk}")
    assert response.status_code == 404
    assert response.json()["detail"] == "商品不存在或已下架"


# --- auth -----------------------------------------------------------------------------------------------------


def test_token_from_login_and_password_works(client, make_user):
    user = make_user(login="buyer@example.com", password="Wanshang#2026")
    response = client.post(
        f"{API}/auth/token",
        {"login": "BUYER@example.com", "password": "Wanshang#2026"},
        content_type="application/json",
    )
    assert response.status_code == 201
    key = response.json()["token"]
    me = client.get(f"{API}/orders", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert me.status_code == 200 and me.json()["count"] == 0
    assert response.json()["user_id"] == user.pk


def test_wrong_password_is_401_with_a_clear_message(client, make_user):
    make_user(login="13800000001")
    response = client.post(
        f"{API}/auth/token",
        {"login": "13800000001", "password": "wrong-password"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json()["detail"] == "登录名或密码错误"


def test_bad_token_and_no_auth_are_401(client, db):
    assert client.get(f"{API}/cart", HTTP_AUTHORIZATION="Bearer ws_not-a-real-token").status_code == 401
    response = client.get(f"{API}/orders")
    assert response.status_code == 401
    assert "令牌" in response.json()["detail"]


def test_session_auth_needs_csrf_for_writes(buyer, product):
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)
    assert client.get(f"{API}/cart").status_code == 200
    response = client.post(
        f"{API}/cart/items",
        {"sku_id": product.skus.first().pk, "quantity": 1},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)


# --- cart -----------------------------------------------------------------------------------------------------


def test_cart_add_update_select_remove(api, product):
    sku_id = product.skus.first().pk
    response = api.post("/cart/items", {"sku_id": sku_id, "quantity": 2})
    assert response.status_code == 201
    assert response.json()["groups"][0]["lines"][0]["quantity"] == 2

    cart = api.patch(f"/cart/items/{sku_id}", {"quantity": 3, "selected": False}).json()
    line = cart["groups"][0]["lines"][0]
    assert (line["quantity"], line["selected"], cart["selected_fen"]) == (3, False, 0)

    assert api.patch(f"/cart/items/{sku_id}", {"quantity": 0}).status_code == 400
    assert api.patch("/cart/items/999999", {"quantity": 1}).status_code == 404
    assert api.delete(f"/cart/items/{sku_id}").status_code == 204
    assert api.get("/cart").json()["line_count"] == 0


def test_cart_item_with_tampered_price_is_422(api, product):
    response = api.post("/cart/items", {"sku_id": product.skus.first().pk, "quantity": 1, "price_fen": 1})
    assert response.status_code == 422
    assert api.get("/cart").json()["line_count"] == 0


# --- placing orders -------------------------------------------------------------------------------------------


def test_order_with_tampered_price_field_is_422_and_creates_nothing(api, buyer, address, product, orders_of):
    items = [{"sku_id": product.skus.first().pk, "quantity": 1, "price_fen": 1}]
    response = place(api, items, address)
    assert response.status_code == 422
    assert "price_fen" in response.json()["detail"]
    assert orders_of(buyer) == []


def test_order_without_idempotency_key_is_400(api, buyer, address, product, orders_of):
    response = api.post(
        "/orders", {"items": [{"sku_id": product.skus.first().pk, "quantity": 1}], "address_id": address.pk}
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert orders_of(buyer) == []


@pytest.mark.parametrize("quantity", [0, -1, 10000, 10**20, 1.5, "2", True])
def test_bad_quantities_are_refused_with_no_order(api, buyer, address, product, orders_of, quantity):
    response = place(api, [{"sku_id": product.skus.first().pk, "quantity": quantity}], address)
    assert 400 <= response.status_code < 500
    assert orders_of(buyer) == []


def test_unknown_sku_is_refused(api, buyer, address, orders_of):
    response = place(api, [{"sku_id": 987654, "quantity": 1}], address)
    assert response.status_code == 400
    assert "商品规格不存在" in response.json()["detail"]
    assert orders_of(buyer) == []


def test_expected_payable_mismatch_is_409(api, buyer, address, product, orders_of):
    response = place(
        api, [{"sku_id": product.skus.first().pk, "quantity": 1}], address, expected_payable_fen=1
    )
    assert response.status_code == 409
    assert orders_of(buyer) == []


def test_place_pay_and_read_orders(api, buyer, address, make_shop, make_product, available):
    a, b = make_shop(), make_shop()
    pa, pb = make_product(a, prices=(12900,)), make_product(b, prices=(5000,))
    items = [{"sku_id": pa.skus.first().pk, "quantity": 1}, {"sku_id": pb.skus.first().pk, "quantity": 2}]
    preview = api.get(
        "/checkout/preview", address_id=address.pk, sku_id=pa.skus.first().pk, quantity=1
    ).json()
    assert preview["can_submit"] is True

    key = uuid.uuid4().hex
    response = place(api, items, address, key=key)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert len(body["orders"]) == 2 and body["amount_fen"] == sum(o["total_fen"] for o in body["orders"])
    assert body["status"] == "pending" and body["pay_deadline"]

    replay = place(api, items, address, key=key)
    assert replay.json()["payment_no"] == body["payment_no"]
    assert api.get("/orders").json()["count"] == 2

    paid = api.post(f"/payments/{body['payment_no']}/sandbox-pay")
    assert paid.status_code == 200 and paid.json()["outcome"] == "applied"
    assert paid.json()["payment"]["status"] == "paid"
    assert available(pb.skus.first()) == 8

    order_id = body["orders"][0]["id"]
    detail = api.get(f"/orders/{order_id}").json()
    assert detail["status"] == "paid" and [e["to_status"] for e in detail["events"]] == [
        "pending_payment",
        "paid",
    ]
    refund = api.post(f"/orders/{order_id}/refund", {"reason": "不想要了"})
    assert refund.status_code == 201 and refund.json()["status"] == "requested"
    assert api.get("/orders", tab="refund").json()["count"] == 1
    assert api.post(f"/orders/{order_id}/refund/withdraw").json()["status"] == "withdrawn"
    assert api.post(f"/orders/{order_id}/confirm-receipt").status_code == 409


def test_from_cart_order_replay_returns_the_same_payment(api, buyer, address, product, orders_of):
    api.post("/cart/items", {"sku_id": product.skus.first().pk, "quantity": 1})
    key = uuid.uuid4().hex
    first = api.post(
        "/orders", {"from_cart": True, "address_id": address.pk}, headers={"Idempotency-Key": key}
    )
    assert first.status_code == 201
    assert api.get("/cart").json()["line_count"] == 0
    again = api.post(
        "/orders", {"from_cart": True, "address_id": address.pk}, headers={"Idempotency-Key": key}
    )
    assert again.status_code == 201 and again.json()["payment_no"] == first.json()["payment_no"]
    assert len(orders_of(buyer)) == 1


def test_cancel_releases_stock(api, buyer, address, product, available):
    sku = product.skus.first()
    order_id = place(api, [{"sku_id": sku.pk, "quantity": 3}], address).json()["orders"][0]["id"]
    assert available(sku) == 7
    response = api.post(f"/orders/{order_id}/cancel", {"reason": "买错了"})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert available(sku) == 10


def test_another_buyers_order_and_payment_are_404(api, address, product, make_user):
    from wanshang.accounts.services import api_token_create

    body = place(api, [{"sku_id": product.skus.first().pk, "quantity": 1}], address).json()
    other = Client()
    auth = {
        "HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=make_user())}",
        "content_type": "application/json",
    }
    order_id = body["orders"][0]["id"]
    assert other.get(f"{API}/orders/{order_id}", **auth).status_code == 404
    assert other.post(f"{API}/orders/{order_id}/cancel", **auth).status_code == 404
    assert other.get(f"{API}/payments/{body['payment_no']}", **auth).status_code == 404
    assert other.post(f"{API}/payments/{body['payment_no']}/sandbox-pay", **auth).status_code == 404
    assert api.get(f"/orders/{order_id}").json()["status"] == "pending_payment"


def test_addresses(api, buyer):
    created = api.post(
        "/addresses",
        {"receiver": "王五", "phone": "13912345678", "district_code": "110105", "detail": "建国路 88 号"},
    )
    assert created.status_code == 201
    assert created.json()["region_text"].endswith("朝阳区") and created.json()["is_default"] is True
    bad = api.post(
        "/addresses",
        {"receiver": "王五", "phone": "13912345678", "district_code": "999999", "detail": "建国路 88 号"},
    )
    assert bad.status_code == 400 and bad.json()["field"] == "district_code"
    assert len(api.get("/addresses").json()) == 1


def test_every_storefront_write_documents_the_csrf_403(client, buyer):
    """A logged-in session's write without its CSRF token is refused with 403 before the handler runs: every
    authenticated POST / PATCH / DELETE of the storefront documents that answer."""
    doc = client.get("/api/openapi.json").json()
    undocumented = sorted(
        f"{method.upper()} {path}"
        for path, ops in doc["paths"].items()
        if path.startswith(API + "/")
        for method, op in ops.items()
        if method in ("post", "patch", "put", "delete")
        and op.get("security")
        and "403" not in op["responses"]
    )
    assert undocumented == []

    session = Client(enforce_csrf_checks=True)
    session.force_login(buyer)
    r = session.delete(f"{API}/me/events")
    assert r.status_code == 403 and r.json()["code"] == "csrf_failed"
