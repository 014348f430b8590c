"""Writes of 客服: settings, hours, quick phrases, the FAQ, tickets (state machine, comments, SLA due times)
and the SLA patrol. Every function owns its transaction and raises `wanshang.common.errors` kinds."""

import io
import re
from datetime import date, datetime

from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from openpyxl import load_workbook

from wanshang.adlaw.services import texts_check, texts_forget
from wanshang.common.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationError
from wanshang.common.numbers import new_no
from wanshang.helpdesk import matching, selectors
from wanshang.helpdesk.hours import merge
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
    TicketComment,
    TicketEvent,
    TicketPriority,
    TicketSource,
    TicketStatus,
)
from wanshang.helpdesk.types import FaqHit
from wanshang.merchants import permissions as P
from wanshang.merchants.permissions import role_can
from wanshang.merchants.selectors import staff_for_user, staff_list

MAX_NOREPLY_MINUTES = 120
MAX_AGENT_CAP = 200


def _text(value, *, field: str, label: str, max_len: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if "\x00" in text:
        raise ValidationError(f"{label}包含非法字符", field=field)
    if required and not text:
        raise ValidationError(f"请填写{label}", field=field)
    if len(text) > max_len:
        raise ValidationError(f"{label}不能超过 {max_len} 个字", field=field)
    return text


def _int(value, *, field: str, label: str, lo: int, hi: int) -> int:
    if isinstance(value, bool):
        raise ValidationError(f"{label}须为整数", field=field)
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{label}须为整数", field=field) from None
    if not lo <= n <= hi:
        raise ValidationError(f"{label}须在 {lo}–{hi} 之间", field=field)
    return n


def _staff_of(shop, user):
    staff = staff_for_user(user=user)
    if staff is None or staff.shop_id != shop.pk:
        raise PermissionDenied("该账号不是本店员工")
    return staff


def _require_manage(shop, actor) -> None:
    if not role_can(_staff_of(shop, actor).role, P.SERVICE_MANAGE):
        raise PermissionDenied("只有店主（客服主管）可以修改全店设置")


# ── settings and hours ────────────────────────────────────────────────────────────────────────────────────


def service_settings_save(
    *,
    shop,
    welcome_text,
    offhours_text,
    noreply_minutes,
    noreply_text,
    faq_autoreply: bool,
    agent_cap,
    faq_threshold=60,
) -> ServiceSettings:
    """Save the shop's 客服设置. Raises ValidationError naming the field."""
    values = {
        "welcome_text": _text(welcome_text, field="welcome_text", label="欢迎语", max_len=300),
        "offhours_text": _text(offhours_text, field="offhours_text", label="非营业时间回复", max_len=300),
        "noreply_minutes": _int(
            noreply_minutes, field="noreply_minutes", label="无人回复提醒分钟数", lo=0, hi=MAX_NOREPLY_MINUTES
        ),
        "noreply_text": _text(
            noreply_text, field="noreply_text", label="无人回复提示", max_len=300, required=False
        ),
        "faq_autoreply": bool(faq_autoreply),
        "agent_cap": _int(agent_cap, field="agent_cap", label="每位客服接待上限", lo=1, hi=MAX_AGENT_CAP),
        "faq_threshold": _int(faq_threshold, field="faq_threshold", label="自动回答置信度", lo=30, hi=100),
    }
    if values["noreply_minutes"] and not values["noreply_text"]:
        raise ValidationError("开启无人回复提醒时请填写提示内容", field="noreply_text")
    with transaction.atomic():
        row, _created = ServiceSettings.objects.update_or_create(shop=shop, defaults=values)
    return row


_PERIOD = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–~—]\s*(\d{1,2}):(\d{2})\s*$")


