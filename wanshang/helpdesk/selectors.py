"""Reads of 客服: settings, business hours, quick phrases, the FAQ and its matching, tickets and SLA clocks.

The public surface the chat app (`wanshang.service`) uses: `service_settings`, `shop_is_open`,
`faq_best_answer`, `faq_suggest`, `phrases_for`, `phrase_render`, `sla_breach_counts`."""

import io
import re
from datetime import date, datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from wanshang.common.errors import NotFound
from wanshang.helpdesk import matching
from wanshang.helpdesk.hours import DEFAULT_WEEK, SHOP_TZ, Schedule, hhmm
from wanshang.helpdesk.models import (
    BusinessPeriod,
    Faq,
    FaqCategory,
    QuickPhrase,
    ServiceSettings,
    SlaBreach,
    SlaMetric,
    SlaPolicy,
    SpecialDay,
    SpecialDayKind,
    Ticket,
    TicketPriority,
    TicketStatus,
)
from wanshang.helpdesk.types import FaqHit, PhraseView, ServiceSettingsView, SlaClock

__all__ = [
    "DEFAULTS",
    "FaqHit",
    "PhraseView",
    "ServiceSettingsView",
    "SlaClock",
    "SHOP_TZ",
    "hhmm",
]

DEFAULTS = ServiceSettingsView(
    welcome_text="您好，欢迎光临！请问有什么可以帮您？",
    offhours_text="您好，现在是非工作时间，客服上班后会第一时间回复您，您也可以先留言。",
    noreply_minutes=3,
    noreply_text="客服正在忙，请稍候，我们会尽快回复您。",
    faq_autoreply=True,
    agent_cap=10,
    faq_threshold=60,
)


# ── settings and hours ────────────────────────────────────────────────────────────────────────────────────


def service_settings(shop) -> ServiceSettingsView:
    """The shop's 客服设置, or the defaults when it never saved any."""
    row = ServiceSettings.objects.for_shop(shop).first()
    if row is None:
        return DEFAULTS
    return ServiceSettingsView(
        welcome_text=row.welcome_text,
        offhours_text=row.offhours_text,
        noreply_minutes=row.noreply_minutes,
        noreply_text=row.noreply_text,
        faq_autoreply=row.faq_autoreply,
        agent_cap=row.agent_cap,
        faq_threshold=row.faq_threshold,
    )


def schedule_of(shop) -> Schedule:
    """The shop's hours as a `Schedule` (default hours when it set no period)."""
    periods = list(BusinessPeriod.objects.for_shop(shop).values_list("weekday", "start_minute", "end_minute"))
    week = DEFAULT_WEEK
    if periods:
        days: list[list[tuple[int, int]]] = [[] for _ in range(7)]
        for wd, s, e in periods:
            days[wd].append((s, e))
        week = tuple(tuple(d) for d in days)
    special = {}
    for d in SpecialDay.objects.for_shop(shop):
        special[d.date] = ((d.start_minute, d.end_minute),) if d.kind == SpecialDayKind.OPEN else ()
    return Schedule(week=week, special=special)


def shop_is_open(shop, at: datetime) -> bool:
    return schedule_of(shop).is_open(at)


def business_minutes_between(shop, start: datetime, end: datetime) -> int:
    return schedule_of(shop).minutes_between(start, end)


def add_business_minutes(shop, start: datetime, minutes: int) -> datetime | None:
    return schedule_of(shop).add_minutes(start, minutes)


def hours_configured(shop) -> bool:
    return BusinessPeriod.objects.for_shop(shop).exists()


def business_hours(shop) -> list[dict]:
    """The week for the 营业时间 page: each weekday with its periods as "HH:MM-HH:MM" text."""
    names = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
    week = schedule_of(shop).week
    return [
        {"weekday": i, "name": names[i], "periods": [f"{hhmm(s)}-{hhmm(e)}" for s, e in week[i]]}
        for i in range(7)
    ]


def special_days(shop, *, since: date | None = None) -> list[SpecialDay]:
    qs = SpecialDay.objects.for_shop(shop)
    if since:
        qs = qs.filter(date__gte=since)
    return list(qs)


# ── quick phrases ─────────────────────────────────────────────────────────────────────────────────────────

