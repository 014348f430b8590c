"""Customer-service writes: start a conversation, post, read, resolve, assign and transfer, presence, the
auto-replies and the satisfaction survey. Rules: docs/service.md.

Every message is numbered under its conversation's row lock (`locks.conversation_lock`) and stored before
anyone is notified: `realtime.notify` runs after the commit, and a client that missed it fetches by cursor.
"""

import logging
import re
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from wanshang.aftersales.selectors import buyer_case_get
from wanshang.catalog.selectors import product_get_public
from wanshang.common.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationError
from wanshang.media.services import image_upload
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import shop_get, staff_for_user, staff_list
from wanshang.orders.selectors import buyer_order_get
from wanshang.service import autoreply, realtime
from wanshang.service.locks import conversation_lock, presences_lock
from wanshang.service.models import (
    AgentPresence,
    Conversation,
    ConversationStatus,
    Message,
    MessageKind,
    Origin,
    Satisfaction,
    SenderKind,
)

log = logging.getLogger("wanshang.service")

S = ConversationStatus
TEXT_MAX = 1000
COMMENT_MAX = 300
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
PRESENCE_TTL = timedelta(minutes=3)  # an agent not seen for this long is not given new conversations
BUYER, AGENT = "buyer", "agent"


def clean_text(text, *, field: str = "body", what: str = "消息", limit: int = TEXT_MAX, required=True) -> str:
    """Plain text with control characters removed (shown as text, never as HTML); refuses empty or long."""
    text = CONTROL.sub("", str(text or "")).replace("\r\n", "\n").strip()
    if required and not text:
        raise ValidationError(f"{what}不能为空", field=field, code="empty")
    if len(text) > limit:
        raise ValidationError(f"{what}最多 {limit} 字，现在有 {len(text)} 字", field=field, code="too_long")
    return text


def agent_require(*, user, shop=None):
    """The staff membership of a user who may chat for their shop (客服 and owners); PermissionDenied else."""
    staff = staff_for_user(user=user)
    if staff is None or not P.role_can(staff.role, P.SERVICE_HANDLE):
        raise PermissionDenied("你的角色没有“客服接待与工单”权限")
    if shop is not None and staff.shop_id != shop.pk:
        raise NotFound("会话不存在")
    return staff


def _preview(kind: str, body: str) -> str:
    return {
        MessageKind.IMAGE: "[图片]",
        MessageKind.PRODUCT: "[商品]",
        MessageKind.ORDER: "[订单]",
    }.get(kind, body[:80])


def _append(
    conv: Conversation,
    *,
    sender_kind,
    sender=None,
    kind=MessageKind.TEXT,
    body="",
    asset=None,
    ref_id=None,
    auto_rule="",
    now,
) -> Message:
    """Number and store one message of the locked `conv` (its row lock is held by the caller) and keep the
    conversation's counters; the notification goes out after the commit."""
    conv.last_seq += 1
    msg = Message.objects.create(
        conversation=conv,
        shop_id=conv.shop_id,
        seq=conv.last_seq,
        sender_kind=sender_kind,
        sender=sender,
        kind=kind,
        body=body,
        asset=asset,
        ref_id=ref_id,
        auto_rule=auto_rule,
        created_at=now,
    )
    fields = ["last_seq"]
    if kind != MessageKind.NOTE:
        conv.last_message_at, conv.last_preview = now, _preview(kind, body)
        fields += ["last_message_at", "last_preview"]
        if sender_kind == SenderKind.BUYER:
            conv.agent_unread += 1
            conv.buyer_read_seq = conv.last_seq
            fields += ["agent_unread", "buyer_read_seq"]
        else:
            conv.buyer_unread += 1
            fields.append("buyer_unread")
    Conversation.objects.filter(pk=conv.pk).update(**{f: getattr(conv, f) for f in fields})
    realtime.notify_after_commit(conv, kind="message")
    return msg


# --- starting a conversation -------------------------------------------------------------------------------