def parse_periods(text: str, *, field: str = "periods") -> list[tuple[int, int]]:
    """ "09:00-12:00, 13:30-22:00" → [(540, 720), (810, 1320)]. 24:00 is the end of the day. Refuses
    malformed, empty, reversed and overlapping periods."""
    out = []
    for part in re.split(r"[,，;；\s]+(?=\d)", (text or "").strip()):
        if not part.strip():
            continue
        m = _PERIOD.match(part)
        if not m:
            raise ValidationError(f"时间段“{part.strip()[:20]}”格式不对，应为 09:00-12:00", field=field)
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
            raise ValidationError(f"时间段“{part.strip()}”不是有效的时间", field=field)
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if start >= end:
            raise ValidationError(f"时间段“{part.strip()}”的结束时间须晚于开始时间", field=field)
        out.append((start, end))
    out.sort()
    for (_s1, e1), (s2, _e2) in zip(out, out[1:], strict=False):
        if s2 < e1:
            raise ValidationError("同一天的时间段不能重叠", field=field)
    if len(out) > 6:
        raise ValidationError("每天最多 6 个时间段", field=field)
    return out


def business_hours_save(*, shop, week: dict[int, str]) -> None:
    """Replace the shop's weekly hours: {weekday (0 = Monday): "09:00-12:00, 13:30-22:00" or "" (closed)}.
    A week with no open period at all is refused (the shop would never be open)."""
    parsed = {}
    for wd in range(7):
        parsed[wd] = parse_periods(week.get(wd, "") or "", field=f"day_{wd}")
    if not any(parsed.values()):
        raise ValidationError("一周至少要有一个营业时间段", field="day_0")
    with transaction.atomic():
        BusinessPeriod.objects.for_shop(shop).delete()
        BusinessPeriod.objects.bulk_create(
            BusinessPeriod(shop=shop, weekday=wd, start_minute=s, end_minute=e)
            for wd, periods in parsed.items()
            for s, e in merge(periods)
        )


def special_day_save(*, shop, day, kind: str, periods: str = "", note: str = "") -> SpecialDay:
    """A holiday (closed) or a special working day (open, one period) on `day`; replaces that date's row."""
    if not isinstance(day, date):
        raise ValidationError("请选择日期", field="date")
    if kind not in SpecialDayKind.values:
        raise ValidationError("请选择休息或调休上班", field="kind")
    start = end = 0
    if kind == SpecialDayKind.OPEN:
        parsed = parse_periods(periods, field="periods")
        if len(parsed) != 1:
            raise ValidationError("调休上班请填写一个时间段，如 09:00-18:00", field="periods")
        start, end = parsed[0]
    note = _text(note, field="note", label="说明", max_len=40, required=False)
    with transaction.atomic():
        row, _ = SpecialDay.objects.update_or_create(
            shop=shop,
            date=day,
            defaults={"kind": kind, "start_minute": start, "end_minute": end, "note": note},
        )
    return row


def special_day_delete(*, shop, special_day_id: int) -> None:
    deleted, _ = SpecialDay.objects.for_shop(shop).filter(pk=special_day_id).delete()
    if not deleted:
        raise NotFound("该日期设置不存在")


# ── quick phrases ─────────────────────────────────────────────────────────────────────────────────────────

_CODE = re.compile(r"^/[0-9A-Za-z_\-]{1,15}$")


def _phrase_values(category, code, text) -> dict:
    code = str(code or "").strip()
    if code and not code.startswith("/"):
        code = "/" + code
    if code and not _CODE.match(code):
        raise ValidationError("快捷码以 / 开头，后接 1–15 个字母、数字、- 或 _，如 /th", field="code")
    return {
        "category": _text(category or "常用", field="category", label="分类", max_len=20),
        "code": code.lower(),
        "text": _text(text, field="text", label="短语内容", max_len=500),
    }


def _phrase_code_free(shop, owner_id, code, exclude_id=None) -> None:
    if not code:
        return
    qs = QuickPhrase.objects.for_shop(shop).filter(code=code)
    qs = qs.filter(owner__isnull=True) if owner_id is None else qs.filter(owner_id=owner_id)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    if qs.exists():
        raise ValidationError(f"快捷码 {code} 已被使用", field="code")