PHRASE_VARIABLES = {
    "买家": ("buyer", "买家"),
    "订单号": ("order_no", "订单号"),
    "商品": ("product", "商品"),
    "物流单号": ("tracking_no", "物流单号"),
}
_VAR = re.compile(r"\{([^{}\s]{1,12})\}")


def phrases_for(shop, user) -> list[PhraseView]:
    """The shop-wide phrases and `user`'s own, shop-wide first, each by category and code."""
    rows = (
        QuickPhrase.objects.for_shop(shop)
        .filter(Q(owner__isnull=True) | Q(owner_id=getattr(user, "pk", None)))
        .order_by("owner_id", "category", "code", "id")
    )
    return [
        PhraseView(id=p.pk, category=p.category, code=p.code, text=p.text, personal=p.owner_id is not None)
        for p in rows
    ]


def phrase_list(*, shop, user, scope: str = "all", q: str = "") -> list:
    """Rows for the 快捷短语 page: scope "shop", "personal" or "all" (both)."""
    qs = QuickPhrase.objects.for_shop(shop)
    mine = Q(owner_id=getattr(user, "pk", None))
    qs = (
        qs.filter(owner__isnull=True)
        if scope == "shop"
        else qs.filter(mine)
        if scope == "personal"
        else (qs.filter(Q(owner__isnull=True) | mine))
    )
    if q:
        qs = qs.filter(Q(text__icontains=q) | Q(code__icontains=q) | Q(category__icontains=q))
    return list(qs.order_by("owner_id", "category", "code", "id"))


def phrase_get(*, shop, user, phrase_id: int) -> QuickPhrase:
    """A phrase the user may see: shop-wide or their own; another's personal phrase is 404 like another shop's."""
    row = (
        QuickPhrase.objects.for_shop(shop)
        .filter(Q(owner__isnull=True) | Q(owner_id=getattr(user, "pk", None)), pk=phrase_id)
        .first()
    )
    if row is None:
        raise NotFound("快捷短语不存在")
    return row


PHRASE_COLUMNS = ("分类", "快捷码", "内容")


def phrases_xlsx(*, shop, user, scope: str = "all") -> bytes:
    """The phrases the user sees as an Excel sheet (分类, 快捷码, 内容, 范围), the import's format plus a scope."""
    book = Workbook()
    sheet = book.active
    sheet.title = "快捷短语"
    sheet.append([*PHRASE_COLUMNS, "范围"])
    for p in phrase_list(shop=shop, user=user, scope=scope):
        sheet.append([p.category, p.code, p.text, "个人" if p.owner_id else "全店"])
    for col, width in zip("ABCD", (12, 10, 60, 8), strict=True):
        sheet.column_dimensions[col].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def phrase_render(text: str, context: dict) -> str:
    """Fill {买家} {订单号} {商品} {物流单号} from `context` (keys in Chinese or buyer / order_no / product /
    tracking_no). A variable without a value, or unknown, stays as written so the agent sees what to fill."""
    context = context or {}

    def fill(m: re.Match) -> str:
        name = m.group(1)
        keys = PHRASE_VARIABLES.get(name, (name,))
        for key in keys:
            value = context.get(key)
            if value not in (None, ""):
                return str(value)
        return m.group(0)

    return _VAR.sub(fill, text or "")


# ── FAQ ───────────────────────────────────────────────────────────────────────────────────────────────────


def faq_categories(shop) -> list[FaqCategory]:
    return list(FaqCategory.objects.for_shop(shop).annotate(n=Count("faqs")))


def faq_list(*, shop, q: str = "", category_id: int | None = None, enabled: bool | None = None):
    qs = Faq.objects.for_shop(shop).select_related("category")
    if category_id:
        qs = qs.filter(category_id=category_id)
    if enabled is not None:
        qs = qs.filter(enabled=enabled)
    if q:
        qs = qs.filter(Q(question__icontains=q) | Q(phrasings__icontains=q) | Q(answer__icontains=q))
    return qs


def faq_get(*, shop, faq_id: int) -> Faq:
    row = Faq.objects.for_shop(shop).select_related("category").filter(pk=faq_id).first()
    if row is None:
        raise NotFound("问题不存在")
    return row


def faq_category_get(*, shop, category_id: int) -> FaqCategory:
    row = FaqCategory.objects.for_shop(shop).filter(pk=category_id).first()
    if row is None:
        raise NotFound("分类不存在")
    return row


