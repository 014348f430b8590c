import pytest

pytestmark = pytest.mark.django_db


def test_openapi_schema_lists_storefront_seller_platform_and_notify(client):
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for path in ("/api/store/products", "/api/store/orders", "/api/seller/products", "/api/seller/orders/{order_id}/ship",
                 "/api/platform/applications", "/api/payments/notify/{gateway}"):
        assert path in paths, path
    assert client.get("/api/docs").status_code == 200


def test_api_errors_are_json_with_a_message(client):
    r = client.get("/api/store/orders")
    assert r.status_code == 401
    assert r.json()["detail"]


def test_seller_and_platform_trade_schemas_keep_their_own_names():
    """Two routers' schemas with one name collapse into one in the OpenAPI document (one shape shown for both)."""
    from wanshang.api import api

    components = api.get_openapi_schema()["components"]["schemas"]
    assert "shops" not in components["TradeOut"]["properties"]       # the seller's report has no shop table
    assert "shops" in components["PlatformTradeOut"]["properties"]