def phrase_create(*, shop, actor, personal: bool, category="常用", code="", text) -> QuickPhrase:
    """A personal phrase of `actor`, or (needs service.manage) a shop-wide one. Codes are unique per scope."""
    _staff_of(shop, actor)
    if not personal:
        _require_manage(shop, actor)
    values = _phrase_values(category, code, text)
    owner_id = actor.pk if personal else None
    try:
        with transaction.atomic():
            _phrase_code_free(shop, owner_id, values["code"])
            row = QuickPhrase.objects.create(shop=shop, owner_id=owner_id, **values)
            _adlaw_phrase(shop, row)
            return row
    except IntegrityError:
        raise ValidationError(f"快捷码 {values['code']} 已被使用", field="code") from None


def _adlaw_phrase(shop, row: QuickPhrase) -> None:
    """广告法: buyers read quick phrases in chat; a blocking term refuses the phrase on its text."""
    texts_check(shop=shop, source="quick_phrase", source_id=row.pk, fields={"text": row.text})


def _phrase_for_edit(shop, actor, phrase_id) -> QuickPhrase:
    row = selectors.phrase_get(shop=shop, user=actor, phrase_id=phrase_id)
    if row.owner_id is None:
        _require_manage(shop, actor)
    return row


def phrase_update(*, shop, actor, phrase_id: int, category="常用", code="", text) -> QuickPhrase:
    _staff_of(shop, actor)
    row = _phrase_for_edit(shop, actor, phrase_id)
    values = _phrase_values(category, code, text)
    try:
        with transaction.atomic():
            _phrase_code_free(shop, row.owner_id, values["code"], exclude_id=row.pk)
            for k, v in values.items():
                setattr(row, k, v)
            row.save(update_fields=list(values))
            _adlaw_phrase(shop, row)
    except IntegrityError:
        raise ValidationError(f"快捷码 {values['code']} 已被使用", field="code") from None
    return row


MAX_IMPORT_ROWS = 500


def phrases_import_xlsx(*, shop, actor, personal: bool, data: bytes) -> int:
    """Add the phrases of an Excel sheet (columns 分类, 快捷码, 内容; the first row is the header) to the actor's
    own or (service.manage) the shop's phrases. All or nothing: any bad row refuses the whole file with every
    bad row's number and reason. Returns the number added."""
    _staff_of(shop, actor)
    if not personal:
        _require_manage(shop, actor)
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        rows = list(sheet.iter_rows(min_row=2, max_col=3, values_only=True))
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationError("无法读取该文件，请上传 .xlsx 格式的 Excel", field="file") from None
    rows = [r for r in rows if any(v not in (None, "") for v in r)]
    if not rows:
        raise ValidationError("表格里没有短语（第一行为表头：分类、快捷码、内容）", field="file")
    if len(rows) > MAX_IMPORT_ROWS:
        raise ValidationError(f"一次最多导入 {MAX_IMPORT_ROWS} 条", field="file")
    owner_id = actor.pk if personal else None
    problems, values, codes = [], [], set()
    for n, row in enumerate(rows, start=2):
        category, code, text = (list(row) + [None, None, None])[:3]
        try:
            v = _phrase_values(category, "" if code is None else code, text)
            if v["code"] and v["code"] in codes:
                raise ValidationError(f"快捷码 {v['code']} 在表格中重复", field="code")
            _phrase_code_free(shop, owner_id, v["code"])
        except ValidationError as exc:
            problems.append(f"第 {n} 行：{exc.message}")
            continue
        codes.add(v["code"])
        values.append(v)
    if problems:
        raise ValidationError("；".join(problems[:10]) + ("……" if len(problems) > 10 else ""), field="file")
    try:
        with transaction.atomic():
            created = QuickPhrase.objects.bulk_create(
                QuickPhrase(shop=shop, owner_id=owner_id, **v) for v in values
            )
            for n, row in enumerate(created, start=2):
                try:
                    _adlaw_phrase(shop, row)
                except ValidationError as exc:
                    raise ValidationError(f"第 {n} 行：{exc.message}", field="file") from None
    except IntegrityError:
        raise ValidationError("有快捷码刚被占用，请重新导入", field="file") from None
    return len(values)


def phrase_delete(*, shop, actor, phrase_id: int) -> None:
    _staff_of(shop, actor)
    row = _phrase_for_edit(shop, actor, phrase_id)
    texts_forget(shop=shop, source="quick_phrase", source_id=row.pk)
    row.delete()


