"""Deadlines with the clock moved: an item unfixed at its deadline earns its points once, however often or late
the job runs; a job that did not run for days gives every overdue item its points once, counted from its own
deadline; points expire after 365 days (or with the calendar year); sanctions follow the live points."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from wanshang.common.errors import Conflict, ValidationError
from wanshang.health.models import HealthAudit, HealthItem, PenaltyPoint
from wanshang.health.selectors import points_summary
from wanshang.health.services import deadlines_run, item_mark_fixed, item_open, item_verify
from wanshang.merchants.selectors import shop_get, shop_sanctions

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _open(shop, kind="late_shipment", ref="", at=T0):
    return item_open(shop_id=shop.pk, kind=kind, ref=ref, title="延迟发货率", now=at)


def test_points_are_added_once_when_the_clock_passes_the_deadline(shop):
    item = _open(shop)
    assert item.deadline_at == T0 + timedelta(hours=48)
    assert _open(shop) is None  # the same warning again: still one item

    deadlines_run(now=T0 + timedelta(hours=47, minutes=59))
    assert not PenaltyPoint.objects.exists()

    for hours in (48, 49, 72, 24 * 30):  # the job runs again and again, and late
        deadlines_run(now=T0 + timedelta(hours=hours))
    penalty = PenaltyPoint.objects.get()
    assert (penalty.item_id, penalty.points, penalty.given_at) == (item.pk, 3, item.deadline_at)
    assert penalty.expires_at == item.deadline_at + timedelta(days=365)
    item.refresh_from_db()
    assert item.status == "penalised"
    assert HealthAudit.objects.filter(item=item, action="penalised").count() == 1


def test_a_job_down_for_three_days_gives_each_overdue_item_its_points_once(shop, other_shop):
    items = [
        _open(shop, at=T0),
        _open(shop, kind="refund_rate", at=T0 + timedelta(days=1)),
        _open(other_shop),
    ]
    # nothing ran for 3 days after the last deadline
    deadlines_run(now=T0 + timedelta(days=6))
    deadlines_run(now=T0 + timedelta(days=6, minutes=10))
    points = {p.item_id: (p.points, p.given_at) for p in PenaltyPoint.objects.all()}
    assert points == {
        items[0].pk: (3, T0 + timedelta(hours=48)),
        items[1].pk: (2, T0 + timedelta(days=1, hours=48)),
        items[2].pk: (3, T0 + timedelta(hours=48)),
    }
    assert points_summary(shop_id=shop.pk, now=T0 + timedelta(days=6)).live == 5


def test_points_expire_after_365_days_and_the_sanction_lifts(
    shop, points_rule, django_capture_on_commit_callbacks
):
    points_rule("late_shipment", 12)
    _open(shop)
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_run(now=T0 + timedelta(days=3))
    assert shop_sanctions(shop_id=shop.pk) == {"search_demote", "no_campaign"}

    given = T0 + timedelta(hours=48)
    deadlines_run(now=given + timedelta(days=364))
    assert shop_sanctions(shop_id=shop.pk) == {"search_demote", "no_campaign"}
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_run(now=given + timedelta(days=365, minutes=1))
    assert shop_sanctions(shop_id=shop.pk) == frozenset()
    assert points_summary(shop_id=shop.pk, now=given + timedelta(days=366)).live == 0
    assert set(HealthAudit.objects.filter(shop=shop).values_list("action", flat=True)) >= {
        "sanction_set",
        "sanction_lift",
    }


def test_calendar_expiry_ends_with_the_year(shop, settings):
    settings.WANSHANG = {**settings.WANSHANG, "HEALTH_POINTS_EXPIRY": "calendar"}
    _open(shop)
    deadlines_run(now=T0 + timedelta(days=3))
    assert PenaltyPoint.objects.get().expires_at == datetime(2027, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_enough_points_suspend_the_shop_and_expiry_restores_it(
    shop, points_rule, django_capture_on_commit_callbacks
):
    points_rule("late_shipment", 48)
    _open(shop)
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_run(now=T0 + timedelta(days=3))
    assert shop_sanctions(shop_id=shop.pk) == {"search_demote", "no_campaign", "no_ads", "suspend"}
    assert shop_get(shop_id=shop.pk).status == "suspended"
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_run(now=T0 + timedelta(days=400))
    assert shop_get(shop_id=shop.pk).status == "open"


def test_an_item_marked_fixed_in_time_waits_for_the_operator_and_earns_nothing(shop, operator):
    item = _open(shop)
    item_mark_fixed(
        shop=shop,
        actor=shop.owner,
        item_id=item.pk,
        note="已补发全部超时订单并调整发货流程",
        now=T0 + timedelta(hours=10),
    )
    deadlines_run(now=T0 + timedelta(days=5))
    assert not PenaltyPoint.objects.exists()
    verified = item_verify(actor=operator, item_id=item.pk, passed=True, note="", now=T0 + timedelta(days=5))
    assert verified.status == "verified"


def test_a_failed_verification_after_the_deadline_sends_it_back_and_the_next_run_penalises(shop, operator):
    item = _open(shop)
    item_mark_fixed(shop=shop, actor=shop.owner, item_id=item.pk, note="已整改", now=T0 + timedelta(hours=10))
    with pytest.raises(ValidationError, match="不通过原因"):
        item_verify(actor=operator, item_id=item.pk, passed=False, note="", now=T0 + timedelta(days=3))
    item_verify(
        actor=operator, item_id=item.pk, passed=False, note="发货记录仍显示超时", now=T0 + timedelta(days=3)
    )
    deadlines_run(now=T0 + timedelta(days=3, minutes=1))
    assert PenaltyPoint.objects.get().item_id == item.pk


def test_marking_fixed_after_the_deadline_or_twice_is_refused(shop):
    item = _open(shop)
    with pytest.raises(Conflict, match="超过整改期限"):
        item_mark_fixed(
            shop=shop, actor=shop.owner, item_id=item.pk, note="已整改", now=T0 + timedelta(hours=49)
        )
    item_mark_fixed(shop=shop, actor=shop.owner, item_id=item.pk, note="已整改", now=T0 + timedelta(hours=1))
    with pytest.raises(Conflict):
        item_mark_fixed(
            shop=shop, actor=shop.owner, item_id=item.pk, note="再次整改", now=T0 + timedelta(hours=2)
        )
    with pytest.raises(ValidationError, match="整改说明"):
        item_mark_fixed(shop=shop, actor=shop.owner, item_id=_open(shop, kind="dsr").pk, note=" ", now=T0)


def test_a_registered_verifier_closes_or_sends_back_the_item(shop, fake_kind):
    item = _open(shop, kind="test_object", ref="sku:42")
    fake_kind["fixed"] = False
    sent_back = item_mark_fixed(
        shop=shop, actor=shop.owner, item_id=item.pk, note="已修改标题", now=T0 + timedelta(hours=1)
    )
    assert sent_back.status == "open" and "未通过" in sent_back.verify_note
    fake_kind["fixed"] = True
    closed = item_mark_fixed(
        shop=shop, actor=shop.owner, item_id=item.pk, note="已修改标题", now=T0 + timedelta(hours=2)
    )
    assert closed.status == "verified"
    deadlines_run(now=T0 + timedelta(days=3))
    assert not PenaltyPoint.objects.exists()


def test_an_unknown_kind_cannot_be_opened(shop):
    with pytest.raises(ValidationError, match="未知"):
        item_open(shop_id=shop.pk, kind="nope", title="x", now=timezone.now())
    assert not HealthItem.objects.exists()
