"""7天无理由: the category's statutory mark (inherited), the merchant's exclusion confirmed at checkout, the
snapshot on each order line and the window counted from the day after receipt in Asia/Shanghai."""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from wanshang.catalog.selectors import return_policies, return_policy
from wanshang.catalog.services import category_rename
from wanshang.checkout.services import checkout_submit
from wanshang.common.errors import ValidationError
from wanshang.orders.models import Order, OrderLine
from wanshang.orders.selectors import (
    no_reason_return_deadline,
    no_reason_return_last_day,
    no_reason_return_open,
)
from wanshang.payments.models import Payment

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def test_a_category_mark_is_inherited_by_its_subcategories(make_shop, make_product):
    shop = make_shop()
    leaf = shop.test_category
    top = leaf.parent.parent
    product = make_product(shop)
    assert return_policy(product=product).eligible

    category_rename(category_id=top.pk, name=top.name, never_return_kind="fresh")
    product.refresh_from_db()  # the category chain as a page would load it now
    policy = return_policy(product=product)
    assert return_policies(products=[product])[product.pk] == policy
    assert (policy.eligible, policy.kind, policy.needs_confirm) == (False, "fresh", False)
    assert policy.reason == "鲜活易腐的商品"

    category_rename(category_id=leaf.pk, name=leaf.name, never_return_kind="custom")  # the deepest mark wins
    product.refresh_from_db()
    assert return_policy(product=product).kind == "custom"
    assert return_policies(products=[product])[product.pk].kind == "custom"


def test_a_category_refuses_a_kind_the_law_does_not_list(make_category):
    leaf = make_category()
    with pytest.raises(ValidationError) as exc:
        category_rename(category_id=leaf.pk, name=leaf.name, never_return_kind="unsealed")
    assert exc.value.field == "never_return_kind"


def test_a_merchant_may_exclude_only_the_excludable_kinds(make_shop, make_product):
    shop = make_shop()
    with pytest.raises(ValidationError) as exc:
        make_product(shop, no_return_kind="fresh")  # statutory kinds are the platform's, on the category
    assert exc.value.field == "no_return_kind"
    with pytest.raises(ValidationError):
        make_product(shop, no_return_kind="defect")  # a defect must be described
    product = make_product(shop, no_return_kind="near_expiry", no_return_note="保质期至 2027-01-10")
    policy = return_policy(product=product)
    assert (policy.eligible, policy.needs_confirm) == (False, True)
    assert policy.text == "临近保质期的商品：保质期至 2027-01-10"


def test_checkout_refuses_an_unconfirmed_exclusion_and_creates_nothing(
    buyer, make_shop, make_product, make_address, place_paid
):
    shop = make_shop()
    product = make_product(shop, no_return_kind="activated")
    address = make_address(buyer)
    sku = product.skus.get()
    with pytest.raises(ValidationError) as exc:
        checkout_submit(
            user=buyer,
            items=[(sku.pk, 1)],
            address_id=address.pk,
            idempotency_key=uuid.uuid4().hex,
            from_cart=False,
        )
    assert exc.value.field == "confirm_no_return"
    assert "不支持7天无理由退货" in exc.value.message and product.title in exc.value.message
    assert (Order.objects.count(), Payment.objects.count()) == (0, 0)

    order = place_paid(buyer, product, confirm=True)
    line = order.lines.get()
    assert (line.no_reason_return, line.no_return_kind) == (False, "activated")
    assert line.no_return_reason == "一经激活或试用后价值贬损较大"


def test_statutory_exclusions_need_no_confirmation_and_are_snapshotted(
    buyer, make_shop, make_product, place_paid
):
    shop = make_shop()
    product = make_product(shop)
    leaf = shop.test_category
    category_rename(category_id=leaf.pk, name=leaf.name, never_return_kind="periodical")
    order = place_paid(buyer, product)  # no confirmation asked
    line = order.lines.get()
    assert (line.no_reason_return, line.no_return_kind) == (False, "periodical")
    category_rename(category_id=leaf.pk, name=leaf.name, never_return_kind="")
    line.refresh_from_db()
    assert line.no_reason_return is False  # the order keeps what was sold


def _received_line(order, received_at) -> OrderLine:
    Order.objects.filter(pk=order.pk).update(status="completed", received_at=received_at)
    return OrderLine.objects.select_related("order").get(order=order)


@pytest.fixture
def eligible_order(buyer, make_shop, make_product, place_paid):
    return place_paid(buyer, make_product(make_shop()))


def test_the_window_counts_seven_calendar_days_from_the_day_after_receipt(eligible_order):
    # received at 23:59 on 3 March (Shanghai): day 1 is 4 March, the last day is 10 March
    line = _received_line(eligible_order, datetime(2026, 3, 3, 23, 59, tzinfo=SH))
    assert no_reason_return_last_day(line=line).isoformat() == "2026-03-10"
    assert no_reason_return_deadline(line=line) == datetime(2026, 3, 11, 0, 0, tzinfo=SH)
    assert no_reason_return_open(line=line, now=datetime(2026, 3, 10, 23, 59, 59, tzinfo=SH))
    assert not no_reason_return_open(line=line, now=datetime(2026, 3, 11, 0, 0, tzinfo=SH))


def test_the_day_is_shanghai_s_not_utc(eligible_order):
    # 16:30 UTC on 3 March is 00:30 on 4 March in Shanghai: the window runs to 11 March
    line = _received_line(eligible_order, datetime(2026, 3, 3, 16, 30, tzinfo=ZoneInfo("UTC")))
    assert no_reason_return_last_day(line=line).isoformat() == "2026-03-11"
    # 15:59 UTC on 11 March is 23:59 in Shanghai: still open, whatever the caller's time zone
    assert no_reason_return_open(line=line, now=datetime(2026, 3, 11, 15, 59, tzinfo=ZoneInfo("UTC")))
    assert not no_reason_return_open(line=line, now=datetime(2026, 3, 11, 16, 0, tzinfo=ZoneInfo("UTC")))


def test_the_number_of_days_is_a_setting(eligible_order, settings):
    settings.WANSHANG = {**settings.WANSHANG, "NO_REASON_RETURN_DAYS": 15}
    line = _received_line(eligible_order, datetime(2026, 3, 3, 12, 0, tzinfo=SH))
    assert no_reason_return_last_day(line=line).isoformat() == "2026-03-18"


def test_closed_before_receipt_and_for_excluded_lines(eligible_order, buyer, make_product, place_paid):
    line = OrderLine.objects.select_related("order").get(order=eligible_order)
    now = datetime.now(SH)
    assert not no_reason_return_open(line=line, now=now)  # paid, not received
    assert no_reason_return_last_day(line=line) is None
    OrderLine.objects.filter(pk=line.pk).update(no_reason_return=False)
    line = _received_line(eligible_order, now - timedelta(days=1))
    assert not no_reason_return_open(line=line, now=now)


@pytest.mark.parametrize("bad", [None, "2026-03-04", datetime(2026, 3, 4, 12, 0)])
def test_bad_now_is_refused(eligible_order, bad):
    line = _received_line(eligible_order, datetime(2026, 3, 3, 12, 0, tzinfo=SH))
    with pytest.raises(ValidationError):
        no_reason_return_open(line=line, now=bad)


def test_something_other_than_a_line_is_refused():
    with pytest.raises(ValidationError):
        no_reason_return_open(line=object(), now=datetime.now(SH))