def _context(*, buyer, shop, product_id, order_id, case_id) -> tuple[str, dict]:
    """The context card a buyer arrives with, checked: their own order and case, a public product, all of
    this shop. Raises NotFound for anything else."""
    if case_id is not None:
        case = buyer_case_get(buyer=buyer, case_id=case_id)
        if case.shop_id != shop.pk:
            raise NotFound("售后单不存在")
        return Origin.CASE, {"case_id": case.pk, "order_id": case.order_id, "product_id": None}
    if order_id is not None:
        order = buyer_order_get(buyer=buyer, order_id=order_id)
        if order.shop_id != shop.pk:
            raise NotFound("订单不存在")
        return Origin.ORDER, {"order_id": order.pk, "product_id": None, "case_id": None}
    if product_id is not None:
        product = product_get_public(product_id=product_id)
        if product.shop_id != shop.pk:
            raise NotFound("商品不存在或已下架")
        return Origin.PRODUCT, {"product_id": product.pk, "order_id": None, "case_id": None}
    return Origin.SHOP, {}


def conversation_start(
    *, buyer, shop_id, product_id=None, order_id=None, case_id=None, now: datetime | None = None
) -> Conversation:
    """The buyer's unresolved conversation with the shop, or a new one (with the welcome message, once).
    Arriving from a product, an order or a case puts that card on the conversation and into the thread."""
    now = now or timezone.now()
    shop = shop_get(shop_id=shop_id)
    if shop.status != "open":
        raise NotFound("店铺不存在或已暂停营业")
    staff = staff_for_user(user=buyer)
    if staff is not None and staff.shop_id == shop.pk:
        raise ValidationError("不能向自己的店铺发起咨询", code="own_shop")
    origin, card = _context(buyer=buyer, shop=shop, product_id=product_id, order_id=order_id, case_id=case_id)
    try:
        with transaction.atomic():
            conv = _open_or_create(buyer=buyer, shop=shop, now=now)
            if card:
                _put_card(conv, origin=origin, card=card, buyer=buyer, now=now)
    except IntegrityError:  # another tab created it between our look and our insert: use that one
        with transaction.atomic():
            conv = _open_or_create(buyer=buyer, shop=shop, now=now)
            if card:
                _put_card(conv, origin=origin, card=card, buyer=buyer, now=now)
    return Conversation.objects.get(pk=conv.pk)


def _open_or_create(*, buyer, shop, now) -> Conversation:
    found = Conversation.objects.filter(shop=shop, buyer=buyer).exclude(status=S.RESOLVED).first()
    if found is not None:
        return conversation_lock(found.pk)
    with transaction.atomic():  # a savepoint: the unique constraint's refusal leaves the outer block usable
        conv = Conversation.objects.create(
            shop=shop, buyer=buyer, status=S.OPEN, last_message_at=now, created_at=now
        )
    conv = conversation_lock(conv.pk)
    settings = autoreply.settings_of(shop)
    if settings.welcome_text.strip():
        _append(
            conv,
            sender_kind=SenderKind.AUTO,
            body=settings.welcome_text.strip(),
            auto_rule="welcome",
            now=now,
        )
    realtime.notify_after_commit(conv, kind="new")
    return conv


def _put_card(conv, *, origin, card, buyer, now) -> None:
    same = all(getattr(conv, k) == v for k, v in card.items()) and conv.origin == origin
    if same:
        return
    Conversation.objects.filter(pk=conv.pk).update(origin=origin, **card)
    for k, v in card.items():
        setattr(conv, k, v)
    conv.origin = origin
    if card.get("product_id"):
        _append(
            conv,
            sender_kind=SenderKind.BUYER,
            sender=buyer,
            kind=MessageKind.PRODUCT,
            ref_id=card["product_id"],
            now=now,
        )
    elif card.get("order_id"):
        _append(
            conv,
            sender_kind=SenderKind.BUYER,
            sender=buyer,
            kind=MessageKind.ORDER,
            ref_id=card["order_id"],
            now=now,
        )


