"""Two gaps closed: a promoter's own purchase through their link earns nothing (kept as invalid, with the reason,
unless AFFILIATE_SELF_PURCHASE_PAYS), and a buyer's data deletion leaves their clicks without user or browser."""

import pytest

from wanshang.affiliates.ledger import SELF_PURCHASE_REASON
from wanshang.affiliates.models import Click, Commission
from wanshang.affiliates.selectors import promoter_summary
from wanshang.affiliates.services import click_record, commission_confirm, commissions_settle, link_create

pytestmark = pytest.mark.django_db


def test_a_promoter_buying_through_their_own_link_earns_no_commission(
    aff_product, promoter, click_for, place_paid
):
    own = promoter.user
    click_for(promoter, aff_product, buyer=own)
    order = place_paid(own, aff_product)
    commission = Commission.objects.get(order=order)
    assert commission.status == Commission.Status.INVALID
    assert commission.invalid_reason == SELF_PURCHASE_REASON
    # it stays invalid through receipt and the settle job: nothing is ever paid for it
    commission_confirm(order_id=order.pk, at=order.paid_at)
    commissions_settle()
    commission.refresh_from_db()
    assert commission.status == Commission.Status.INVALID and commission.settled_at is None
    summary = promoter_summary(promoter=promoter)
    assert summary["orders"] == 0 and summary["balance"]["available_fen"] == 0


def test_a_promoter_who_clicked_logged_out_then_bought_is_still_caught(aff_product, promoter, place_paid):
    from wanshang.analytics.tracking import Visit, visit_begin, visit_end

    link = link_create(promoter=promoter, product_id=aff_product.pk)
    visitor = "a" * 32
    click_record(code=link.code, visitor=visitor, product_id=aff_product.pk, shop_id=aff_product.shop_id)
    token = visit_begin(Visit(visitor=visitor, user_id=promoter.user_id))
    try:
        order = place_paid(promoter.user, aff_product)
    finally:
        visit_end(token)
    assert Commission.objects.get(order=order).invalid_reason == SELF_PURCHASE_REASON


def test_another_buyer_through_the_same_link_still_pays(buyer, aff_product, promoter, click_for, place_paid):
    click_for(promoter, aff_product, buyer=buyer)
    commission = Commission.objects.get(order=place_paid(buyer, aff_product))
    assert commission.status == Commission.Status.ESTIMATED and commission.invalid_reason == ""


def test_the_setting_lets_a_self_purchase_pay(settings, aff_product, promoter, click_for, place_paid):
    settings.WANSHANG = {**settings.WANSHANG, "AFFILIATE_SELF_PURCHASE_PAYS": 1}
    click_for(promoter, aff_product, buyer=promoter.user)
    commission = Commission.objects.get(order=place_paid(promoter.user, aff_product))
    assert commission.status == Commission.Status.ESTIMATED and commission.earning_fen > 0


def test_a_data_deletion_unlinks_the_buyers_clicks_and_keeps_the_money(
    buyer, make_user, aff_product, promoter, click_for, place_paid
):
    from wanshang.insights.services import buyer_events_delete

    other = make_user()
    click_for(promoter, aff_product, buyer=buyer, visitor="b" * 32)
    click_for(promoter, aff_product, visitor="c" * 32)  # the same browser, logged out (seen below)
    click_for(promoter, aff_product, buyer=other, visitor="d" * 32)
    order = place_paid(buyer, aff_product)
    commission = Commission.objects.get(order=order)
    from wanshang.analytics.tracking import Visit, track, visit_begin, visit_end

    token = visit_begin(Visit(visitor="c" * 32, user_id=buyer.pk))
    try:  # the buyer logged in on that browser: analytics knows the cookie is theirs
        track("pv", user_id=buyer.pk, shop_id=aff_product.shop_id, page_type="home")
    finally:
        visit_end(token)

    buyer_events_delete(user_id=buyer.pk)

    assert not Click.objects.filter(user_id=buyer.pk).exists()
    assert not Click.objects.filter(visitor__in=["b" * 32, "c" * 32]).exists()
    assert Click.objects.filter(visitor="").count() == 2  # kept, unlinked: the promoter's counts stay
    assert Click.objects.filter(user_id=other.pk, visitor="d" * 32).count() == 1  # someone else's untouched
    commission.refresh_from_db()
    assert commission.click_id is not None and commission.amount_fen > 0  # the money record is unchanged
    assert promoter_summary(promoter=promoter)["clicks"] == 3


def test_a_deletion_with_no_clicks_changes_nothing(buyer, make_user, aff_product, promoter, click_for):
    from wanshang.insights.services import buyer_events_delete

    other = make_user()
    click_for(promoter, aff_product, buyer=other, visitor="d" * 32)
    buyer_events_delete(user_id=buyer.pk)
    assert Click.objects.filter(user_id=other.pk, visitor="d" * 32).count() == 1
