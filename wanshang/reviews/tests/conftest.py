import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_file(name="photo.jpg", color=(200, 40, 40), size=(320, 240)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def img():
    return image_file


@pytest.fixture
def receive():
    """receive(buyer, address, shop, [(sku, qty)]) → the order, paid, shipped and received."""
    from wanshang.checkout.services import checkout_submit
    from wanshang.orders.services import order_confirm_receipt, order_ship
    from wanshang.payments.services import sandbox_pay

    def do(buyer, address, shop, items, *, received=True):
        import uuid

        payment = checkout_submit(
            user=buyer,
            items=[(sku.pk, qty) for sku, qty in items],
            address_id=address.pk,
            idempotency_key=uuid.uuid4().hex,
            from_cart=False,
        )
        order = payment.orders.get()
        sandbox_pay(buyer=buyer, payment_no=payment.no)
        order_ship(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF1234567890", actor=shop.owner)
        if received:
            order_confirm_receipt(buyer=buyer, order_id=order.pk)
        order.refresh_from_db()
        return order

    return do


@pytest.fixture
def product(shop, make_product):
    return make_product(shop, title="纯棉连衣裙", prices=(19900, 25900), stock=50)


@pytest.fixture
def order(buyer, address, shop, product, receive):
    """A received order of `buyer` with two lines (both SKUs of `product`)."""
    skus = list(product.skus.order_by("pk"))
    return receive(buyer, address, shop, [(skus[0], 1), (skus[1], 2)])


@pytest.fixture
def line(order):
    return order.lines.order_by("pk").first()


DSR = {"description": 5, "service": 4, "logistics": 3}