# --- posting ---------------------------------------------------------------------------------------------------


def _side_of(conv: Conversation, user) -> str:
    """ "buyer" for the conversation's buyer, "agent" for the shop's 客服 staff; NotFound for anyone else."""
    if conv.buyer_id == user.pk:
        return BUYER
    staff = staff_for_user(user=user)
    if staff is not None and staff.shop_id == conv.shop_id:
        if not P.role_can(staff.role, P.SERVICE_HANDLE):
            raise PermissionDenied("你的角色没有“客服接待与工单”权限")
        return AGENT
    raise NotFound("会话不存在")


def message_post(
    *, user, conversation_id, body="", kind=MessageKind.TEXT, image=None, ref_id=None, now=None
) -> Message:
    """Store a message of the buyer or an agent (text, image, product or order card; agents also internal
    notes), then notify. A buyer's message starts a waiting stretch and may get the off-hours message and a
    confident FAQ answer (each once). Raises ValidationError (empty, too long, bad image), NotFound (not
    theirs), InvalidTransition (resolved)."""
    now = now or timezone.now()
    kind = str(kind or MessageKind.TEXT)
    if kind not in MessageKind.values:
        raise ValidationError("消息类型只能是 text、image、product、order 或 note", field="kind")
    conv = Conversation.objects.select_related("shop").filter(pk=conversation_id).first()
    if conv is None:
        raise NotFound("会话不存在")
    side = _side_of(conv, user)
    if kind == MessageKind.NOTE and side != AGENT:
        raise NotFound("会话不存在")
    body, asset, ref_id = _content(
        conv, user=user, side=side, kind=kind, body=body, image=image, ref_id=ref_id
    )
    with transaction.atomic():
        conv = conversation_lock(conversation_id)
        if conv.status == S.RESOLVED:
            raise InvalidTransition("会话已结束，请重新发起咨询", code="resolved")
        sender_kind = SenderKind.BUYER if side == BUYER else SenderKind.AGENT
        msg = _append(
            conv,
            sender_kind=sender_kind,
            sender=user,
            kind=kind,
            body=body,
            asset=asset,
            ref_id=ref_id,
            now=now,
        )
        if kind != MessageKind.NOTE:
            if side == BUYER:
                _buyer_spoke(conv, msg, now=now)
            else:
                _agent_spoke(conv, user, now=now)
    return msg


def _content(conv, *, user, side, kind, body, image, ref_id):
    if kind == MessageKind.IMAGE:
        if image is None:
            raise ValidationError("请选择图片", field="image", code="empty")
        return (
            "",
            image_upload(shop=conv.shop, file=image, by=user, source="buyer" if side == BUYER else "shop"),
            None,
        )
    if kind in (MessageKind.PRODUCT, MessageKind.ORDER):
        if ref_id is None:
            raise ValidationError("请选择商品或订单", field="ref_id")
        if kind == MessageKind.PRODUCT:
            product = product_get_public(product_id=ref_id)
            if product.shop_id != conv.shop_id:
                raise NotFound("商品不存在或已下架")
        else:
            order = buyer_order_get(buyer=conv.buyer, order_id=ref_id)
            if order.shop_id != conv.shop_id:
                raise NotFound("订单不存在")
        return "", None, int(ref_id)
    what = "备注" if kind == MessageKind.NOTE else "消息"
    return clean_text(body, what=what), None, None


