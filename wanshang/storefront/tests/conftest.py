"""Storefront test helpers. Like the views, tests reach the domain only through services and selectors."""

import pytest


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



# --- promotions ---------------------------------------------------------------------------------------------------

@pytest.fixture
def promo():
    """Set up a promotion through the seller's service: promo(shop, kind, items=[...], config={...}, **fields).
    Running from a minute ago for a day unless `starts` / `ends` say otherwise; shop=None: a platform coupon."""
    from datetime import timedelta

    from django.utils import timezone

    from wanshang.marketing.services import PromotionInput, promotion_save

    def make(shop, kind, *, actor=None, items=(), config=None, name=None, starts=None, ends=None, **fields):
        now = timezone.now()
        data = PromotionInput(kind=kind, name=name or f"测试{kind}", starts_at=starts or now - timedelta(minutes=1),
                              ends_at=ends if ends is not None else now + timedelta(days=1), config=config or {},
                              items=list(items), **fields)
        return promotion_save(shop=shop, actor=actor or (shop.owner if shop else None), data=data)

    return make


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