# ── FAQ ───────────────────────────────────────────────────────────────────────────────────────────────────


def faq_category_save(*, shop, name, position=0, category_id: int | None = None) -> FaqCategory:
    name = _text(name, field="name", label="分类名称", max_len=20)
    position = _int(position or 0, field="position", label="排序", lo=0, hi=999)
    with transaction.atomic():
        clash = FaqCategory.objects.for_shop(shop).filter(name=name).exclude(pk=category_id or 0).exists()
        if clash:
            raise ValidationError(f"分类“{name}”已存在", field="name")
        if category_id:
            row = selectors.faq_category_get(shop=shop, category_id=category_id)
            row.name, row.position = name, position
            row.save(update_fields=["name", "position"])
            return row
        return FaqCategory.objects.create(shop=shop, name=name, position=position)


def faq_category_delete(*, shop, category_id: int) -> None:
    row = selectors.faq_category_get(shop=shop, category_id=category_id)
    if row.faqs.exists():
        raise Conflict("分类下还有问题，先移走或删除它们", field="category")
    row.delete()


def _faq_values(shop, *, category_id, question, phrasings, answer, enabled) -> dict:
    if not category_id:
        raise ValidationError("请选择分类", field="category")
    category = FaqCategory.objects.for_shop(shop).filter(pk=category_id).first()
    if category is None:
        raise ValidationError("请选择本店的分类", field="category")
    question = _text(question, field="question", label="问题", max_len=100)
    if isinstance(phrasings, str):
        phrasings = phrasings.splitlines()
    lines = []
    for p in phrasings or []:
        p = _text(p, field="phrasings", label="相似问法", max_len=100, required=False)
        if p and p not in lines and p != question:
            lines.append(p)
    if len(lines) > 20:
        raise ValidationError("相似问法最多 20 条", field="phrasings")
    terms = matching.faq_terms(question, lines)
    if not terms[0]:
        raise ValidationError("问题里没有可用于匹配的词，请写得具体些", field="question")
    return {
        "category": category,
        "question": question,
        "phrasings": "\n".join(lines),
        "answer": _text(answer, field="answer", label="答案", max_len=1000),
        "enabled": bool(enabled),
        "terms": terms,
    }


def faq_create(*, shop, category_id, question, phrasings=(), answer, enabled=True) -> Faq:
    values = _faq_values(
        shop, category_id=category_id, question=question, phrasings=phrasings, answer=answer, enabled=enabled
    )
    with transaction.atomic():
        row = Faq.objects.create(shop=shop, **values)
        texts_check(shop=shop, source="faq", source_id=row.pk, fields={"answer": row.answer})
        return row


def faq_update(*, shop, faq_id: int, category_id, question, phrasings=(), answer, enabled=True) -> Faq:
    row = selectors.faq_get(shop=shop, faq_id=faq_id)
    values = _faq_values(
        shop, category_id=category_id, question=question, phrasings=phrasings, answer=answer, enabled=enabled
    )
    with transaction.atomic():
        for k, v in values.items():
            setattr(row, k, v)
        row.save()
        texts_check(shop=shop, source="faq", source_id=row.pk, fields={"answer": row.answer})
    return row


def faq_set_enabled(*, shop, faq_id: int, enabled: bool) -> Faq:
    row = selectors.faq_get(shop=shop, faq_id=faq_id)
    row.enabled = bool(enabled)
    row.save(update_fields=["enabled", "updated_at"])
    return row


def faq_delete(*, shop, faq_id: int) -> None:
    row = selectors.faq_get(shop=shop, faq_id=faq_id)
    texts_forget(shop=shop, source="faq", source_id=row.pk)
    row.delete()


def faq_record_hit(*, shop, faq_id: int) -> None:
    """Count one use of an answer (sent to a buyer by the bot or by an agent). Atomic; unknown ids are ignored."""
    Faq.objects.for_shop(shop).filter(pk=faq_id).update(hits=models.F("hits") + 1)


def faq_answer_buyer(*, shop, text: str) -> FaqHit | None:
    """`selectors.faq_best_answer`, and count the hit when there is one (for the chat's auto-answer)."""
    hit = selectors.faq_best_answer(shop, text)
    if hit is not None:
        faq_record_hit(shop=shop, faq_id=hit.faq_id)
    return hit