def _buyer_spoke(conv: Conversation, msg: Message, *, now) -> None:
    updates = {}
    if conv.first_buyer_at is None:
        updates["first_buyer_at"] = now
    if conv.status != S.WAITING:
        conv.status, conv.waiting_since = S.WAITING, now
        updates.update(status=S.WAITING, waiting_since=now)
    if updates:
        Conversation.objects.filter(pk=conv.pk).update(**updates)
    settings = autoreply.settings_of(conv.shop)
    if conv.offhours_sent_for != conv.waiting_since and not autoreply.is_open(conv.shop, now):
        if settings.offhours_text.strip():
            conv.offhours_sent_for = conv.waiting_since
            Conversation.objects.filter(pk=conv.pk).update(offhours_sent_for=conv.waiting_since)
            _append(
                conv,
                sender_kind=SenderKind.AUTO,
                body=settings.offhours_text.strip(),
                auto_rule="offhours",
                now=now,
            )
    if msg.kind == MessageKind.TEXT and settings.faq_autoreply and conv.first_response_at is None:
        hit = autoreply.faq_answer(conv.shop, msg.body)
        if hit is not None:
            _append(
                conv,
                sender_kind=SenderKind.AUTO,
                body=hit.answer,
                auto_rule="faq",
                ref_id=hit.faq_id,
                now=now,
            )
    if conv.assignee_id is None:
        _assign(conv, now=now)


def _agent_spoke(conv: Conversation, user, *, now) -> None:
    updates = {"status": S.OPEN, "waiting_since": None, "agent_unread": 0, "agent_read_seq": conv.last_seq}
    if conv.first_response_at is None and conv.first_buyer_at is not None:
        updates["first_response_at"] = now
    if conv.assignee_id is None:
        updates["assignee"] = user
    Conversation.objects.filter(pk=conv.pk).update(**updates)
    if conv.status != S.OPEN:
        realtime.notify_after_commit(conv, kind="status")


# --- assignment ------------------------------------------------------------------------------------------------


def _agents_of(shop) -> set[int]:
    return {s.user_id for s in staff_list(shop=shop) if s.is_active and P.role_can(s.role, P.SERVICE_HANDLE)}


def _assign(conv: Conversation, *, now) -> int | None:
    """Round robin among the shop's online agents under their cap: the one assigned longest ago. The
    conversation's row lock is held by the caller; the presences are locked next (always in this order)."""
    agents = _agents_of(conv.shop)
    presences = [
        p
        for p in presences_lock(conv.shop_id)
        if p.online and p.user_id in agents and p.last_seen_at and p.last_seen_at >= now - PRESENCE_TTL
    ]
    if not presences:
        return None
    default_cap = autoreply.settings_of(conv.shop).agent_cap
    loads = dict(
        Conversation.objects.filter(shop_id=conv.shop_id, assignee_id__in=[p.user_id for p in presences])
        .exclude(status=S.RESOLVED)
        .values_list("assignee_id")
        .annotate(n=Count("id"))
    )
    free = [p for p in presences if loads.get(p.user_id, 0) < (p.cap or default_cap)]
    if not free:
        return None
    never = timezone.make_aware(datetime(2000, 1, 1))
    chosen = min(free, key=lambda p: (p.last_assigned_at or never, p.pk))
    AgentPresence.objects.filter(pk=chosen.pk).update(last_assigned_at=now)
    Conversation.objects.filter(pk=conv.pk).update(assignee_id=chosen.user_id)
    conv.assignee_id = chosen.user_id
    realtime.notify_after_commit(conv, kind="assigned")
    return chosen.user_id


def conversations_assign_waiting(*, now: datetime) -> int:
    """The job: give unassigned waiting conversations to agents who came online since (oldest first)."""
    done = 0
    ids = list(
        Conversation.objects.filter(status=S.WAITING, assignee__isnull=True)
        .order_by("waiting_since", "pk")
        .values_list("pk", flat=True)[:500]
    )
    for pk in ids:
        with transaction.atomic():
            conv = conversation_lock(pk)
            if conv.status == S.WAITING and conv.assignee_id is None and _assign(conv, now=now):
                done += 1
    return done


def conversation_claim(*, shop, user, conversation_id, now=None) -> Conversation:
    """An agent takes an unassigned conversation from the queue (接入)."""
    agent_require(user=user, shop=shop)
    with transaction.atomic():
        conv = conversation_lock(conversation_id, shop=shop)
        if conv.status == S.RESOLVED:
            raise InvalidTransition("会话已结束")
        if conv.assignee_id not in (None, user.pk):
            raise Conflict("该会话已由其他客服接待，可请对方转接", code="taken")
        Conversation.objects.filter(pk=conv.pk).update(assignee=user)
        realtime.notify_after_commit(conv, kind="assigned")
    return Conversation.objects.get(pk=conv.pk)


