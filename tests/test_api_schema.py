import pytest

pytestmark = pytest.mark.django_db


def test_openapi_schema_lists_storefront_seller_platform_and_notify(client):
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for path in (
        "/api/store/products",
        "/api/store/orders",
        "/api/seller/products",
        "/api/seller/orders/{order_id}/ship",
        "/api/platform/applications",
        "/api/payments/notify/{gateway}",
    ):
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
    assert "shops" not in components["TradeOut"]["properties"]  # the seller's report has no shop table
    assert "shops" in components["PlatformTradeOut"]["properties"]


def _definitions_by_name(monkeypatch) -> dict[str, set[str]]:
    """Every definition ninja adds to `components.schemas` while building /api/openapi.json, by name. ninja keeps
    the last one under each name, so a clash does not show in the document itself: record them as they come."""
    import json
    from collections import defaultdict

    from ninja.openapi.schema import OpenAPISchema

    seen: dict[str, set[str]] = defaultdict(set)
    add = OpenAPISchema.add_schema_definitions

    def recording(self, definitions):
        for name, definition in definitions.items():
            seen[name].add(json.dumps(definition, sort_keys=True, ensure_ascii=False))
        add(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", recording)
    return seen


def test_no_two_different_schemas_share_a_name_in_the_openapi_document(client, monkeypatch):
    seen = _definitions_by_name(monkeypatch)

    r = client.get("/api/openapi.json")

    assert r.status_code == 200
    assert seen, "the recording hook saw no definitions: ninja's OpenAPISchema changed"
    clashes = sorted(name for name, shapes in seen.items() if len(shapes) > 1)
    assert clashes == [], f"schema names used for different shapes (one overwrites the other): {clashes}"
    assert set(r.json()["components"]["schemas"]) == set(seen)


def test_no_two_schema_classes_of_the_project_share_a_documented_name(client):
    """Two classes with one name would collapse even while their fields happen to agree today."""
    from collections import defaultdict

    from pydantic import BaseModel

    names = set(client.get("/api/openapi.json").json()["components"]["schemas"])
    classes: dict[str, set[str]] = defaultdict(set)

    def walk(cls):
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("wanshang.") and ".tests" not in sub.__module__:
                classes[sub.__name__].add(f"{sub.__module__}.{sub.__qualname__}")
            walk(sub)

    walk(BaseModel)
    shared = {name: sorted(where) for name, where in classes.items() if name in names and len(where) > 1}
    assert shared == {}


def test_storefront_product_is_documented_with_the_storefront_shape(client):
    doc = client.get("/api/openapi.json").json()
    ok = doc["paths"]["/api/store/products/{product_id}"]["get"]["responses"]["200"]
    ref = ok["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    props = doc["components"]["schemas"][ref]["properties"]
    assert {"shop", "price_fen", "brand"} <= set(
        props
    )  # the buyer's card fields, not the seller's cost_fen …
    assert "freight_template_id" not in props
