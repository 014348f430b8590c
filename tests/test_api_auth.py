"""Who gets which refusal, in which order: anonymous → 401 (log in or send a token), logged in without the CSRF
token → 403, logged in without the right (a buyer in the seller API, a non-operator in the platform API) → 403
before the body or the query is read; and the OpenAPI document lists those answers."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN_FIRST = "请先登录或提供有效的 API 令牌"
WRITES = [
    ("post", "/api/seller/products"),
    ("put", "/api/seller/products/1"),
    ("patch", "/api/seller/skus/1/price"),
    ("delete", "/api/seller/data/crowds/1"),
    ("post", "/api/seller/data/alerts/read-all"),
    ("post", "/api/platform/shops/1/suspend"),
    ("put", "/api/platform/coupons/1"),
    ("post", "/api/platform/data/alerts/1/read"),
    ("post", "/api/store/cart/items"),
    ("patch", "/api/store/cart/items/1"),
    ("delete", "/api/store/addresses/1"),
]


def _send(client, method, path, body=None):
    return getattr(client, method)(
        path, data=body if body is not None else {}, content_type="application/json"
    )


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_anonymous_write_is_401_not_a_csrf_403(method, path):
    r = _send(Client(enforce_csrf_checks=True), method, path)

    assert r.status_code == 401, r.content
    assert r.json() == {"detail": LOGIN_FIRST, "code": "unauthorized"}


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_logged_in_session_without_csrf_token_is_still_refused(method, path, make_shop, operator, buyer):
    shop = make_shop()
    user = {"seller": shop.owner, "platform": operator, "store": buyer}[path.split("/")[2]]
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    r = _send(client, method, path)

    assert r.status_code == 403, r.content
    assert r.json()["code"] == "csrf_failed" and "CSRF" in r.json()["detail"]


def test_session_with_csrf_token_passes_the_check(make_shop):
    shop = make_shop()
    client = Client(enforce_csrf_checks=True)
    client.force_login(shop.owner)
    client.get("/api/docs")  # the docs page sets the csrftoken cookie (ninja's Swagger sends it back)
    token = client.cookies["csrftoken"].value

    r = client.post(
        "/api/seller/data/alerts/read-all", content_type="application/json", HTTP_X_CSRFTOKEN=token
    )

    assert r.status_code == 200 and r.json() == {"changed": 0}


def test_bearer_token_needs_no_csrf(make_shop):
    from wanshang.accounts.services import api_token_create

    shop = make_shop()
    r = Client(enforce_csrf_checks=True).post(
        "/api/seller/data/alerts/read-all",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=shop.owner)}",
    )

    assert r.status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/seller/products", {"title": 5}),  # an invalid body
        ("post", "/api/seller/products", {}),  # a missing one
        ("patch", "/api/seller/skus/1/price", {"price_fen": "很贵"}),
        ("get", "/api/seller/data/alerts?offset=-5", None),  # an invalid query
        ("get", "/api/seller/products?page=0", None),
        ("put", "/api/seller/member-levels", {"levels": "x"}),
    ],
)
def test_buyer_in_the_seller_api_gets_403_before_any_422(buyer, login_client, method, path, body):
    client = login_client(buyer)

    r = client.get(path) if method == "get" else _send(client, method, path, body)

    assert r.status_code == 403, r.content
    assert r.json()["detail"] == "该账号不是商家员工，无法进入卖家中心"


def test_buyer_with_a_token_in_the_seller_api_gets_403_before_any_422(buyer):
    from wanshang.accounts.services import api_token_create

    r = Client().post(
        "/api/seller/products",
        data={"title": 5},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=buyer)}",
    )

    assert r.status_code == 403


@pytest.mark.parametrize(
    ("role", "method", "path", "body", "right"),
    [
        ("service", "post", "/api/seller/products", {"title": 5}, "编辑商品"),  # 客服 may not edit products
        ("warehouse", "get", "/api/seller/data/alerts?offset=-5", None, "数据中心"),
        ("warehouse", "post", "/api/seller/promotions", {"kind": 1}, "营销活动"),
        ("finance", "post", "/api/seller/orders/1/ship", {"carrier": []}, "订单发货"),
    ],
)
def test_staff_without_the_routes_permission_gets_403_before_any_422(
    make_shop, make_user, login_client, role, method, path, body, right
):
    from wanshang.merchants.services import staff_add

    shop, user = make_shop(), make_user()
    staff_add(shop=shop, login=user.phone, role=role)
    client = login_client(user)

    r = client.get(path) if method == "get" else _send(client, method, path, body)

    assert r.status_code == 403, r.content
    assert right in r.json()["detail"]


def test_staff_with_a_bad_body_still_gets_422(make_shop, login_client):
    client = login_client(make_shop().owner)

    r = _send(client, "post", "/api/seller/products", {"title": 5})

    assert r.status_code == 422 and r.json()["code"] == "invalid"


def test_non_operator_in_the_platform_api_gets_403_before_any_422(buyer, login_client):
    r = _send(login_client(buyer), "post", "/api/platform/coupons", {"name": 1})

    assert r.status_code == 403 and r.json()["detail"] == "需要平台运营权限（is_staff）"


def _operations(client, prefix):
    doc = client.get("/api/openapi.json").json()
    for path, ops in doc["paths"].items():
        if path.startswith(prefix):
            for method, op in ops.items():
                yield f"{method.upper()} {path}", op


def test_every_platform_endpoint_documents_401_403_and_422(client):
    missing = sorted(
        name
        for name, op in _operations(client, "/api/platform/")
        if not {"401", "403", "422"} <= set(op["responses"])
    )
    assert missing == []
    doc = client.get("/api/openapi.json").json()
    forbidden = doc["paths"]["/api/platform/shops"]["get"]["responses"]["403"]
    assert forbidden["content"]["application/json"]["schema"]["$ref"].endswith("/PlatformError")


def test_every_storefront_endpoint_with_inputs_documents_422(client):
    missing = sorted(
        name
        for name, op in _operations(client, "/api/store/")
        if (op.get("parameters") or op.get("requestBody")) and "422" not in op["responses"]
    )
    assert missing == []


def test_every_storefront_endpoint_that_needs_a_login_documents_401():
    """From ninja's mounted operations: the OpenAPI document cannot tell a login from an optional one."""
    from wanshang.api import api
    from wanshang.storefront.api.promotions import OPTIONAL_AUTH

    mounted = [
        (bound.prefix, op)
        for bound in api._get_bound_routers()
        if bound.prefix.strip("/").startswith("store")
        for view in bound.path_operations.values()
        for op in view.operations
    ]
    private = [
        (prefix, op) for prefix, op in mounted if op.auth_callbacks and op.auth_callbacks != OPTIONAL_AUTH
    ]

    assert len(private) >= 25  # cart, checkout, orders, payments, addresses, coupons, points, favourites …
    missing = sorted(op.view_func.__name__ for _prefix, op in private if 401 not in op.response_models)
    assert missing == []


def test_seller_endpoints_document_401_403_and_422(client):
    missing = sorted(
        name
        for name, op in _operations(client, "/api/seller/")
        if not {"401", "403", "422"} <= set(op["responses"])
    )
    assert missing == []
