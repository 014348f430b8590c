"""Storefront test helpers. Like the views, tests reach the domain only through services and selectors."""

import pytest


# shop and address differ from the shared ones (wanshang/common/tests/fixtures.py): the pages show the shop's name,
# and checkout preselects the buyer's default address.
@pytest.fixture
def shop(make_shop):
    return make_shop(name="万商旗舰店")


@pytest.fixture
def product(shop, make_product):
    return make_product(shop, title="纯棉连衣裙", prices=(19900, 25900), stock=10)


@pytest.fixture
def address(buyer, make_address):
    return make_address(buyer, is_default=True)


@pytest.fixture
def buyer_client(buyer, login_client):
    return login_client(buyer)


@pytest.fixture
def take_off_shelf():
    from wanshang.catalog.services import product_set_status

    def do(shop, product):
        product_set_status(staff=shop.owner_staff, product_ids=[product.pk], status="off_shelf")

    return do


@pytest.fixture
def set_stock():
    from wanshang.inventory.services import stock_set_default_warehouse

    def do(shop, sku, on_hand):
        stock_set_default_warehouse(shop=shop, sku=sku, on_hand=on_hand, actor=shop.owner, reason="测试")

    return do


@pytest.fixture
def available():
    from wanshang.inventory.selectors import available_by_sku

    def do(sku):
        return available_by_sku(sku_ids=[sku.pk]).get(sku.pk, 0)

    return do


@pytest.fixture
def orders_of():
    from wanshang.orders.selectors import buyer_order_list

    def do(user):
        return list(buyer_order_list(buyer=user))

    return do


@pytest.fixture
def grant_points():
    from wanshang.marketing.services import points_change

    def do(user, points):
        return points_change(user=user, delta=points, reason="grant", note="测试赠送")

    return do


@pytest.fixture
def pay():
    from wanshang.payments.services import sandbox_pay

    def do(user, payment_no):
        return sandbox_pay(buyer=user, payment_no=payment_no)

    return do