# ── SLA policies ──────────────────────────────────────────────────────────────────────────────────────────

MAX_SLA_MINUTES = 60 * 24 * 30


def sla_policy_save(
    *, shop, priority: str, first_response_minutes, next_response_minutes, resolution_minutes
) -> SlaPolicy:
    """Set the targets of one priority (business minutes, 0 = none). New tickets use them; existing tickets keep
    the due times they were given."""
    if priority not in TicketPriority.values:
        raise ValidationError("优先级不存在", field="priority")
    values = {
        "first_response_minutes": _int(
            first_response_minutes, field="first_response_minutes", label="首次响应", lo=0, hi=MAX_SLA_MINUTES
        ),
        "next_response_minutes": _int(
            next_response_minutes, field="next_response_minutes", label="再次响应", lo=0, hi=MAX_SLA_MINUTES
        ),
        "resolution_minutes": _int(
            resolution_minutes, field="resolution_minutes", label="解决时限", lo=0, hi=MAX_SLA_MINUTES
        ),
    }
    if values["resolution_minutes"] and values["first_response_minutes"] > values["resolution_minutes"]:
        raise ValidationError("首次响应时限不能长于解决时限", field="first_response_minutes")
    with transaction.atomic():
        row, _ = SlaPolicy.objects.update_or_create(shop=shop, priority=priority, defaults=values)
    return row


SLA_FIELDS = ("first_response_minutes", "next_response_minutes", "resolution_minutes")


def sla_policies_save(*, shop, policies: dict[str, dict]) -> None:
    """Save several priorities' targets at once ({priority: {field: minutes}}), all or none. An error names
    its field as "<priority>__<field>"."""
    with transaction.atomic():
        for priority, values in policies.items():
            try:
                sla_policy_save(shop=shop, priority=priority, **{f: values.get(f, 0) for f in SLA_FIELDS})
            except ValidationError as exc:
                raise ValidationError(exc.message, field=f"{priority}__{exc.field}") from None


# ── tickets ───────────────────────────────────────────────────────────────────────────────────────────────

# status → the statuses it may move to. closed is final: a new problem is a new ticket.
TRANSITIONS: dict[str, set[str]] = {
    TicketStatus.OPEN: {TicketStatus.PENDING, TicketStatus.SOLVED, TicketStatus.CLOSED},
    TicketStatus.PENDING: {TicketStatus.OPEN, TicketStatus.SOLVED, TicketStatus.CLOSED},
    TicketStatus.SOLVED: {TicketStatus.OPEN, TicketStatus.CLOSED},
    TicketStatus.CLOSED: set(),
}


def _assignee_of_shop(shop, user_id):
    if user_id in (None, "", 0):
        return None
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        raise ValidationError("处理人须为本店可处理工单的员工", field="assignee") from None
    for staff in staff_list(shop=shop):
        if staff.user_id == user_id and staff.is_active and role_can(staff.role, P.SERVICE_HANDLE):
            return staff.user
    raise ValidationError("处理人须为本店可处理工单的员工", field="assignee")


def _due(schedule, start, minutes):
    return schedule.add_minutes(start, minutes) if minutes else None