def _ranked(shop, text: str) -> tuple[list[matching.Scored], dict[int, Faq]]:
    faqs = {
        f.pk: f
        for f in Faq.objects.for_shop(shop).filter(enabled=True).only("id", "question", "answer", "terms")
    }
    return matching.rank(text, [(f.pk, f.terms) for f in faqs.values()]), faqs


def faq_suggest(shop, text: str, limit: int = 3) -> list[FaqHit]:
    """The best enabled answers for the agent while the buyer types (score ≥ matching.SUGGEST_FLOOR)."""
    ranked, faqs = _ranked(shop, text)
    return [
        FaqHit(faq_id=s.faq_id, question=faqs[s.faq_id].question, answer=faqs[s.faq_id].answer, score=s.score)
        for s in ranked[: max(0, limit)]
        if s.score >= matching.SUGGEST_FLOOR
    ]


def faq_best_answer(shop, text: str) -> FaqHit | None:
    """The answer to give the buyer directly, or None below the shop's confidence threshold (faq_threshold %)."""
    threshold = service_settings(shop).faq_threshold / 100
    hits = faq_suggest(shop, text, limit=1)
    if hits and hits[0].score >= threshold:
        return hits[0]
    return None


def public_faq(shop, *, q: str = "") -> list[dict]:
    """The buyer-facing 常见问题: enabled FAQ grouped by category; with `q`, the matching ones best first."""
    if q:
        found = faq_suggest(shop, q, limit=10)
        if not found:  # nothing matched by words: fall back to a plain substring of the question
            like = Faq.objects.for_shop(shop).filter(enabled=True).filter(Q(question__icontains=q))[:10]
            found = [FaqHit(faq_id=f.pk, question=f.question, answer=f.answer, score=0) for f in like]
        return [{"category": "搜索结果", "items": found}] if found else []
    groups: dict[int, dict] = {}
    for f in Faq.objects.for_shop(shop).filter(enabled=True).select_related("category"):
        group = groups.setdefault(f.category_id, {"category": f.category.name, "items": []})
        group["items"].append(FaqHit(faq_id=f.pk, question=f.question, answer=f.answer, score=0))
    return list(groups.values())


# ── tickets and SLA ───────────────────────────────────────────────────────────────────────────────────────

TICKET_FILTERS = ("status", "priority", "assignee", "breached")


def ticket_list(
    *,
    shop,
    status: str = "",
    priority: str = "",
    assignee_id: int | None = None,
    breached: bool = False,
    q: str = "",
):
    qs = Ticket.objects.for_shop(shop).select_related("assignee", "buyer")
    if status == "active":
        qs = qs.filter(status__in=[TicketStatus.OPEN, TicketStatus.PENDING])
    elif status in TicketStatus.values:
        qs = qs.filter(status=status)
    if priority in TicketPriority.values:
        qs = qs.filter(priority=priority)
    if assignee_id == 0:
        qs = qs.filter(assignee__isnull=True)
    elif assignee_id:
        qs = qs.filter(assignee_id=assignee_id)
    if breached:
        qs = qs.filter(breaches__isnull=False).distinct()
    if q:
        qs = qs.filter(Q(no__icontains=q) | Q(title__icontains=q) | Q(source_no__icontains=q))
    return qs


def ticket_get(*, shop, ticket_id: int) -> Ticket:
    row = (
        Ticket.objects.for_shop(shop)
        .select_related("assignee", "buyer", "created_by")
        .filter(pk=ticket_id)
        .first()
    )
    if row is None:
        raise NotFound("工单不存在")
    return row


def ticket_comments(ticket) -> list:
    return list(ticket.comments.select_related("author"))


EVENT_FIELDS = {
    "status": (_("状态"), TicketStatus),
    "priority": (_("优先级"), TicketPriority),
    "assignee": (_("处理人"), None),
}


def ticket_events(ticket) -> list:
    """The audit rows with `label`, `old_label`, `new_label` for people (status and priority by their names)."""
    rows = list(ticket.events.select_related("actor"))
    for e in rows:
        label, choices = EVENT_FIELDS.get(e.field, (e.field, None))
        e.label = label
        e.old_label, e.new_label = (
            (choices(v).label if v in choices.values else v) if choices else v for v in (e.old, e.new)
        )
    return rows


