"""A shop promotion's scope (指定商品 / 指定类目) names only the shop's own products and categories it may sell,
through the JSON API and the 营销中心 form alike: anything else is a 4xx with a message and nothing is saved."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.marketing.selectors import promotion_get, promotion_list

pytestmark = pytest.mark.django_db

JSON = "application/json"


def at(delta: timedelta) -> str:
    return (timezone.now() + delta).isoformat()


def coupon(scope, ids, *, starts=timedelta(minutes=-5), kind="coupon"):
    config = {"amount_fen": 500} if kind == "coupon" else {"mode": "tiers", "tiers": [[10000, 1000]]}
    data = {
        "kind": kind,
        "name": "指定范围",
        "starts_at": at(starts),
        "ends_at": at(starts + timedelta(days=3)),
        "scope": scope,
        "scope_ids": ids,
        "config": config,
    }
    if kind == "coupon":
        data["total_quantity"] = 10
    return data


def form(scope, ids: str):
    def when(delta):
        return timezone.localtime(timezone.now() + delta).strftime("%Y-%m-%dT%H:%M")

    return {
        "name": "指定范围",
        "starts_at": when(timedelta(minutes=-5)),
        "ends_at": when(timedelta(days=3)),
        "coupon_type": "amount",
        "amount": "5",
        "total_quantity": "10",
        "scope": scope,
        "scope_ids": ids,
    }


@pytest.fixture
def world(shop, other_shop, make_product, make_category):
    return {
        "mine": make_product(shop),
        "theirs": make_product(other_shop),
        "my_category": shop.test_category,
        "their_category": other_shop.test_category,
        "unapproved": make_category(("家用电器", "厨房电器", "电饭煲")),
    }


@pytest.mark.parametrize("kind", ["coupon", "full_reduction"])
@pytest.mark.parametrize(
    "case, status, message",
    [
        ("their product", 404, "商品编号 {theirs} 不存在"),
        ("unknown product", 404, "商品编号 999999 不存在"),
        ("mine and theirs", 404, "商品编号 {theirs} 不存在"),
        ("their category", 400, "店铺未获准经营“{their_category_name}”类目"),
        ("unapproved top category", 400, "店铺未获准经营“家用电器”类目"),
        ("unknown category", 400, "类目编号 999999 不存在"),
    ],
)
def test_api_refuses_a_scope_outside_the_shop(owner_client, shop, world, kind, case, status, message):
    scope, ids = {
        "their product": ("products", [world["theirs"].pk]),
        "unknown product": ("products", [999999]),
        "mine and theirs": ("products", [world["mine"].pk, world["theirs"].pk]),
        "their category": ("categories", [world["their_category"].pk]),
        "unapproved top category": ("categories", [world["unapproved"].parent.parent.pk]),
        "unknown category": ("categories", [999999]),
    }[case]
    response = owner_client.post("/api/seller/promotions", coupon(scope, ids, kind=kind), content_type=JSON)
    assert response.status_code == status, response.json()
    assert response.json()["detail"] == message.format(
        theirs=world["theirs"].pk, their_category_name=world["their_category"].name
    )
    assert response.json()["field"] == "scope_ids"
    assert not promotion_list(shop=shop).exists()


def test_api_accepts_own_products_and_categories_at_every_level(owner_client, shop, world):
    leaf = world["my_category"]
    for scope, ids in (
        ("products", [world["mine"].pk]),
        ("categories", [leaf.pk, leaf.parent.pk]),
        ("categories", [leaf.parent.parent.pk]),
    ):
        response = owner_client.post("/api/seller/promotions", coupon(scope, ids), content_type=JSON)
        assert response.status_code == 201, response.json()
        assert response.json()["scope_ids"] == sorted(ids)


def test_api_update_cannot_move_the_scope_to_another_shop(owner_client, shop, world):
    created = owner_client.post(
        "/api/seller/promotions",
        coupon("products", [world["mine"].pk], starts=timedelta(days=1)),
        content_type=JSON,
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    response = owner_client.put(
        f"/api/seller/promotions/{pk}",
        coupon("products", [world["theirs"].pk], starts=timedelta(days=1)),
        content_type=JSON,
    )
    assert (
        response.status_code == 404 and response.json()["detail"] == f"商品编号 {world['theirs'].pk} 不存在"
    )
    assert promotion_get(shop=shop, promotion_id=pk).scope_ids == [world["mine"].pk]


@pytest.mark.parametrize(
    "scope, ids, status, message",
    [
        ("products", "{theirs}", 404, "商品编号 {theirs} 不存在"),
        ("products", "{mine}, 999999", 404, "商品编号 999999 不存在"),
        ("categories", "{their_category}", 400, "店铺未获准经营"),
        ("categories", "999999", 400, "类目编号 999999 不存在"),
    ],
)
def test_form_refuses_a_scope_outside_the_shop(owner_client, shop, world, scope, ids, status, message):
    values = {
        "theirs": world["theirs"].pk,
        "mine": world["mine"].pk,
        "their_category": world["their_category"].pk,
    }
    response = owner_client.post("/seller/marketing/new/coupon/", form(scope, ids.format(**values)))
    assert response.status_code == status
    assert message.format(**values) in response.content.decode()
    assert not promotion_list(shop=shop).exists()


def test_form_accepts_own_category(owner_client, shop, world):
    response = owner_client.post(
        "/seller/marketing/new/coupon/", form("categories", str(world["my_category"].pk))
    )
    assert response.status_code == 302
    assert promotion_list(shop=shop).get().scope_ids == [world["my_category"].pk]
