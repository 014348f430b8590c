"""Every paging parameter of the three faces (page, page_size, limit, offset) is bounded: out of range is a 422
that names the parameter, never a 500 from the database (offset=2**63 was `bigint out of range` on PostgreSQL).
Runs on SQLite and again on PostgreSQL (the `sql` marker)."""

import pytest

pytestmark = [pytest.mark.sql, pytest.mark.django_db]

PAGING = ("page", "page_size", "limit", "offset")
HUGE = 2**63  # one past the largest bigint
REQUIRED = {"/api/seller/data/rfm/buyers": {"segment": "important_value"}}


@pytest.fixture
def clients(client, buyer, operator, make_shop):
    from django.test import Client

    shop = make_shop()
    seller, platform = Client(), Client()
    client.force_login(buyer)
    seller.force_login(shop.owner)
    platform.force_login(operator)
    return {"store": client, "seller": seller, "platform": platform}


def _paged_operations(client):
    doc = client.get("/api/openapi.json").json()
    for path, ops in doc["paths"].items():
        params = [
            p for p in ops.get("get", {}).get("parameters", []) if p["in"] == "query" and p["name"] in PAGING
        ]
        if params:
            yield path, params


def test_every_paging_parameter_is_documented_with_both_bounds(client):
    found = {(path, p["name"]): p["schema"] for path, params in _paged_operations(client) for p in params}

    assert len(found) >= 20  # store products/orders/favourites, seller lists, data alerts, platform lists
    unbounded = sorted(
        f"{path}?{name}"
        for (path, name), schema in found.items()
        if "minimum" not in schema or "maximum" not in schema
    )
    assert unbounded == []


@pytest.mark.parametrize("value", [HUGE, -1, 0, 10**7])
def test_out_of_range_paging_values_are_422_naming_the_parameter(clients, value):
    checked = 0
    for path, params in _paged_operations(clients["store"]):
        face = path.split("/")[2]
        for param in params:
            schema = param["schema"]
            if schema["minimum"] <= value <= schema["maximum"]:
                continue
            r = clients[face].get(path, {**REQUIRED.get(path, {}), param["name"]: value})
            assert r.status_code == 422, (path, param["name"], value, r.status_code, r.content[:300])
            body = r.json()
            assert body["code"] == "invalid" and param["name"] in body["detail"], body
            assert "不能大于" in body["detail"] or "不能小于" in body["detail"], body
            checked += 1
    assert checked >= 10


PLATFORM_LISTS = [
    "/api/platform/applications",
    "/api/platform/shops",
    "/api/platform/coupons",
    "/api/platform/flash-slots",
    "/api/platform/price-alerts",
    "/api/platform/data/shops",
    "/api/platform/data/alerts",
]


@pytest.mark.parametrize("path", PLATFORM_LISTS)
def test_platform_page_past_the_largest_is_422_and_the_largest_is_the_last_page(clients, path):
    """The platform's lists page with page/page_size (the shared `Paged`); their offset/limit are gone."""
    past = clients["platform"].get(path, {"page": HUGE})
    largest = clients["platform"].get(path, {"page": 100_000})

    assert past.status_code == 422 and past.json()["detail"] == "请求参数有误：page: 不能大于 100000"
    assert largest.status_code == 200
    assert largest.json() == {**clients["platform"].get(path).json(), "page": 1, "pages": 1}


@pytest.mark.parametrize("path", ["/api/seller/orders", "/api/seller/data/alerts"])
def test_the_largest_allowed_page_is_the_last_page(clients, path):
    r = clients["seller"].get(path, {"page": 100_000, "page_size": 100})

    assert r.status_code == 200
    assert {k: v for k, v in r.json().items() if k != "unread_count"} == {
        "count": 0,
        "page": 1,
        "pages": 1,
        "items": [],
    }


@pytest.mark.parametrize(
    ("face", "url"),
    [
        ("store", f"/api/store/checkout/preview?sku_id={HUGE}"),
        ("store", f"/api/store/favourites/{HUGE}"),
        ("seller", f"/api/seller/stock?warehouse_id={HUGE}"),
        ("platform", f"/api/platform/data/alerts?shop_id={HUGE}"),
    ],
)
def test_an_id_past_the_largest_bigint_is_never_a_500(clients, face, url):
    """SQLite cannot bind it (OverflowError, a 500); PostgreSQL finds nothing. Either answer is a 4xx or empty."""
    r = clients[face].get(url)

    assert r.status_code in (200, 400, 404, 422), r.status_code
    if r.status_code == 422:
        assert "数值超出范围" in r.json()["detail"]
