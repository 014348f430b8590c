"""订单总览, settlement at the category's commission rate, 支付通知, 定时任务 and 概览."""

import uuid

import pytest
from django.urls import reverse

from wanshang.checkout.services import checkout_submit
from wanshang.common.errors import DomainError
from wanshang.common.selectors import job_runs
from wanshang.orders.services import order_confirm_receipt, order_ship
from wanshang.payments.selectors import settlement_list
from wanshang.payments.services import payment_notify, sandbox_pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(make_address):
    def do(buyer, items):
        address = make_address(buyer)
        return checkout_submit(
            user=buyer, items=items, address_id=address.pk, idempotency_key=uuid.uuid4().hex, from_cart=False
        )

    return do


def test_settlement_of_a_completed_order_uses_the_categorys_commission_rate(
    op_client, buyer, make_shop, make_product, place
):
    shop = make_shop()
    leaf = shop.test_category
    product = make_product(shop, prices=(20000,), stock=5)
    # the top-level category gets 8.00%, the leaf 3.50%: the nearest rate up the tree wins
    op_client.post(reverse("platform:commission"), {"category_id": leaf.parent.parent.pk, "rate": "8"})
    op_client.post(reverse("platform:commission"), {"category_id": leaf.pk, "rate": "3.5"})

    payment = place(buyer, [(product.skus.first().pk, 2)])
    order = payment.orders.get()
    assert sandbox_pay(buyer=buyer, payment_no=payment.no) == "applied"
    order_ship(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF1234567890", actor=shop.owner)
    order_confirm_receipt(buyer=buyer, order_id=order.pk)

    [entry] = settlement_list(shop=shop)
    assert entry.order_id == order.pk
    assert entry.commission_fen == 40000 * 350 // 10000  # 3.50% of the goods, freight not commissioned
    assert entry.net_fen == entry.gross_fen - entry.commission_fen


def test_orders_overview_filters_searches_and_shows_detail(op_client, buyer, make_shop, make_product, place):
    a, b = make_shop(name="甲店"), make_shop(name="乙店")
    order_a = place(buyer, [(make_product(a).skus.first().pk, 1)]).orders.get()
    order_b = place(buyer, [(make_product(b).skus.first().pk, 1)]).orders.get()
    url = reverse("platform:orders")
    html = op_client.get(url).content.decode()
    assert order_a.no in html and order_b.no in html
    html = op_client.get(url + f"?shop={a.pk}").content.decode()
    assert order_a.no in html and order_b.no not in html
    html = op_client.get(url + f"?q={order_b.no}").content.decode()
    assert order_b.no in html and order_a.no not in html
    html = op_client.get(url + "?status=paid").content.decode()
    assert order_a.no not in html
    assert op_client.get(url + "?page=99&shop=x&status=bogus").status_code == 200

    detail = op_client.get(reverse("platform:order_detail", args=[order_a.pk])).content.decode()
    assert order_a.no in detail and "甲店" in detail and "待付款" in detail and "只读" in detail
    assert op_client.get(reverse("platform:order_detail", args=[999999])).status_code == 404


def test_refused_payment_notifications_are_highlighted(op_client):
    with pytest.raises(DomainError):
        payment_notify(
            gateway_code="sandbox",
            body=b"payment_no=P1&amount=100&sign=forged",
            content_type="application/x-www-form-urlencoded",
            headers={},
        )
    html = op_client.get(reverse("platform:notifications")).content.decode()
    assert 'class="row-refused"' in html and "bad_signature" in html and "（已拒绝）" in html
    overview = op_client.get(reverse("platform:overview")).content.decode()
    assert "bad_signature" in overview


def test_accepted_notification_is_not_highlighted(op_client, buyer, make_shop, make_product, place):
    payment = place(buyer, [(make_product(make_shop()).skus.first().pk, 1)])
    sandbox_pay(buyer=buyer, payment_no=payment.no)
    html = op_client.get(reverse("platform:notifications")).content.decode()
    assert payment.no in html and "applied" in html and "row-refused" not in html.split("<tbody>")[1]


def test_run_due_jobs_records_a_run_for_each_job(op_client):
    response = op_client.post(reverse("platform:job_run_due"), follow=True)
    names = {run.name for run in job_runs(limit=50)}
    assert {"orders.cancel_expired", "orders.auto_receive", "payments.settlements_mature"} <= names
    assert "已运行" in response.content.decode()
    # nothing is due right after: the second click runs nothing
    again = op_client.post(reverse("platform:job_run_due"), follow=True)
    assert "当前没有到期的任务" in again.content.decode()
    assert len(job_runs(limit=100)) == len(names)


def test_run_one_job_now(op_client):
    op_client.post(reverse("platform:job_run", args=["orders.cancel_expired"]))
    assert [r.name for r in job_runs(limit=10)] == ["orders.cancel_expired"]
    html = op_client.get(reverse("platform:jobs")).content.decode()
    assert "orders.cancel_expired" in html and "从未运行" in html  # the others
    response = op_client.post(reverse("platform:job_run", args=["nope"]), follow=True)
    assert "任务“nope”不存在" in response.content.decode()


def test_jobs_buttons_need_post(op_client):
    assert op_client.get(reverse("platform:job_run_due")).status_code == 405


def test_overview_counts(op_client, buyer, make_shop, make_product, place, submit_application):
    submit_application()
    shop = make_shop()
    product = make_product(shop, prices=(12345,))
    payment = place(buyer, [(product.skus.first().pk, 1)])
    sandbox_pay(buyer=buyer, payment_no=payment.no)
    response = op_client.get(reverse("platform:overview"))
    ctx = response.context
    assert ctx["applications"]["pending"] == 1
    assert ctx["shops"]["open"] == 1 and ctx["shops"]["suspended"] == 0
    assert ctx["on_sale"] == 1
    assert ctx["totals"]["paid_orders"] == 1
    assert ctx["totals"]["paid_fen"] == payment.amount_fen
    html = response.content.decode()
    assert f"{payment.amount_fen // 100}.{payment.amount_fen % 100:02d}" in html