def ticket_create(
    *,
    shop,
    actor,
    title,
    description="",
    priority="normal",
    source_kind="conversation",
    source_id=None,
    buyer=None,
    source_no="",
    assignee_id=None,
    now: datetime | None = None,
) -> Ticket:
    """Open a ticket (from a conversation, an after-sales case, or by staff: source_kind "manual"). Its SLA due
    times come from the shop's policy for the priority, counted in business minutes."""
    title = _text(title, field="title", label="标题", max_len=100)
    description = _text(description, field="description", label="描述", max_len=2000, required=False)
    if priority not in TicketPriority.values:
        raise ValidationError("优先级须为 low / normal / high / urgent", field="priority")
    if source_kind not in TicketSource.values:
        raise ValidationError("来源须为 conversation / case / manual", field="source_kind")
    if source_kind != TicketSource.MANUAL and not source_id:
        raise ValidationError("请注明来源编号", field="source_id")
    if source_id is not None:
        source_id = _int(source_id, field="source_id", label="来源编号", lo=1, hi=2**62)
    source_no = _text(source_no, field="source_no", label="来源单号", max_len=40, required=False)
    assignee = _assignee_of_shop(shop, assignee_id)
    now = now or timezone.now()
    policy = selectors.sla_policy_for(shop, priority)
    schedule = selectors.schedule_of(shop)
    with transaction.atomic():
        ticket = Ticket.objects.create(
            shop=shop,
            no=new_no("T", now),
            title=title,
            description=description,
            priority=priority,
            assignee=assignee,
            buyer=buyer,
            created_by=actor,
            source_kind=source_kind,
            source_id=source_id,
            source_no=source_no,
            created_at=now,
            updated_at=now,
            first_response_due=_due(schedule, now, policy.first_response_minutes) if policy else None,
            resolution_due=_due(schedule, now, policy.resolution_minutes) if policy else None,
        )
        TicketEvent.objects.create(
            ticket=ticket, actor=actor, field="status", old="", new=ticket.status, at=now
        )
    return ticket


def _lock(shop, ticket_id) -> Ticket:
    ticket = Ticket.objects.for_shop(shop).select_for_update().filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound("工单不存在")
    return ticket


def _breach(ticket, metric, due, now) -> None:
    """Record a missed target once (the unique (ticket, metric, due_at) makes a second call a no-op)."""
    SlaBreach.objects.get_or_create(
        ticket=ticket,
        metric=metric,
        due_at=due,
        defaults={"shop_id": ticket.shop_id, "agent_id": ticket.assignee_id, "recorded_at": now},
    )


def ticket_update(
    *, shop, actor, ticket_id: int, title=None, description=None, priority=None, assignee_id=...
):
    """Change the title, description, priority or assignee (audit rows for priority and assignee)."""
    assignee = _assignee_of_shop(shop, assignee_id) if assignee_id is not ... else ...
    if priority is not None and priority not in TicketPriority.values:
        raise ValidationError("优先级须为 low / normal / high / urgent", field="priority")
    with transaction.atomic():
        ticket = _lock(shop, ticket_id)
        now = timezone.now()
        if ticket.status == TicketStatus.CLOSED:
            raise InvalidTransition("工单已关闭，不能再修改")
        fields = ["updated_at"]
        if title is not None:
            ticket.title = _text(title, field="title", label="标题", max_len=100)
            fields.append("title")
        if description is not None:
            ticket.description = _text(
                description, field="description", label="描述", max_len=2000, required=False
            )
            fields.append("description")
        if priority is not None and priority != ticket.priority:
            TicketEvent.objects.create(
                ticket=ticket, actor=actor, field="priority", old=ticket.priority, new=priority, at=now
            )
            ticket.priority = priority
            fields.append("priority")
        if assignee is not ... and (assignee.pk if assignee else None) != ticket.assignee_id:
            TicketEvent.objects.create(
                ticket=ticket,
                actor=actor,
                field="assignee",
                old=ticket.assignee.display_name[:40] if ticket.assignee_id else "",
                new=assignee.display_name[:40] if assignee else "",
                at=now,
            )
            ticket.assignee = assignee
            fields.append("assignee")
        ticket.updated_at = now
        ticket.save(update_fields=fields)
    return ticket