def tickets_of_buyer(*, buyer, source_kind: str = "", source_id: int | None = None) -> list[Ticket]:
    """A buyer's tickets (optionally those of one conversation or case), for their own pages."""
    qs = Ticket.objects.filter(buyer=buyer).select_related("shop")
    if source_kind:
        qs = qs.filter(source_kind=source_kind, source_id=source_id)
    return list(qs)


def buyer_ticket_get(*, buyer, ticket_id: int) -> Ticket:
    """One of the buyer's own tickets (another's is 404)."""
    row = Ticket.objects.filter(buyer=buyer, pk=ticket_id).select_related("shop").first()
    if row is None:
        raise NotFound("工单不存在")
    return row


def ticket_public_comments(ticket) -> list:
    """What the buyer may read of a ticket: the replies to them and their own messages, never internal notes."""
    return list(ticket.comments.filter(public=True))


def sla_policies(shop) -> dict[str, SlaPolicy | None]:
    """Each priority's policy (None when the shop set none)."""
    rows = {p.priority: p for p in SlaPolicy.objects.for_shop(shop)}
    return {p: rows.get(p) for p in TicketPriority.values}


def sla_policy_for(shop, priority: str) -> SlaPolicy | None:
    return SlaPolicy.objects.for_shop(shop).filter(priority=priority).first()


def _clock(schedule: Schedule, metric, due, done, now, open_now) -> SlaClock | None:
    if due is None:
        return None
    label = str(SlaMetric(metric).label)
    if done is not None:
        state = "met" if done <= due else "missed"
        return SlaClock(metric, label, due, done, state, None, False)
    if now >= due:
        return SlaClock(metric, label, due, None, "missed", -schedule.minutes_between(due, now), False)
    return SlaClock(metric, label, due, None, "active", schedule.minutes_between(now, due), not open_now)


def ticket_sla(ticket, *, now: datetime | None = None, schedule: Schedule | None = None) -> list[SlaClock]:
    """The ticket's SLA clocks now. A closed or solved ticket's open clocks stop (resolution done at solve)."""
    now = now or timezone.now()
    schedule = schedule or schedule_of(ticket.shop)
    open_now = schedule.is_open(now)
    stopped = ticket.solved_at or ticket.closed_at
    clocks = [
        # solved without a public reply: the first-response clock stops there too (met or missed by then)
        _clock(
            schedule,
            SlaMetric.FIRST_RESPONSE,
            ticket.first_response_due,
            ticket.first_responded_at or stopped,
            now,
            open_now,
        ),
        _clock(schedule, SlaMetric.NEXT_RESPONSE, ticket.next_response_due, stopped, now, open_now),
        _clock(schedule, SlaMetric.RESOLUTION, ticket.resolution_due, stopped, now, open_now),
    ]
    return [c for c in clocks if c is not None]


def tickets_with_sla(shop, tickets, *, now: datetime | None = None) -> list:
    """Decorate a page of tickets with `.clocks` and `.next_clock` (the soonest active one), one schedule load."""
    now = now or timezone.now()
    schedule = schedule_of(shop)
    out = []
    for t in tickets:
        t.clocks = ticket_sla(t, now=now, schedule=schedule)
        active = [c for c in t.clocks if c.state == "active"]
        t.next_clock = min(active, key=lambda c: c.due_at) if active else None
        t.missed = any(c.state == "missed" for c in t.clocks)
        out.append(t)
    return out


def sla_breaches(*, shop, ticket=None):
    qs = SlaBreach.objects.for_shop(shop).select_related("agent", "ticket")
    return qs.filter(ticket=ticket) if ticket is not None else qs


def sla_breach_counts(shop, since: datetime, until: datetime) -> dict:
    """Breaches whose target fell in [since, until): {"total": n, "by_agent": {user_id: n}} (unassigned
    tickets' breaches count in the total only)."""
    rows = (
        SlaBreach.objects.for_shop(shop)
        .filter(due_at__gte=since, due_at__lt=until)
        .values("agent_id")
        .annotate(n=Count("id"))
    )
    by_agent = {r["agent_id"]: r["n"] for r in rows if r["agent_id"] is not None}
    return {"total": sum(r["n"] for r in rows), "by_agent": by_agent}
