"""Group buys (拼团) through their life: a team fills and ships; a team that runs out of time refunds every payer."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.aftersales.models import Refund
from wanshang.aftersales.services import group_refunds_due
from wanshang.checkout.services import group_buy
from wanshang.common.errors import Conflict
from wanshang.inventory.models import Stock
from wanshang.marketing.models import GroupMember, GroupTeam
from wanshang.marketing.services import group_teams_expire
from wanshang.orders.models import OrderStatus
from wanshang.orders.services import order_ship
from wanshang.payments.models import GatewayRefund, Payment
from wanshang.payments.services import payment_notify, sandbox_pay

pytestmark = pytest.mark.django_db

PRICE, GROUP_PRICE, STOCK = 10000, 6000, 10


def run_group_jobs(now=None) -> int:
    """What the scheduler runs every minute: marketing fails expired teams (and cancels their unpaid orders),
    after-sales refunds their paid ones. Returns how many teams failed."""
    failed = group_teams_expire(now=now)
    group_refunds_due(now=now)
    return failed


@pytest.fixture
def sale(shop, make_product, promo):
    """A running size-3 group buy of one SKU (¥100, ¥60 in a group), 24 hours to fill a team."""
    sku = make_product(shop, prices=(PRICE,), stock=STOCK).skus.get()
    promotion = promo(
        shop,
        "group_buy",
        items=[{"sku_id": sku.pk, "price_fen": GROUP_PRICE}],
        config={"size": 3, "hours": 24},
    )
    return promotion.items.get(), sku


@pytest.fixture
def member(make_user, make_address, sale):
    """member(team=None) → (buyer, payment): opens a team (no team) or joins one."""
    item, _ = sale

    def join(team=None):
        buyer = make_user()
        payment = group_buy(
            buyer=buyer,
            item_id=item.pk,
            address_id=make_address(buyer).pk,
            idempotency_key=uuid.uuid4().hex,
            team_id=team.pk if team else None,
        )
        return buyer, payment

    return join


def pay(buyer, payment):
    sandbox_pay(buyer=buyer, payment_no=payment.no)
    return payment.orders.get()


def ship(shop, order):
    return order_ship(
        shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF1234567890", actor=shop.owner
    )


def available(sku):
    row = Stock.objects.get(sku=sku)
    return row.on_hand - row.reserved


def test_team_of_three_completes_when_the_third_member_pays_and_only_then_ships(shop, sale, member):
    _, sku = sale
    leader, first = member()
    team = GroupTeam.objects.get()
    assert first.orders.get().total_fen - first.orders.get().freight_fen == GROUP_PRICE
    others = [member(team), member(team)]
    orders = [pay(leader, first), pay(*others[0])]
    team.refresh_from_db()
    assert (team.status, team.paid_count) == (GroupTeam.Status.OPEN, 2)
    with pytest.raises(Conflict, match="拼团尚未成功"):
        ship(shop, orders[0])  # two of three paid: the merchant must wait

    orders.append(pay(*others[1]))
    team.refresh_from_db()
    assert (team.status, team.paid_count) == (GroupTeam.Status.COMPLETE, 3) and team.completed_at
    for order in orders:
        assert ship(shop, order).status == OrderStatus.SHIPPED
    assert available(sku) == STOCK - 3


def test_expired_team_refunds_every_payer_cancels_the_rest_and_the_job_is_idempotent(shop, sale, member):
    _, sku = sale
    leader, first = member()
    team = GroupTeam.objects.get()
    payer, second = member(team)
    late, third = member(team)  # never pays in time
    paid = [pay(leader, first), pay(payer, second)]
    with pytest.raises(Conflict, match="拼团尚未成功"):
        ship(shop, paid[1])
    assert available(sku) == STOCK - 3  # two sold, one reserved

    assert run_group_jobs(now=team.expires_at - timedelta(seconds=1)) == 0  # not yet
    after = team.expires_at + timedelta(seconds=1)
    assert run_group_jobs(now=after) == 1
    team.refresh_from_db()
    assert team.status == GroupTeam.Status.FAILED
    for order in paid:
        order.refresh_from_db()
        refund = Refund.objects.get(order=order)
        assert (order.status, refund.status) == (OrderStatus.REFUNDED, Refund.Status.REFUNDED)
        assert refund.amount_fen == order.total_fen and refund.is_full
        assert Payment.objects.get(pk=order.payment_id).refunded_fen == order.total_fen
    unpaid = third.orders.get()
    unpaid.refresh_from_db()
    assert unpaid.status == OrderStatus.CANCELLED and not Refund.objects.filter(order=unpaid).exists()
    assert Payment.objects.get(pk=third.pk).status == Payment.Status.CLOSED
    assert available(sku) == STOCK  # every unit back on sale

    # the job again (and again): nothing more happens
    assert run_group_jobs(now=after + timedelta(minutes=1)) == 0
    run_group_jobs(now=after + timedelta(minutes=2))
    assert Refund.objects.count() == 2 and GatewayRefund.objects.count() == 2
    assert available(sku) == STOCK
    with pytest.raises(Conflict):
        ship(shop, paid[0])


def test_payment_after_the_team_failed_is_refunded_and_changes_nothing(shop, sale, member):
    """The gateway's notification for a cancelled member arrives after the job failed the team."""
    from wanshang.payments.gateways import get_gateway

    leader, first = member()
    team = GroupTeam.objects.get()
    late, second = member(team)
    pay(leader, first)
    run_group_jobs(now=team.expires_at + timedelta(seconds=1))
    assert second.orders.get().status == OrderStatus.CANCELLED

    body = get_gateway("sandbox").build_notification(second.no, second.amount_fen)
    assert (
        payment_notify(
            gateway_code="sandbox", body=body, content_type="application/x-www-form-urlencoded", headers={}
        )
        == "paid_after_cancel"
    )
    second.refresh_from_db()
    assert second.refunded_fen == second.amount_fen  # the money went straight back
    assert second.orders.get().status == OrderStatus.CANCELLED
    team.refresh_from_db()
    assert (team.status, team.paid_count) == (GroupTeam.Status.FAILED, 1)
    run_group_jobs(now=team.expires_at + timedelta(minutes=5))
    assert Refund.objects.filter(order__payment=second).count() == 0
    assert GatewayRefund.objects.filter(payment=second).count() == 1


def test_payment_after_time_ran_out_but_before_the_job_does_not_complete_the_team(shop, sale, member):
    """The last member pays within their order's payment window but after the team expired: the team must not
    complete just because the job had not run yet; the next run refunds every payer."""
    _, sku = sale
    leader, first = member()
    team = GroupTeam.objects.get()
    members = [member(team), member(team)]
    paid = [pay(leader, first), pay(*members[0])]
    GroupTeam.objects.filter(pk=team.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    paid.append(pay(*members[1]))
    team.refresh_from_db()
    assert team.status == GroupTeam.Status.OPEN and team.paid_count == 3
    with pytest.raises(Conflict, match="拼团尚未成功"):
        ship(shop, paid[2])

    run_group_jobs()
    team.refresh_from_db()
    assert team.status == GroupTeam.Status.FAILED
    for order in paid:
        order.refresh_from_db()
        assert order.status == OrderStatus.REFUNDED
        assert Refund.objects.get(order=order).status == Refund.Status.REFUNDED
    assert available(sku) == STOCK
    assert GroupMember.objects.filter(team=team, paid=True).count() == 3
