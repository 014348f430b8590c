"""申请售后 on the web pages: from the order page, with an evidence image; my cases; the case page with the
countdown; cancelling; a bad quantity re-renders the form with the message and writes nothing."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from wanshang.aftersales.selectors import buyer_case_list, reason_list
from wanshang.checkout.services import checkout_submit
from wanshang.payments.services import sandbox_pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_order(buyer, shop, make_product, address):
    sku = make_product(shop, title="真丝围巾", prices=(8800,), stock=9).skus.get()
    payment = checkout_submit(
        user=buyer,
        items=[(sku.pk, 2)],
        address_id=address.pk,
        idempotency_key=uuid.uuid4().hex,
        from_cart=False,
    )
    sandbox_pay(buyer=buyer, payment_no=payment.no)
    return payment.orders.get()


def _png():
    buf = io.BytesIO()
    Image.new("RGB", (60, 60), (10, 120, 200)).save(buf, "PNG")
    return SimpleUploadedFile("photo.png", buf.getvalue(), content_type="image/png")


def test_buyer_asks_for_a_refund_of_one_unit_from_the_order_page(buyer_client, buyer, paid_order):
    line = paid_order.lines.get()
    page = buyer_client.get(f"/orders/{paid_order.pk}/").content.decode()
    assert f'data-case-new="{line.pk}"' in page
    form = buyer_client.get(f"/orders/{paid_order.pk}/aftersales/new/?line={line.pk}").content.decode()
    assert f'name="qty_{line.pk}"' in form and "不想要了" in form
    why = next(r.pk for r in reason_list(case_type="refund_only") if r.name == "不想要了")
    bad = buyer_client.post(
        f"/orders/{paid_order.pk}/aftersales/new/",
        {"type": "refund_only", "reason": why, f"qty_{line.pk}": "3"},
    )
    assert bad.status_code == 400 and "1–2" in bad.content.decode()
    assert not buyer_case_list(buyer=buyer).exists()
    done = buyer_client.post(
        f"/orders/{paid_order.pk}/aftersales/new/",
        {
            "type": "refund_only",
            "reason": why,
            f"qty_{line.pk}": "1",
            "description": "买多了",
            "images": [_png()],
        },
    )
    case = buyer_case_list(buyer=buyer).get()
    assert done.status_code == 302 and done["Location"] == f"/aftersales/{case.pk}/"
    assert case.evidence.count() == 1 and case.amount_fen == 8800
    detail = buyer_client.get(f"/aftersales/{case.pk}/").content.decode()
    assert "dueCountdown(" in detail and "待商家处理" in detail and "买多了" in detail
    assert case.no in buyer_client.get("/aftersales/").content.decode()
    buyer_client.post(f"/aftersales/{case.pk}/cancel/")
    case.refresh_from_db()
    assert case.status == "cancelled"


def test_another_buyer_gets_404(login_client, make_user, paid_order):
    client = login_client(make_user())
    assert client.get(f"/orders/{paid_order.pk}/aftersales/new/").status_code == 404


def test_the_return_form_takes_the_postage_of_a_shop_fault_return(buyer_client, buyer, shop, paid_order):
    from wanshang.aftersales.services import case_approve, case_open, return_address_save
    from wanshang.orders.services import order_confirm_receipt, order_ship

    order_ship(shop=shop, order_id=paid_order.pk, carrier="SF", tracking_no="SF1234567890", actor=shop.owner)
    order_confirm_receipt(buyer=buyer, order_id=paid_order.pk)
    return_address_save(shop=shop, contact="王仓管", phone="13800000000", address="杭州市余杭区仓前街道 1 号")
    quality = next(r for r in reason_list() if r.name == "质量问题")
    line = paid_order.lines.get()
    case = case_open(
        buyer=buyer,
        order_id=paid_order.pk,
        case_type="return_refund",
        lines=[(line.pk, 1)],
        reason_id=quality.pk,
    )
    case_approve(shop=shop, case_id=case.pk, actor=shop.owner)
    page = buyer_client.get(f"/aftersales/{case.pk}/").content.decode()
    assert 'name="freight_yuan"' in page  # offered: the shop is at fault
    url = f"/aftersales/{case.pk}/return/"
    bad = buyer_client.post(
        url, {"carrier": "SF", "tracking_no": "SF100200300", "freight_yuan": "十二"}, follow=True
    )
    assert "不是有效的金额" in bad.content.decode()
    case.refresh_from_db()
    assert case.status == "awaiting_return"
    buyer_client.post(url, {"carrier": "SF", "tracking_no": "SF100200300", "freight_yuan": "8.5"})
    case.refresh_from_db()
    assert (case.status, case.return_freight_fen) == ("return_shipped", 850)
    assert "¥8.50" in buyer_client.get(f"/aftersales/{case.pk}/").content.decode()
