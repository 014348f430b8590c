"""Who gets into the seller center, and what the sidebar shows each role."""

import pytest

pytestmark = pytest.mark.django_db


def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/seller/products/")
    assert response.status_code == 302
    assert "login" in response["Location"] and "next=/seller/products/" in response["Location"]


def test_buyer_who_is_not_staff_gets_403_with_reason_and_apply_link(client, buyer):
    client.force_login(buyer)
    response = client.get("/seller/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "不是商家员工" in body
    assert "/seller/apply/" in body


def test_owner_sees_every_menu_entry(owner_client):
    body = owner_client.get("/seller/").content.decode()
    for label in (
        "商品管理",
        "库存管理",
        "订单管理",
        "退款管理",
        "运费模板",
        "店铺设置",
        "员工与角色",
        "结算台账",
    ):
        assert label in body


def test_warehouse_role_sees_only_what_it_may_use(client, shop, make_staff):
    client.force_login(make_staff(shop, "warehouse"))
    body = client.get("/seller/").content.decode()
    assert "库存管理" in body and "订单管理" in body
    for label in ("商品管理", "结算台账", "员工与角色", "店铺设置", "运费模板"):
        assert label not in body


def test_role_without_permission_gets_clear_403_page(client, shop, make_staff):
    client.force_login(make_staff(shop, "warehouse"))
    response = client.get("/seller/settlements/")
    assert response.status_code == 403
    assert "没有“查看结算”权限" in response.content.decode()


def test_finance_sees_settlements_but_not_products(client, shop, make_staff):
    client.force_login(make_staff(shop, "finance"))
    assert client.get("/seller/settlements/").status_code == 200
    assert client.get("/seller/products/").status_code == 403


def test_operator_is_not_seller_staff(client, operator):
    client.force_login(operator)
    assert client.get("/seller/orders/").status_code == 403


def test_every_page_renders_for_the_owner(owner_client, shop, make_product, paid_order, refund_requested):
    product = make_product(shop)
    order = paid_order(product)
    refund = refund_requested(order)
    sku = product.skus.get()
    urls = [
        "/seller/",
        "/seller/products/",
        "/seller/products/?tab=all",
        "/seller/products/new/",
        f"/seller/products/{product.pk}/",
        f"/seller/skus/{sku.pk}/prices/",
        "/seller/stock/",
        f"/seller/stock/adjust/?sku={sku.pk}",
        "/seller/stock/low/",
        "/seller/stock/movements/",
        "/seller/warehouses/",
        "/seller/warehouses/new/",
        "/seller/orders/",
        f"/seller/orders/{order.pk}/",
        "/seller/refunds/",
        f"/seller/refunds/{refund.pk}/",
        "/seller/freight/",
        "/seller/freight/new/",
        "/seller/settings/",
        "/seller/staff/",
        "/seller/settlements/",
    ]
    for url in urls:
        response = owner_client.get(url)
        assert response.status_code == 200, url
        assert "卖家中心" in response.content.decode(), url


def test_refusal_escaping_a_seller_view_is_shown_inside_the_seller_layout(
    owner_client, other_shop, make_product
):
    """Another shop's product: NotFound leaves the view; DomainErrorMiddleware renders the seller error page."""
    foreign = make_product(other_shop)
    response = owner_client.get(f"/seller/products/{foreign.pk}/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "操作没有完成" in body and "回到工作台" in body  # sellercenter/error.html, in the layout
    assert "sc-side" in body
