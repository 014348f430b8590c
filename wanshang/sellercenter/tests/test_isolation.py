"""Shop isolation: staff of shop A get 404 — not 403, not data — for anything of shop B, on pages and the API."""

import pytest

from wanshang.aftersales.selectors import seller_refund_get
from wanshang.fulfillment.selectors import freight_template_list
from wanshang.inventory.selectors import available_by_sku, warehouse_list
from wanshang.orders.selectors import seller_order_get
from wanshang.sellercenter.tests.conftest import matrix_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def b_world(other_shop, make_product, paid_order, refund_requested):
    """Shop B with a product, a paid order with an open refund, and a second paid order."""
    product = make_product(other_shop, prices=(5000,), stock=20)
    refunded = paid_order(product)
    refund = refund_requested(refunded)
    order = paid_order(product)
    return {
        "shop": other_shop,
        "product": product,
        "sku": product.skus.get(),
        "order": order,
        "refund": refund,
        "warehouse": warehouse_list(shop=other_shop)[0],
        "freight": freight_template_list(shop=other_shop)[0],
    }


def test_staff_of_other_shop_gets_404_on_pages(owner_client, shop, b_world):
    b = b_world
    for url in (
        f"/seller/products/{b['product'].pk}/",
        f"/seller/skus/{b['sku'].pk}/prices/",
        f"/seller/orders/{b['order'].pk}/",
        f"/seller/refunds/{b['refund'].pk}/",
        f"/seller/freight/{b['freight'].pk}/",
        f"/seller/warehouses/{b['warehouse'].pk}/",
        f"/seller/stock/adjust/?sku={b['sku'].pk}",
        f"/seller/stock/movements/?sku={b['sku'].pk}",
    ):
        response = owner_client.get(url)
        assert response.status_code == 404, url
        assert b["product"].title not in response.content.decode()


def test_staff_of_other_shop_cannot_change_anything_on_pages(owner_client, shop, b_world):
    b = b_world
    own_wh = warehouse_list(shop=shop)[0]
    cases = [
        (
            f"/seller/products/{b['product'].pk}/",
            matrix_post(category_id=shop.test_category.pk, axes=(), rows={"": {"price": "1"}}),
        ),
        (f"/seller/skus/{b['sku'].pk}/prices/", {"price": "1"}),
        ("/seller/stock/adjust/", {"sku_id": b["sku"].pk, "warehouse_id": own_wh.pk, "on_hand": "0"}),
        ("/seller/stock/adjust/", {"sku_id": b["sku"].pk, "warehouse_id": b["warehouse"].pk, "on_hand": "0"}),
        (f"/seller/orders/{b['order'].pk}/ship/", {"carrier": "SF", "tracking_no": "SF1234567890"}),
        (f"/seller/refunds/{b['refund'].pk}/approve/", {}),
        (f"/seller/refunds/{b['refund'].pk}/reject/", {"note": "不行不行"}),
        (
            f"/seller/freight/{b['freight'].pk}/",
            {
                "name": "x",
                "mode": "piece",
                "first_units": "1",
                "first_price": "0",
                "additional_units": "1",
                "additional_price": "0",
            },
        ),
        (f"/seller/freight/{b['freight'].pk}/delete/", {}),
        (f"/seller/warehouses/{b['warehouse'].pk}/", {"name": "抢走"}),
        (f"/seller/warehouses/{b['warehouse'].pk}/default/", {}),
    ]
    for url, data in cases:
        assert owner_client.post(url, data).status_code == 404, url
    b["sku"].refresh_from_db()
    assert b["sku"].price_fen == 5000
    assert available_by_sku(sku_ids=[b["sku"].pk])[b["sku"].pk] == 18
    assert seller_order_get(shop=b["shop"], order_id=b["order"].pk).status == "paid"
    assert seller_refund_get(shop=b["shop"], refund_id=b["refund"].pk).status == "requested"
    assert any(
        t.pk == b["freight"].pk and t.name == "默认运费" for t in freight_template_list(shop=b["shop"])
    )


def test_other_shops_data_never_appears_in_lists(owner_client, shop, b_world):
    b = b_world
    for url in (
        "/seller/products/?tab=all",
        "/seller/orders/",
        "/seller/refunds/",
        "/seller/stock/",
        "/seller/stock/movements/",
    ):
        body = owner_client.get(url).content.decode()
        assert b["product"].title not in body and b["order"].no not in body, url


def test_staff_of_other_shop_gets_404_in_the_api(owner_client, shop, b_world):
    b = b_world
    own_wh = warehouse_list(shop=shop)[0]
    assert owner_client.get(f"/api/seller/products/{b['product'].pk}").status_code == 404
    put = owner_client.put(
        f"/api/seller/products/{b['product'].pk}",
        {"title": "抢来的商品", "category_id": shop.test_category.pk, "skus": [{"price_fen": 1}]},
        content_type="application/json",
    )
    assert put.status_code == 404
    assert (
        owner_client.patch(
            f"/api/seller/skus/{b['sku'].pk}/price", {"price_fen": 1}, content_type="application/json"
        ).status_code
        == 404
    )
    assert owner_client.get(f"/api/seller/orders/{b['order'].pk}").status_code == 404
    ship = owner_client.post(
        f"/api/seller/orders/{b['order'].pk}/ship",
        {"carrier": "SF", "tracking_no": "SF1234567890"},
        content_type="application/json",
    )
    assert ship.status_code == 404 and ship.json()["detail"] == "订单不存在"
    for payload in (
        {"sku_id": b["sku"].pk, "warehouse_id": own_wh.pk, "on_hand": 0},
        {"sku_id": b["sku"].pk, "warehouse_id": b["warehouse"].pk, "on_hand": 0},
    ):
        assert (
            owner_client.post(
                "/api/seller/stock/adjust", payload, content_type="application/json"
            ).status_code
            == 404
        )
    assert owner_client.post(f"/api/seller/refunds/{b['refund'].pk}/approve").status_code == 404
    assert (
        owner_client.post(
            f"/api/seller/refunds/{b['refund'].pk}/reject",
            {"note": "不行不行"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert (
        owner_client.post(
            "/api/seller/products/status",
            {"product_ids": [b["product"].pk], "status": "off_shelf"},
            content_type="application/json",
        ).status_code
        == 404
    )
    b["product"].refresh_from_db()
    b["sku"].refresh_from_db()
    assert (b["product"].title, b["product"].status, b["sku"].price_fen) != ("抢来的商品", "off_shelf", 1)
    assert b["product"].status == "on_sale" and b["sku"].price_fen == 5000
    assert seller_order_get(shop=b["shop"], order_id=b["order"].pk).status == "paid"
    assert available_by_sku(sku_ids=[b["sku"].pk])[b["sku"].pk] == 18
