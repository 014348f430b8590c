"""7天无理由 and 延迟发货 as the buyer sees them: product page, checkout (page and API), order page (and API)."""

import json
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wanshang.catalog.services import category_rename
from wanshang.orders.selectors import buyer_order_list
from wanshang.orders.services import late_shipments_flag

pytestmark = pytest.mark.django_db


@pytest.fixture
def excluded(shop, make_product):
    return make_product(
        shop, title="激活卡", no_return_kind="activated", no_return_note="激活后不退", ship_within_hours=24
    )


@pytest.fixture
def bearer(buyer):
    from wanshang.accounts.services import api_token_create

    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=buyer)}"}


def test_product_page_shows_eligibility_and_the_promised_shipping_time(client, shop, product, excluded):
    html = client.get(reverse("storefront:product", args=[product.pk])).content.decode()
    assert "支持7天无理由退货" in html and "付款后 48 小时内发货" in html
    html = client.get(reverse("storefront:product", args=[excluded.pk])).content.decode()
    assert "不支持7天无理由退货" in html and "一经激活或试用后价值贬损较大：激活后不退" in html
    assert "付款后 24 小时内发货" in html

    leaf = shop.test_category.parent  # a mark on the level-2 category reaches the product's leaf
    category_rename(category_id=leaf.pk, name=leaf.name, never_return_kind="fresh")
    html = client.get(reverse("storefront:product", args=[product.pk])).content.decode()
    assert "不支持7天无理由退货" in html and "鲜活易腐的商品" in html


def test_product_api_carries_the_policy(client, excluded):
    body = client.get(f"/api/store/products/{excluded.pk}").json()
    assert body["return_policy"]["eligible"] is False
    assert body["return_policy"]["needs_confirm"] is True
    assert body["ship_within_hours"] == 24


def test_checkout_page_asks_for_confirmation_and_refuses_without_it(buyer, buyer_client, address, excluded):
    sku = excluded.skus.get()
    response = buyer_client.get(reverse("storefront:checkout"), {"sku": sku.pk, "qty": 1})
    html = response.content.decode()
    assert 'name="confirm_no_return"' in html and "我已知晓以下商品不支持7天无理由退货" in html
    data = dict(response.context["form"].initial)
    refused = buyer_client.post(reverse("storefront:checkout"), data)
    assert refused.status_code == 400
    assert "不支持7天无理由退货" in refused.content.decode()
    assert not buyer_order_list(buyer=buyer).exists()

    placed = buyer_client.post(reverse("storefront:checkout"), {**data, "confirm_no_return": "on"})
    assert placed.status_code == 302 and placed["Location"].startswith("/pay/")
    assert buyer_order_list(buyer=buyer).count() == 1


def test_an_eligible_cart_has_no_checkbox(buyer_client, address, product):
    html = buyer_client.get(reverse("storefront:checkout"), {"sku": product.skus.first().pk}).content.decode()
    assert 'name="confirm_no_return"' not in html
    assert "支持7天无理由退货" in html


def test_checkout_api_refuses_without_confirmation(buyer, bearer, address, excluded):
    client = Client(enforce_csrf_checks=True)
    sku = excluded.skus.get()
    preview = client.get("/api/store/checkout/preview", {"sku_id": sku.pk}, **bearer).json()
    assert preview["needs_return_confirm"] is True
    assert preview["no_return"][0]["policy"]["reason"] == "一经激活或试用后价值贬损较大"

    def place(**extra):
        return client.post(
            "/api/store/orders",
            json.dumps({"items": [{"sku_id": sku.pk, "quantity": 1}], "address_id": address.pk, **extra}),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
            **bearer,
        )

    refused = place()
    assert refused.status_code == 400
    assert refused.json()["code"] == "no_return_confirmation_required"
    assert not buyer_order_list(buyer=buyer).exists()
    assert place(confirm_no_return="yes").status_code in (400, 422)  # strictly a boolean
    assert place(confirm_no_return=True).status_code == 201


def test_order_page_shows_the_last_day_and_the_compensation(
    buyer, buyer_client, bearer, shop, product, place_paid
):
    from wanshang.orders.services import order_confirm_receipt, order_ship

    order = place_paid(buyer, product)
    assert late_shipments_flag(now=order.ship_deadline + timedelta(minutes=5)) == 1
    html = buyer_client.get(reverse("storefront:order_detail", args=[order.pk])).content.decode()
    assert "延迟发货" in html and "平台已赔付你 ¥19.90" in html  # 10% of ¥199 (floor ¥5, cap ¥100)

    order_ship(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF1234567890", actor=shop.owner)
    order_confirm_receipt(buyer=buyer, order_id=order.pk)
    last = (timezone.localtime(timezone.now()).date() + timedelta(days=7)).isoformat()
    html = buyer_client.get(reverse("storefront:order_detail", args=[order.pk])).content.decode()
    assert f"支持7天无理由退货，可申请至 {last}" in html

    body = Client().get(f"/api/store/orders/{order.pk}", **bearer).json()
    assert body["late_shipment"]["amount_fen"] == 1990 and body["late_shipment"]["points"] == 1990
    assert body["lines"][0]["no_reason_return"] is True
    assert body["lines"][0]["no_reason_return_last_day"] == last
