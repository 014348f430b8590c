"""Items (体检项): opened by a warning, marked fixed by the shop, verified automatically or by an operator,
penalised once when unfixed at the deadline, appealed by the shop and decided by the platform."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from wanshang.common import events
from wanshang.common.domain_events import (
    HealthAppealDecided,
    HealthItemDeadlineNear,
    HealthItemOpened,
    HealthPointsGiven,
)
from wanshang.common.errors import Conflict, NotFound, ValidationError
from wanshang.health.kinds import kind as kind_of
from wanshang.health.models import (
    Appeal,
    AppealStatus,
    HealthAudit,
    HealthItem,
    ItemStatus,
    PenaltyPoint,
)

BATCH = 500


def audit(
    *,
    shop_id,
    action: str,
    actor=None,
    actor_kind: str = "system",
    note: str = "",
    item=None,
    appeal=None,
    now=None,
) -> HealthAudit:
    return HealthAudit.objects.create(
        shop_id=shop_id,
        item=item,
        appeal=appeal,
        action=action,
        actor=actor,
        actor_kind=actor_kind,
        note=note[:500],
        created_at=now or timezone.now(),
    )


def _text(value, *, field: str, label: str, max_len: int, min_len: int = 2) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    if len(value) < min_len:
        raise ValidationError(f"请填写{label}（至少{min_len}个字）", field=field)
    if len(value) > max_len:
        raise ValidationError(f"{label}不能超过{max_len}个字", field=field)
    if "\x00" in value:
        raise ValidationError(f"{label}含有非法字符", field=field)
    return value


def points_expire_at(given_at: datetime) -> datetime:
    """When points given at `given_at` stop counting: 365 days later ("rolling", the default), or the start of
    the next calendar year in Asia/Shanghai ("calendar"). docs/health.md."""
    if settings.WANSHANG["HEALTH_POINTS_EXPIRY"] == "calendar":
        tz = ZoneInfo("Asia/Shanghai")
        return datetime(given_at.astimezone(tz).year + 1, 1, 1, tzinfo=tz)
    return given_at + timedelta(days=365)


def item_open(
    *, shop_id: int, kind: str, ref: str = "", title: str, detail: str = "", now=None
) -> HealthItem | None:
    """Open an item with the fix deadline (HEALTH_FIX_HOURS); None when one is already open for this shop, kind
    and ref (a warning repeated every day opens one item). Raises ValidationError for an unknown kind."""
    if kind_of(kind) is None:
        raise ValidationError("未知的体检项类型", field="kind")
    now = now or timezone.now()
    if HealthItem.objects.filter(shop_id=shop_id, kind=kind, ref=ref, status__in=["open", "fixed"]).exists():
        return None
    try:
        with transaction.atomic():
            item = HealthItem.objects.create(
                shop_id=shop_id,
                kind=kind,
                ref=ref,
                title=title[:120],
                detail=detail[:500],
                opened_at=now,
                deadline_at=now + timedelta(hours=settings.WANSHANG["HEALTH_FIX_HOURS"]),
            )
            audit(shop_id=shop_id, item=item, action="open", note=title, now=now)
            events.publish(
                HealthItemOpened(
                    shop_id=shop_id,
                    item_id=item.pk,
                    kind=kind,
                    title=item.title,
                    deadline_at=item.deadline_at,
                    at=now,
                )
            )
    except IntegrityError:  # opened by a concurrent run: the partial unique index keeps one
        return None
    return item


def _locked_item(qs, item_id) -> HealthItem:
    item = qs.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotFound("体检项不存在")
    return item


def _verify_now(item: HealthItem, *, now) -> bool | None:
    found = kind_of(item.kind)
    if found is None or found.verify is None:
        return None
    return found.verify(shop_id=item.shop_id, ref=item.ref, now=now)


def _close_verified(item: HealthItem, *, actor, actor_kind: str, note: str, now) -> None:
    item.status, item.verified_at, item.verified_by = ItemStatus.VERIFIED, now, actor
    item.verify_note, item.closed_at = note[:300], now
    item.save(update_fields=["status", "verified_at", "verified_by", "verify_note", "closed_at"])
    audit(
        shop_id=item.shop_id,
        item=item,
        action="verified",
        actor=actor,
        actor_kind=actor_kind,
        note=note,
        now=now,
    )


def _send_back(item: HealthItem, *, actor, actor_kind: str, note: str, now) -> None:
    item.status, item.verify_note = ItemStatus.OPEN, note[:300]
    item.save(update_fields=["status", "verify_note"])
    audit(
        shop_id=item.shop_id,
        item=item,
        action="sent_back",
        actor=actor,
        actor_kind=actor_kind,
        note=note,
        now=now,
    )


def item_mark_fixed(*, shop, actor, item_id, note: str, now=None) -> HealthItem:
    """The shop says it fixed an open item, with a note. Where the kind verifies itself the item is checked at
    once: verified, or back to the shop with the reason. Otherwise it waits for an operator.
    Raises NotFound (another shop's item), Conflict (not open, or past its deadline), ValidationError (note)."""
    note = _text(note, field="note", label="整改说明", max_len=500)
    now = now or timezone.now()
    with transaction.atomic():
        item = _locked_item(HealthItem.objects.for_shop(shop), item_id)
        if item.status != ItemStatus.OPEN:
            raise Conflict(f"该体检项{item.get_status_display()}，不能再标记整改")
        if now >= item.deadline_at:
            raise Conflict("已超过整改期限，不能再标记整改；如有异议请申诉")
        item.status, item.fix_note, item.fixed_at, item.fixed_by = ItemStatus.FIXED, note, now, actor
        item.save(update_fields=["status", "fix_note", "fixed_at", "fixed_by"])
        audit(
            shop_id=item.shop_id,
            item=item,
            action="fixed",
            actor=actor,
            actor_kind="seller",
            note=note,
            now=now,
        )
        verdict = _verify_now(item, now=now)
        if verdict is True:
            _close_verified(item, actor=None, actor_kind="system", note="系统复查：已恢复到阈值以内", now=now)
        elif verdict is False:
            _send_back(
                item,
                actor=None,
                actor_kind="system",
                note="系统复查未通过：问题仍然存在，请继续整改",
                now=now,
            )
    return item


def item_verify(*, actor, item_id, passed: bool, note: str, now=None) -> HealthItem:
    """An operator verifies an item the shop marked fixed: passed closes it, failed sends it back to the shop
    (past its deadline it is then penalised by the next deadlines run). Raises NotFound, Conflict,
    ValidationError (a failed verification needs a reason)."""
    note = (note or "").strip()
    if not passed:
        note = _text(note, field="note", label="不通过原因", max_len=300)
    elif len(note) > 300:
        raise ValidationError("核验说明不能超过300个字", field="note")
    now = now or timezone.now()
    with transaction.atomic():
        item = _locked_item(HealthItem.objects.all(), item_id)
        if item.status != ItemStatus.FIXED:
            raise Conflict(f"该体检项{item.get_status_display()}，不在待核验状态")
        if passed:
            _close_verified(item, actor=actor, actor_kind="platform", note=note or "平台核验通过", now=now)
        else:
            _send_back(item, actor=actor, actor_kind="platform", note=note, now=now)
    return item


def items_verify_auto(*, now=None) -> int:
    """The job's part: items marked fixed whose kind verifies itself are checked again (a fix made after a
    failed check is caught). Returns how many were closed."""
    now = now or timezone.now()
    done = 0
    for item_id in list(
        HealthItem.objects.filter(status=ItemStatus.FIXED).values_list("pk", flat=True)[:BATCH]
    ):
        with transaction.atomic():
            item = HealthItem.objects.select_for_update().filter(pk=item_id, status=ItemStatus.FIXED).first()
            if item is None or _verify_now(item, now=now) is not True:
                continue
            _close_verified(item, actor=None, actor_kind="system", note="系统复查：已恢复到阈值以内", now=now)
            done += 1
    return done


def item_penalise(*, item_id: int, now) -> PenaltyPoint | None:
    """An open item past its deadline earns its kind's points, once: the conditional update moves it to
    penalised in one statement (a second runner, concurrent or late, updates nothing) and the point row's
    unique item backs it. The points count from the deadline, so a run days late gives the same expiry."""
    with transaction.atomic():
        updated = HealthItem.objects.filter(pk=item_id, status=ItemStatus.OPEN, deadline_at__lte=now).update(
            status=ItemStatus.PENALISED, closed_at=now
        )
        if not updated:
            return None
        item = HealthItem.objects.get(pk=item_id)
        found = kind_of(item.kind)
        points = found.points if found else 0
        penalty = PenaltyPoint.objects.create(
            shop_id=item.shop_id,
            item=item,
            kind=item.kind,
            points=points,
            given_at=item.deadline_at,
            expires_at=points_expire_at(item.deadline_at),
        )
        audit(shop_id=item.shop_id, item=item, action="penalised", note=f"逾期未整改，扣{points}分", now=now)
        events.publish(
            HealthPointsGiven(shop_id=item.shop_id, item_id=item.pk, title=item.title, points=points, at=now)
        )
    return penalty


def items_remind_due(*, now=None) -> int:
    """One reminder per open item whose deadline is at most HEALTH_REMIND_HOURS away and still ahead: the
    conditional update of `reminded_at` picks each item once (a repeated or concurrent run reminds nobody
    twice; a run after downtime reminds the items still before their deadline, the overdue ones get their
    points instead). Publishes HealthItemDeadlineNear in the update's transaction. Returns how many."""
    now = now or timezone.now()
    horizon = now + timedelta(hours=settings.WANSHANG["HEALTH_REMIND_HOURS"])
    due = HealthItem.objects.filter(
        status=ItemStatus.OPEN, reminded_at__isnull=True, deadline_at__gt=now, deadline_at__lte=horizon
    )
    reminded = 0
    for item_id in list(due.order_by("deadline_at", "pk").values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            if not HealthItem.objects.filter(pk=item_id, reminded_at__isnull=True).update(reminded_at=now):
                continue  # another run took it
            item = HealthItem.objects.get(pk=item_id)
            events.publish(
                HealthItemDeadlineNear(
                    shop_id=item.shop_id,
                    item_id=item.pk,
                    title=item.title,
                    deadline_at=item.deadline_at,
                    at=now,
                )
            )
            reminded += 1
    return reminded


def items_penalise_due(*, now=None) -> set[int]:
    """Every open item past its deadline, penalised once; returns the shops that got points."""
    now = now or timezone.now()
    shops: set[int] = set()
    while True:
        due = list(
            HealthItem.objects.filter(status=ItemStatus.OPEN, deadline_at__lte=now)
            .order_by("deadline_at", "pk")
            .values_list("pk", "shop_id")[:BATCH]
        )
        if not due:
            return shops
        for item_id, shop_id in due:
            if item_penalise(item_id=item_id, now=now) is not None:
                shops.add(shop_id)


# --- appeals ---------------------------------------------------------------------------------------------------


def appeal_submit(*, shop, actor, item_id, reason: str, evidence: str = "", now=None) -> Appeal:
    """The shop appeals an item (open, or penalised: then its points) with a reason and evidence text.
    Raises NotFound (another shop's item), Conflict (closed otherwise, or an appeal already waiting),
    ValidationError (reason, evidence)."""
    reason = _text(reason, field="reason", label="申诉理由", max_len=500, min_len=5)
    evidence = (evidence or "").strip() if isinstance(evidence, str) else ""
    if len(evidence) > 2000:
        raise ValidationError("证据说明不能超过2000个字", field="evidence")
    now = now or timezone.now()
    with transaction.atomic():
        item = _locked_item(HealthItem.objects.for_shop(shop), item_id)
        if item.status not in (ItemStatus.OPEN, ItemStatus.FIXED, ItemStatus.PENALISED):
            raise Conflict(f"该体检项{item.get_status_display()}，无需申诉")
        if item.appeals.filter(status=AppealStatus.PENDING).exists():
            raise Conflict("该体检项已有申诉在处理中")
        appeal = Appeal.objects.create(
            shop=shop, item=item, reason=reason, evidence=evidence, created_by=actor, created_at=now
        )
        audit(
            shop_id=shop.pk,
            item=item,
            appeal=appeal,
            action="appeal",
            actor=actor,
            actor_kind="seller",
            note=reason,
            now=now,
        )
    return appeal


def appeal_decide(*, actor, appeal_id, decision: str, note: str, now=None) -> Appeal:
    """The platform upholds or overturns a pending appeal with a reason. Overturning closes the item and cancels
    its points (the caller re-evaluates the shop's sanctions). Raises ValidationError, NotFound, Conflict."""
    if decision not in ("uphold", "overturn"):
        raise ValidationError("请选择维持或撤销", field="decision")
    note = _text(note, field="note", label="处理理由", max_len=300)
    now = now or timezone.now()
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().filter(pk=appeal_id).first()
        if appeal is None:
            raise NotFound("申诉不存在")
        if appeal.status != AppealStatus.PENDING:
            raise Conflict(f"该申诉已处理：{appeal.get_status_display()}")
        item = HealthItem.objects.select_for_update().get(pk=appeal.item_id)
        appeal.status = AppealStatus.OVERTURNED if decision == "overturn" else AppealStatus.UPHELD
        appeal.decided_by, appeal.decided_at, appeal.decision_note = actor, now, note
        appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        if decision == "overturn":
            item.status, item.closed_at = ItemStatus.OVERTURNED, now
            item.save(update_fields=["status", "closed_at"])
            PenaltyPoint.objects.filter(item=item, cancelled_at__isnull=True).update(
                cancelled_at=now, cancel_reason=f"申诉成功：{note}"[:300]
            )
        audit(
            shop_id=appeal.shop_id,
            item=item,
            appeal=appeal,
            action=f"appeal_{decision}",
            actor=actor,
            actor_kind="platform",
            note=note,
            now=now,
        )
        events.publish(
            HealthAppealDecided(
                shop_id=appeal.shop_id,
                appeal_id=appeal.pk,
                item_id=item.pk,
                title=item.title,
                overturned=decision == "overturn",
                note=note,
                at=now,
            )
        )
    return appeal
