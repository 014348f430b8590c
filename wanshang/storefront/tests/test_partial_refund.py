"""A buyer asks for some units back, on the page and through the API."""

import uuid

import pytest

from wanshang.checkout.services import checkout_submit
from wanshang.payments.services import sandbox_pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_order(buyer, make_shop, make_product, make_address):
    shop = make_shop()
    a = make_product(shop, title="陶瓷杯", prices=(3000,), stock=9).skus.get()
    b = make_product(shop, title="杯垫", prices=(1000,), stock=9).skus.get()
    payment = checkout_submit(
        user=buyer,
        items=[(a.pk, 3), (b.pk, 1)],
        address_id=make_address(buyer).pk,
        idempotency_key=uuid.uuid4().hex,
        from_cart=False,
    )
    sandbox_pay(buyer=buyer, payment_no=payment.no)
    return payment.orders.get()


def test_buyer_refunds_two_of_three_cups_on_the_order_page(login_client, buyer, paid_order):
    client = login_client(buyer)
    cup = paid_order.lines.get(title="陶瓷杯")
    cards = paid_order.lines.get(title="杯垫")
    page = client.get(f"/orders/{paid_order.pk}/").content.decode()
    assert f'data-case-new="{cup.pk}"' in page  # the page asks per line through 申请售后 (仅退款) now
    assert f'name="qty_{cup.pk}"' not in page  # not through the legacy whole-order form; its POST still works
    client.post(
        f"/orders/{paid_order.pk}/refund/", {"reason": "买多了", f"qty_{cup.pk}": "2", f"qty_{cards.pk}": "0"}
    )
    refund = paid_order.refunds.get()
    assert refund.amount_fen == 6000 and not refund.is_full and refund.lines == [[cup.pk, 2, 6000]]


def test_api_partial_refund_and_bad_quantity(login_client, buyer, paid_order):
    client = login_client(buyer)
    cup = paid_order.lines.get(title="陶瓷杯")
    bad = client.post(
        f"/api/store/orders/{paid_order.pk}/refund",
        {"reason": "买多了", "lines": [{"line_id": cup.pk, "quantity": 4}]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "1–3" in bad.json()["detail"]
    assert not paid_order.refunds.exists()
    ok = client.post(
        f"/api/store/orders/{paid_order.pk}/refund",
        {"reason": "买多了", "lines": [{"line_id": cup.pk, "quantity": 1}]},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["amount_fen"] == 3000 and ok.json()["is_full"] is False
    detail = client.get(f"/api/store/orders/{paid_order.pk}").json()
    assert {line["id"] for line in detail["lines"]} == set(paid_order.lines.values_list("pk", flat=True))