def conversation_transfer(*, shop, user, conversation_id, to_user_id, now=None) -> Conversation:
    """Hand a conversation to another agent of the shop, with a system line in the thread (staff only)."""
    now = now or timezone.now()
    agent_require(user=user, shop=shop)
    target = next((s for s in staff_list(shop=shop) if s.user_id == to_user_id and s.is_active), None)
    if target is None or not P.role_can(target.role, P.SERVICE_HANDLE):
        raise ValidationError("只能转接给本店有客服权限的员工", field="to_user_id")
    with transaction.atomic():
        conv = conversation_lock(conversation_id, shop=shop)
        if conv.status == S.RESOLVED:
            raise InvalidTransition("会话已结束，不能转接")
        if conv.assignee_id == to_user_id:
            raise ValidationError("会话已由该客服接待", field="to_user_id")
        Conversation.objects.filter(pk=conv.pk).update(assignee_id=to_user_id)
        name = str(target.user)
        _append(
            conv,
            sender_kind=SenderKind.SYSTEM,
            sender=user,
            kind=MessageKind.NOTE,
            body=f"已转接给 {name}",
            now=now,
        )
        realtime.notify_after_commit(conv, kind="assigned")
    return Conversation.objects.get(pk=conv.pk)


# --- read, resolve, rate ---------------------------------------------------------------------------------------


def conversation_read(*, user, conversation_id) -> Conversation:
    """Mark everything up to now read for the caller's side."""
    conv = Conversation.objects.filter(pk=conversation_id).first()
    if conv is None:
        raise NotFound("会话不存在")
    side = _side_of(conv, user)
    if side == BUYER:
        Conversation.objects.filter(pk=conv.pk).update(buyer_unread=0, buyer_read_seq=F("last_seq"))
    else:
        Conversation.objects.filter(pk=conv.pk).update(agent_unread=0, agent_read_seq=F("last_seq"))
    return Conversation.objects.get(pk=conv.pk)


def conversation_resolve(*, user, conversation_id, now=None) -> Conversation:
    """End a conversation (an agent, or the buyer); the buyer is then asked for one rating."""
    now = now or timezone.now()
    conv = Conversation.objects.filter(pk=conversation_id).first()
    if conv is None:
        raise NotFound("会话不存在")
    _side_of(conv, user)
    with transaction.atomic():
        conv = conversation_lock(conversation_id)
        if conv.status == S.RESOLVED:
            raise InvalidTransition("会话已结束", code="resolved")
        _append(conv, sender_kind=SenderKind.SYSTEM, body="会话已结束，欢迎对本次服务评价", now=now)
        Conversation.objects.filter(pk=conv.pk).update(
            status=S.RESOLVED, resolved_at=now, resolved_by=user, waiting_since=None
        )
        realtime.notify_after_commit(conv, kind="status")
    return Conversation.objects.get(pk=conv.pk)


def satisfaction_submit(*, buyer, conversation_id, stars, comment="", now=None) -> Satisfaction:
    """The buyer's one rating of a resolved conversation; a second one is refused (409)."""
    now = now or timezone.now()
    conv = Conversation.objects.filter(pk=conversation_id, buyer=buyer).first()
    if conv is None:
        raise NotFound("会话不存在")
    try:
        stars = int(stars)
    except (TypeError, ValueError):
        raise ValidationError("评分须为 1 到 5 的整数", field="stars") from None
    if not 1 <= stars <= 5:
        raise ValidationError("评分须为 1 到 5 的整数", field="stars")
    comment = clean_text(comment, field="comment", what="评价", limit=COMMENT_MAX, required=False)
    if conv.status != S.RESOLVED:
        raise InvalidTransition("会话结束后才能评价", code="not_resolved")
    try:
        with transaction.atomic():
            return Satisfaction.objects.create(
                conversation=conv,
                shop_id=conv.shop_id,
                agent_id=conv.assignee_id,
                stars=stars,
                comment=comment,
                created_at=now,
            )
    except IntegrityError:
        raise Conflict("本次会话已评价过，不能重复评价", code="already_rated") from None


