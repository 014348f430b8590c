"""淘宝客's part of tests/test_api_responses.py: each face's affiliate endpoints called with real rows (a promoter
with a link, a click, a settled commission, a withdrawal and an invitation) and a few refusals. Imported by that
test module only."""

import uuid
from datetime import timedelta

from django.test import Client
from django.utils import timezone


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def affiliate_scene(*, shop, product, buyer, address, make_user, operator=None):
    """An approved promoter (its client) whose link brought `buyer`'s order of `product`, received and settled;
    `shop` pays 10%. Returns (promoter, its client)."""
    from wanshang.affiliates.services import (
        click_record,
        commissions_settle,
        link_create,
        promoter_apply,
        promoter_review,
        shop_rate_set,
    )
    from wanshang.checkout.services import checkout_submit
    from wanshang.orders.services import order_confirm_receipt, order_ship
    from wanshang.payments.services import sandbox_pay

    operator = operator or make_user(is_staff=True)
    user = make_user()
    promoter = promoter_apply(
        user=user, name="好物君", channels="小红书 @haowu", audience="8 万粉丝", contact="137"
    )
    promoter = promoter_review(operator=operator, promoter_id=promoter.pk, approve=True)
    shop_rate_set(shop=shop, rate_bps=1000)
    link = link_create(promoter=promoter, product_id=product.pk)
    click_record(code=link.code, visitor="", user_id=buyer.pk, product_id=product.pk, shop_id=shop.pk)
    sku = product.skus.filter(is_active=True).order_by("price_fen").first()
    payment = checkout_submit(
        user=buyer,
        items=[(sku.pk, 1)],
        address_id=address.pk,
        idempotency_key=uuid.uuid4().hex,
        from_cart=False,
    )
    assert sandbox_pay(buyer=buyer, payment_no=payment.no) == "applied"
    order = payment.orders.get()
    order_ship(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF1000099999", actor=shop.owner)
    order_confirm_receipt(buyer=buyer, order_id=order.pk)
    commissions_settle(now=timezone.now() + timedelta(days=60))
    return promoter, _client(user)


def store_affiliates(contract, S: str, *, shop, product, buyer, address, make_user) -> None:
    from wanshang.affiliates.services import promoter_invite

    applicant = _client(make_user())
    contract.call(applicant, "get", f"{S}/promoter/me", expect=404)
    body = {"name": "新达人", "channels": "抖音 @new", "audience": "1 万粉丝", "contact": "13700009999"}
    contract.call(applicant, "post", f"{S}/promoter/apply", body=body, expect=201)
    contract.call(applicant, "post", f"{S}/promoter/apply", body=body, expect=409)
    contract.call(applicant, "post", f"{S}/promoter/apply", body={**body, "bogus": 1}, expect=422)
    contract.call(applicant, "get", f"{S}/promoter/summary", expect=403)

    promoter, me = affiliate_scene(
        shop=shop, product=product, buyer=buyer, address=address, make_user=make_user
    )
    plan = promoter_invite(shop=shop, promoter_code=promoter.code, rate_bps=2000)
    contract.call(me, "get", f"{S}/promoter/me", expect=200)
    contract.call(me, "get", f"{S}/promoter/summary", expect=200)
    contract.call(me, "get", f"{S}/promoter/products", expect=200)
    contract.call(me, "get", f"{S}/promoter/links", expect=200)
    contract.call(me, "post", f"{S}/promoter/links", body={"shop_id": shop.pk}, expect=201)
    contract.call(me, "post", f"{S}/promoter/links", body={"product_id": 99999999}, expect=404)
    contract.call(me, "get", f"{S}/promoter/commissions", expect=200)
    contract.call(me, "get", f"{S}/promoter/commissions", query={"status": "bogus"}, expect=422)
    withdraw = f"{S}/promoter/withdrawals"
    contract.call(me, "post", withdraw, body={"amount_fen": 1000, "account": "haowu@alipay"}, expect=201)
    contract.call(me, "post", withdraw, body={"amount_fen": 10**9, "account": "haowu@alipay"}, expect=400)
    contract.call(me, "get", withdraw, expect=200)
    contract.call(me, "get", f"{S}/promoter/invitations", expect=200)
    one = f"{S}/promoter/invitations/{{plan_id}}"
    contract.call(me, "post", one, path={"plan_id": plan.pk}, body={"decision": "accept"}, expect=200)
    contract.call(me, "post", one, path={"plan_id": plan.pk}, body={"decision": "accept"}, expect=409)
    contract.call(me, "post", one, path={"plan_id": 99999999}, body={"decision": "accept"}, expect=404)


def seller_affiliates(contract, owner, B: str, *, shop, product, buyer, address, make_user) -> None:
    promoter, _ = affiliate_scene(
        shop=shop, product=product, buyer=buyer, address=address, make_user=make_user
    )
    contract.call(owner, "get", f"{B}/affiliates/plans", expect=200)
    contract.call(owner, "put", f"{B}/affiliates/plans/shop", body={"rate_bps": 1200}, expect=200)
    contract.call(owner, "put", f"{B}/affiliates/plans/shop", body={"rate_bps": 99999}, expect=400)
    contract.call(owner, "put", f"{B}/affiliates/plans/shop", body={"rate_bps": "x"}, expect=422)
    products = f"{B}/affiliates/plans/products"
    plan = contract.call(
        owner, "post", products, body={"product_id": product.pk, "rate_bps": 1500}, expect=200
    )
    contract.call(owner, "post", products, body={"product_id": 99999999, "rate_bps": 1500}, expect=404)
    targeted = f"{B}/affiliates/plans/targeted"
    contract.call(
        owner, "post", targeted, body={"promoter_code": promoter.code, "rate_bps": 2000}, expect=200
    )
    contract.call(owner, "post", targeted, body={"promoter_code": promoter.code, "rate_bps": 500}, expect=400)
    end = f"{B}/affiliates/plans/{{plan_id}}/end"
    contract.call(owner, "post", end, path={"plan_id": plan["id"]}, expect=200)
    contract.call(owner, "post", end, path={"plan_id": plan["id"]}, expect=409)
    contract.call(owner, "post", end, path={"plan_id": 99999999}, expect=404)
    contract.call(owner, "get", f"{B}/affiliates/promoters", expect=200)
    contract.call(owner, "get", f"{B}/affiliates/results", expect=200)


def platform_affiliates(contract, op, P: str, *, shop, product, buyer, address, make_user, operator) -> None:
    from wanshang.affiliates.services import promoter_apply, withdrawal_request

    promoter, _ = affiliate_scene(
        shop=shop, product=product, buyer=buyer, address=address, make_user=make_user, operator=operator
    )
    pending = promoter_apply(
        user=make_user(), name="待审达人", channels="B站 @x", audience="3 万", contact="137"
    )
    promoters = f"{P}/affiliates/promoters"
    contract.call(op, "get", promoters, expect=200)
    contract.call(op, "get", promoters, query={"status": "approved"}, expect=200)
    review = f"{P}/affiliates/promoters/{{promoter_id}}/review"
    contract.call(
        op, "post", review, path={"promoter_id": pending.pk}, body={"decision": "reject"}, expect=400
    )
    body = {"decision": "reject", "reason": "渠道无法核实"}
    contract.call(op, "post", review, path={"promoter_id": pending.pk}, body=body, expect=200)
    contract.call(op, "post", review, path={"promoter_id": pending.pk}, body=body, expect=409)
    contract.call(op, "post", review, path={"promoter_id": 99999999}, body=body, expect=404)
    row = withdrawal_request(promoter=promoter, amount_fen=1000, account="haowu@alipay")
    contract.call(op, "get", f"{P}/affiliates/withdrawals", expect=200)
    one = f"{P}/affiliates/withdrawals/{{withdrawal_id}}/review"
    contract.call(op, "post", one, path={"withdrawal_id": row.pk}, body={"decision": "approve"}, expect=200)
    contract.call(op, "post", one, path={"withdrawal_id": row.pk}, body={"decision": "approve"}, expect=409)
