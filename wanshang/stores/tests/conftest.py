import uuid

import pytest


@pytest.fixture
def make_store():
    """make_store(shop, name=None, warehouse=None, pickup=True) → a store supplied by the shop's default warehouse
    (or `warehouse`)."""
    from wanshang.inventory.selectors import warehouse_list
    from wanshang.stores.services import store_create

    n = iter(range(1, 1000))

    def make(shop, name=None, warehouse=None, pickup=True):
        warehouse = warehouse or next(w for w in warehouse_list(shop=shop) if w.is_default)
        return store_create(
            shop=shop,
            name=name or f"测试门店{next(n)}",
            district_code="110105",
            detail="朝阳路 88 号",
            phone="010-88886666",
            hours="09:00-21:00",
            warehouse_id=warehouse.pk,
            pickup_enabled=pickup,
        )

    return make


@pytest.fixture
def store_clerk(make_user):
    """store_clerk(shop, *stores) → a 门店 staff member assigned to these stores."""
    from wanshang.merchants.selectors import staff_for_user
    from wanshang.merchants.services import staff_add
    from wanshang.stores.selectors import store_staff_ids
    from wanshang.stores.services import store_staff_set

    def make(shop, *stores):
        user = make_user()
        staff_add(shop=shop, login=user.phone or user.email, role="store")
        for store in stores:
            have = store_staff_ids(shop=shop, store_id=store.pk)
            store_staff_set(shop=shop, store_id=store.pk, user_ids=[*have, user.pk])
        return staff_for_user(user=user)

    return make


@pytest.fixture
def pickup_order(make_address, django_capture_on_commit_callbacks):
    """pickup_order(buyer, product, store, qty=1, pay=True) → the (paid) pickup order at `store`."""
    from wanshang.checkout.services import checkout_submit
    from wanshang.payments.services import sandbox_pay

    def make(buyer, product, store, qty=1, pay=True):
        address = make_address(buyer)
        sku = product.skus.filter(is_active=True).first()
        payment = checkout_submit(
            user=buyer,
            items=[(sku.pk, qty)],
            address_id=address.pk,
            idempotency_key=uuid.uuid4().hex,
            from_cart=False,
            pickup={store.shop_id: store.pk},
        )
        if pay:
            with django_capture_on_commit_callbacks(execute=True):
                assert sandbox_pay(buyer=buyer, payment_no=payment.no) == "applied"
        order = payment.orders.get()
        order.refresh_from_db()
        return order

    return make
