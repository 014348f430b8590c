"""Writes of the 体检中心 (re-exported from the modules behind them: `snapshot` the daily indicators and credit,
`items` items, points and appeals, `standing` the sanctions, `rulebook` the rules center)."""

from django.utils import timezone

from wanshang.health.indicators import Indicator as Indicator
from wanshang.health.indicators import count_of as count_of
from wanshang.health.indicators import register as indicator_register
from wanshang.health.items import appeal_decide as _appeal_decide
from wanshang.health.items import appeal_submit as appeal_submit
from wanshang.health.items import item_mark_fixed as item_mark_fixed
from wanshang.health.items import item_open as item_open
from wanshang.health.items import item_verify as item_verify
from wanshang.health.items import items_penalise_due as items_penalise_due
from wanshang.health.items import items_remind_due as items_remind_due
from wanshang.health.items import items_verify_auto as items_verify_auto
from wanshang.health.kinds import ItemKind as ItemKind
from wanshang.health.kinds import register_kind as register_kind
from wanshang.health.rulebook import rule_acknowledge as rule_acknowledge
from wanshang.health.rulebook import rule_publish as rule_publish
from wanshang.health.snapshot import indicators_compute as indicators_compute
from wanshang.health.standing import sanctions_evaluate as sanctions_evaluate

__all__ = ["indicator_register"]


def appeal_decide(*, actor, appeal_id, decision: str, note: str, now=None):
    """Decide an appeal (items.appeal_decide); an overturn re-evaluates the shop's sanctions at once."""
    now = now or timezone.now()
    appeal = _appeal_decide(actor=actor, appeal_id=appeal_id, decision=decision, note=note, now=now)
    if decision == "overturn":
        sanctions_evaluate(now=now, shop_ids={appeal.shop_id})
    return appeal


def deadlines_run(*, now=None) -> int:
    """The `health.deadlines` job: re-verify fixed items, remind the shops of deadlines near (once per item),
    penalise overdue ones once, then bring sanctions in line with the points (new points, expired points).
    Returns the changes made."""
    now = now or timezone.now()
    verified = items_verify_auto(now=now)
    items_remind_due(now=now)
    items_penalise_due(now=now)
    return verified + sanctions_evaluate(now=now)
