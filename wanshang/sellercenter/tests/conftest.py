import uuid

import pytest

from wanshang.merchants.tests.conftest import make_staff  # noqa: F401


@pytest.fixture
def owner_client(client, shop):
    client.force_login(shop.owner)
    return client


@pytest.fixture
def paid_order(buyer, address):
    """paid_order(product, qty=1) → a paid order of the product's shop (checkout + sandbox payment)."""
    from wanshang.checkout.services import checkout_submit
    from wanshang.payments.services import sandbox_pay

    def make(product, qty=1):
        sku = product.skus.filter(is_active=True).first()
        payment = checkout_submit(
            user=buyer,
            items=[(sku.pk, qty)],
            address_id=address.pk,
            idempotency_key=uuid.uuid4().hex,
            from_cart=False,
        )
        assert sandbox_pay(buyer=buyer, payment_no=payment.no) == "applied"
        order = payment.orders.get()
        order.refresh_from_db()
        return order

    return make


@pytest.fixture
def refund_requested(buyer):
    from wanshang.aftersales.services import refund_request

    def make(order, reason="不想要了"):
        return refund_request(buyer=buyer, order_id=order.pk, reason=reason)

    return make


def matrix_post(
    *, title="纯棉T恤", category_id, axes=(("颜色", "红色,黑色"), ("尺码", "M,L")), rows=None, **extra
):
    """The product form's POST body: axes as typed plus one row per combination (yuan text)."""
    data = {
        "title": title,
        "category_id": str(category_id),
        "min_order_qty": "1",
        "axis_name": [],
        "axis_values": [],
    }
    for name, values in axes:
        data["axis_name"].append(name)
        data["axis_values"].append(values)
    rows = rows or {}
    columns = {k: [] for k in ("spec", "price", "original", "cost", "stock", "barcode", "weight", "safety")}
    for spec, row in rows.items():
        columns["spec"].append(spec)
        for key in ("price", "original", "cost", "stock", "barcode", "weight", "safety"):
            columns[key].append(str(row.get(key, "")))
    for key, values in columns.items():
        data[f"sku_{key}"] = values
    data.update(extra)
    return data


FOUR_ROWS = {
    "红色/M": {"price": "99.00", "original": "129", "stock": "10", "weight": "200"},
    "红色/L": {"price": "99.50", "stock": "5", "weight": "210"},
    "黑色/M": {"price": "109", "stock": "0", "safety": "2"},
    "黑色/L": {"price": "109.9", "stock": "3", "cost": "50"},
}
