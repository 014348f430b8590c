"""Huge, exponent, NaN and infinite yuan amounts typed into any seller form are a form error, never a 500."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.catalog.selectors import seller_product_list
from wanshang.fulfillment.selectors import freight_template_list
from wanshang.marketing.selectors import member_levels, promotion_list

from .conftest import FOUR_ROWS, matrix_post
from .test_freight_and_shop import freight_post

pytestmark = pytest.mark.django_db

BAD_AMOUNTS = ["1e30", "1e400", "9" * 40, "NaN", "-Infinity", "1E+5"]


def when(delta: timedelta) -> str:
    return timezone.localtime(timezone.now() + delta).strftime("%Y-%m-%dT%H:%M")


def promo_post(**extra) -> dict:
    return {
        "name": "巨额",
        "starts_at": when(timedelta(minutes=-5)),
        "ends_at": when(timedelta(days=3)),
        **extra,
    }


@pytest.mark.parametrize("amount", BAD_AMOUNTS)
def test_product_matrix_price(owner_client, shop, amount):
    rows = {**FOUR_ROWS, "红色/M": {"price": amount, "stock": "1"}}
    response = owner_client.post(
        "/seller/products/new/", matrix_post(category_id=shop.test_category.pk, rows=rows)
    )
    assert response.status_code == 400
    assert "有效的金额" in response.content.decode() or "金额过大" in response.content.decode()
    assert seller_product_list(shop=shop).count() == 0


@pytest.mark.parametrize("amount", BAD_AMOUNTS)
def test_sku_price_page(owner_client, shop, make_product, amount):
    sku = make_product(shop).skus.get()
    response = owner_client.post(f"/seller/skus/{sku.pk}/prices/", {"price": amount, "original_price": ""})
    assert response.status_code == 400
    sku.refresh_from_db()
    assert sku.price_fen == 9900


@pytest.mark.parametrize("field", ["first_price", "additional_price", "free_threshold", "rule-1-first_price"])
def test_freight_template_amounts(owner_client, shop, field):
    before = len(freight_template_list(shop=shop))
    response = owner_client.post("/seller/freight/new/", freight_post(**{field: "1e30"}))
    assert response.status_code == 400
    assert len(freight_template_list(shop=shop)) == before


@pytest.mark.parametrize(
    "kind, data",
    [
        ("coupon", {"coupon_type": "amount", "amount": "1e30", "total_quantity": "10", "scope": "all"}),
        (
            "coupon",
            {
                "coupon_type": "amount",
                "amount": "5",
                "threshold": "1e400",
                "total_quantity": "10",
                "scope": "all",
            },
        ),
        (
            "coupon",
            {"coupon_type": "percent", "discount": "8", "cap": "NaN", "total_quantity": "10", "scope": "all"},
        ),
        ("full_reduction", {"mode": "tiers", "tier_threshold": ["1e30"], "tier_off": ["1"], "scope": "all"}),
        ("full_reduction", {"mode": "every", "every": "1e30", "off": "1", "scope": "all"}),
    ],
)
def test_promotion_form_amounts(owner_client, shop, kind, data):
    response = owner_client.post(f"/seller/marketing/new/{kind}/", promo_post(**data))
    assert response.status_code == 400
    assert not promotion_list(shop=shop).exists()


def test_promotion_row_price(owner_client, shop, make_product):
    sku = make_product(shop).skus.get()
    response = owner_client.post(
        "/seller/marketing/new/time_discount/",
        promo_post(item_sku=[str(sku.pk)], item_price=["1e30"], item_discount=[""]),
    )
    assert response.status_code == 400 and "第1行" in response.content.decode()
    assert not promotion_list(shop=shop).exists()


def test_member_level_spend(owner_client, shop):
    response = owner_client.post(
        "/seller/marketing/levels/",
        {"level_rank": ["1"], "level_name": ["银卡"], "level_spend": ["1e30"], "level_points": [""]},
    )
    assert response.status_code == 400
    assert not member_levels(shop=shop)


@pytest.mark.parametrize(
    "query",
    ["max_price=1e400", "min_price=1e30", "min_price=NaN&max_price=Infinity", "max_price=" + "9" * 14],
)
def test_search_page_ignores_an_invalid_price_filter(client, query):
    response = client.get(f"/search/?q=x&{query}")
    assert response.status_code == 200