def ticket_transition(*, shop, actor, ticket_id: int, status: str, now: datetime | None = None) -> Ticket:
    """Move a ticket to `status`; refuses moves outside TRANSITIONS with InvalidTransition (409)."""
    if status not in TicketStatus.values:
        raise ValidationError("状态不存在", field="status")
    with transaction.atomic():
        ticket = _lock(shop, ticket_id)
        now = now or timezone.now()  # after the lock: audit rows keep the order the moves happened in
        if status not in TRANSITIONS[ticket.status]:
            raise InvalidTransition(
                f"工单{TicketStatus(ticket.status).label}，不能改为{TicketStatus(status).label}",
                field="status",
            )
        old = ticket.status
        fields = ["status", "updated_at"]
        if status == TicketStatus.SOLVED:
            ticket.solved_at = now
            if ticket.resolution_due and now > ticket.resolution_due:
                _breach(ticket, SlaMetric.RESOLUTION, ticket.resolution_due, now)
            fields.append("solved_at")
        elif status == TicketStatus.OPEN and old == TicketStatus.SOLVED:
            ticket.solved_at = None  # reopened: the resolution clock runs again toward the same due time
            fields.append("solved_at")
        if status == TicketStatus.CLOSED:
            ticket.closed_at = now
            ticket.solved_at = ticket.solved_at or now
            fields += ["closed_at", "solved_at"]
        ticket.status = status
        ticket.updated_at = now
        ticket.save(update_fields=fields)
        TicketEvent.objects.create(ticket=ticket, actor=actor, field="status", old=old, new=status, at=now)
    return ticket


def ticket_comment_add(
    *,
    shop,
    actor,
    ticket_id: int,
    body,
    public: bool = False,
    from_buyer: bool = False,
    now: datetime | None = None,
) -> TicketComment:
    """Add a reply to the buyer (public), an internal note, or (from_buyer) what the buyer said. A staff public
    reply meets the first / next response target (a late one records its breach now); a buyer's message starts
    the next-response clock. Refused on a closed ticket."""
    body = _text(body, field="body", label="内容", max_len=2000)
    with transaction.atomic():
        ticket = _lock(shop, ticket_id)
        now = now or timezone.now()
        if ticket.status == TicketStatus.CLOSED:
            raise InvalidTransition("工单已关闭，不能再回复", field="body")
        fields = ["updated_at"]
        if from_buyer:
            public = True
            if ticket.next_response_since is None and ticket.first_responded_at is not None:
                policy = selectors.sla_policy_for(shop, ticket.priority)
                if policy and policy.next_response_minutes:
                    ticket.next_response_since = now
                    ticket.next_response_due = selectors.schedule_of(shop).add_minutes(
                        now, policy.next_response_minutes
                    )
                    fields += ["next_response_since", "next_response_due"]
        elif public:
            if ticket.first_responded_at is None:
                ticket.first_responded_at = now
                fields.append("first_responded_at")
                if ticket.first_response_due and now > ticket.first_response_due:
                    _breach(ticket, SlaMetric.FIRST_RESPONSE, ticket.first_response_due, now)
            if ticket.next_response_due is not None:
                if now > ticket.next_response_due:
                    _breach(ticket, SlaMetric.NEXT_RESPONSE, ticket.next_response_due, now)
                ticket.next_response_since = ticket.next_response_due = None
                fields += ["next_response_since", "next_response_due"]
        ticket.updated_at = now
        ticket.save(update_fields=fields)
        return TicketComment.objects.create(
            ticket=ticket,
            shop=shop,
            author=actor,
            body=body,
            public=public,
            from_buyer=from_buyer,
            created_at=now,
        )


def sla_patrol(*, now: datetime | None = None) -> int:
    """Record every target passed without being met (idempotent: one row per ticket, metric and due time).
    Returns the number of new breach rows."""
    now = now or timezone.now()
    before = SlaBreach.objects.count()
    live = Ticket.objects.exclude(status=TicketStatus.CLOSED)
    checks = [
        (
            SlaMetric.FIRST_RESPONSE,
            "first_response_due",
            live.filter(first_responded_at__isnull=True, solved_at__isnull=True),
        ),
        (SlaMetric.NEXT_RESPONSE, "next_response_due", live.filter(solved_at__isnull=True)),
        (SlaMetric.RESOLUTION, "resolution_due", live.filter(solved_at__isnull=True)),
    ]
    for metric, due_field, qs in checks:
        recorded = SlaBreach.objects.filter(ticket=OuterRef("pk"), metric=metric, due_at=OuterRef(due_field))
        overdue = qs.filter(**{f"{due_field}__lt": now}).exclude(Exists(recorded))
        for ticket in overdue.order_by("pk")[:1000]:
            with transaction.atomic():
                _breach(ticket, metric, getattr(ticket, due_field), now)
    return SlaBreach.objects.count() - before