# --- presence --------------------------------------------------------------------------------------------------


def presence_set(*, user, online: bool | None = None, cap: int | None = None, now=None) -> AgentPresence:
    """An agent goes online or offline (or just is seen: a heartbeat); `cap` sets their own limit."""
    now = now or timezone.now()
    staff = agent_require(user=user)
    if cap is not None and not 1 <= int(cap) <= 50:
        raise ValidationError("接待上限须在 1 到 50 之间", field="cap")
    presence, _created = AgentPresence.objects.get_or_create(user=user, defaults={"shop_id": staff.shop_id})
    updates = {"last_seen_at": now, "shop_id": staff.shop_id}
    if online is not None:
        updates["online"] = bool(online)
    if cap is not None:
        updates["cap"] = int(cap)
    AgentPresence.objects.filter(pk=presence.pk).update(**updates)
    presence.refresh_from_db()
    return presence


# --- the no-reply job -------------------------------------------------------------------------------------------


def noreply_due(*, now: datetime) -> int:
    """Post the shop's "no agent has answered yet" message once per waiting stretch that passed the shop's
    N minutes. Safe to repeat: `noreply_sent_for` remembers the stretch it was sent for."""
    sent = 0
    candidates = (
        Conversation.objects.filter(status=S.WAITING, waiting_since__isnull=False)
        .filter(Q(noreply_sent_for__isnull=True) | ~Q(noreply_sent_for=F("waiting_since")))
        .select_related("shop")
        .order_by("waiting_since", "pk")[:1000]
    )
    for conv in list(candidates):
        settings = autoreply.settings_of(conv.shop)
        minutes = settings.noreply_minutes
        if (
            minutes <= 0
            or not settings.noreply_text.strip()
            or conv.waiting_since > now - timedelta(minutes=minutes)
        ):
            continue
        with transaction.atomic():
            locked = conversation_lock(conv.pk)
            if (
                locked.status != S.WAITING
                or locked.waiting_since is None
                or locked.noreply_sent_for == locked.waiting_since
            ):
                continue
            Conversation.objects.filter(pk=locked.pk).update(noreply_sent_for=locked.waiting_since)
            _append(
                locked,
                sender_kind=SenderKind.AUTO,
                body=settings.noreply_text.strip(),
                auto_rule="noreply",
                now=now,
            )
            sent += 1
    return sent


# --- tickets ---------------------------------------------------------------------------------------------------


def conversation_ticket(*, shop, user, conversation_id, title, description="", priority="normal", now=None):
    """转工单: a helpdesk ticket for follow-up, linked to this conversation, with a note in the thread."""
    now = now or timezone.now()
    agent_require(user=user, shop=shop)
    conv = Conversation.objects.for_shop(shop).select_related("buyer").filter(pk=conversation_id).first()
    if conv is None:
        raise NotFound("会话不存在")
    title = clean_text(title, field="title", what="工单标题", limit=100)
    description = clean_text(description, field="description", what="描述", limit=2000, required=False)
    with transaction.atomic():
        ticket = autoreply.ticket_from_conversation(
            shop=shop, actor=user, conversation=conv, title=title, description=description, priority=priority
        )
        locked = conversation_lock(conv.pk)
        _append(
            locked,
            sender_kind=SenderKind.SYSTEM,
            sender=user,
            kind=MessageKind.NOTE,
            body=f"已转工单 {getattr(ticket, 'no', '') or ticket.pk}：{title}",
            now=now,
        )
    return ticket


def shop_of(conversation: Conversation):
    return shop_get(shop_id=conversation.shop_id)
