"""Appeals: the shop appeals an item or its points with a reason and evidence; the platform upholds or
overturns with a reason; an overturn cancels the points and lifts the sanctions they brought; all audited."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from wanshang.common.errors import Conflict, NotFound, ValidationError
from wanshang.health.models import Appeal, HealthAudit, PenaltyPoint
from wanshang.health.selectors import points_summary
from wanshang.health.services import appeal_decide, appeal_submit, deadlines_run, item_open
from wanshang.merchants.selectors import shop_sanctions

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def penalised(shop, points_rule, django_capture_on_commit_callbacks):
    points_rule("late_shipment", 12)
    item = item_open(shop_id=shop.pk, kind="late_shipment", title="延迟发货率", now=T0)
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_run(now=T0 + timedelta(days=3))
    assert shop_sanctions(shop_id=shop.pk) == {"search_demote", "no_campaign"}
    return item


def test_an_overturned_appeal_removes_the_points_and_lifts_the_sanctions(
    shop, operator, penalised, django_capture_on_commit_callbacks
):
    appeal = appeal_submit(
        shop=shop,
        actor=shop.owner,
        item_id=penalised.pk,
        reason="超时订单均为买家要求延后发货",
        evidence="聊天记录截图编号 A1、A2",
    )
    with pytest.raises(Conflict, match="已有申诉"):
        appeal_submit(shop=shop, actor=shop.owner, item_id=penalised.pk, reason="再申诉一次看看")
    with django_capture_on_commit_callbacks(execute=True):
        decided = appeal_decide(
            actor=operator,
            appeal_id=appeal.pk,
            decision="overturn",
            note="核实为买家要求延后",
            now=T0 + timedelta(days=4),
        )
    assert decided.status == "overturned"
    penalty = PenaltyPoint.objects.get()
    assert penalty.cancelled_at is not None and "申诉成功" in penalty.cancel_reason
    assert points_summary(shop_id=shop.pk, now=T0 + timedelta(days=4)).live == 0
    assert shop_sanctions(shop_id=shop.pk) == frozenset()
    penalised.refresh_from_db()
    assert penalised.status == "overturned"
    actions = list(HealthAudit.objects.filter(appeal=appeal).values_list("action", "actor_kind"))
    assert set(actions) == {("appeal", "seller"), ("appeal_overturn", "platform")}
    with pytest.raises(Conflict, match="已处理"):
        appeal_decide(actor=operator, appeal_id=appeal.pk, decision="uphold", note="重复处理")


def test_an_upheld_appeal_keeps_the_points(shop, operator, penalised):
    appeal = appeal_submit(shop=shop, actor=shop.owner, item_id=penalised.pk, reason="我们认为统计有误")
    appeal_decide(
        actor=operator,
        appeal_id=appeal.pk,
        decision="uphold",
        note="订单记录显示确实超时",
        now=T0 + timedelta(days=4),
    )
    assert points_summary(shop_id=shop.pk, now=T0 + timedelta(days=4)).live == 12
    assert shop_sanctions(shop_id=shop.pk) == {"search_demote", "no_campaign"}
    # after a decision the shop may appeal again with new evidence
    assert (
        appeal_submit(shop=shop, actor=shop.owner, item_id=penalised.pk, reason="补充新的证据材料").status
        == "pending"
    )


@pytest.mark.parametrize(
    ("reason", "evidence", "message"),
    [
        ("", "", "申诉理由"),
        ("太短", "", "申诉理由"),
        ("理由" * 300, "", "申诉理由"),
        ("正常的申诉理由", "证" * 2001, "证据"),
    ],
)
def test_bad_appeals_are_refused(shop, penalised, reason, evidence, message):
    with pytest.raises(ValidationError, match=message):
        appeal_submit(shop=shop, actor=shop.owner, item_id=penalised.pk, reason=reason, evidence=evidence)
    assert not Appeal.objects.exists()


def test_another_shops_item_cannot_be_appealed(other_shop, penalised):
    with pytest.raises(NotFound):
        appeal_submit(shop=other_shop, actor=other_shop.owner, item_id=penalised.pk, reason="不是我的体检项")


def test_a_decision_needs_a_known_verdict_and_a_reason(shop, operator, penalised):
    appeal = appeal_submit(shop=shop, actor=shop.owner, item_id=penalised.pk, reason="统计有误请核实")
    with pytest.raises(ValidationError):
        appeal_decide(actor=operator, appeal_id=appeal.pk, decision="maybe", note="不知道")
    with pytest.raises(ValidationError, match="处理理由"):
        appeal_decide(actor=operator, appeal_id=appeal.pk, decision="overturn", note="")
    appeal.refresh_from_db()
    assert appeal.status == "pending"
