"""Customer-service reads: a buyer's conversations, the workbench queue, messages after a cursor (notes never
reach the buyer), the buyer's orders and cases beside the thread, who may open which socket."""

from datetime import timedelta

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from wanshang.aftersales.selectors import buyer_case_list
from wanshang.catalog.selectors import public_products_in_order
from wanshang.common.errors import NotFound
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_for_user, staff_list
from wanshang.orders.selectors import buyer_order_list, orders_by_ids
from wanshang.service import autoreply
from wanshang.service.figures import (
    QUICK_SECONDS,
    service_figures,  # noqa: F401 - re-exported: the 客服数据 page's figures
)
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
from wanshang.service.realtime import conversation_group, shop_group  # noqa: F401 - the sockets' groups

S = ConversationStatus
PAGE_MAX = 200
QUEUE_TABS = {
    "waiting": _("待接入"),
    "mine": _("我的会话"),
    "all": _("全部进行中"),
    "resolved": _("已结束"),
}
ORIGIN_LABELS = dict(Origin.choices)  # where a conversation was started: 店铺 / 商品 / 订单 / 售后


def _conversations():
    return Conversation.objects.select_related("shop", "buyer", "assignee")


def buyer_conversation_list(*, buyer):
    return _conversations().filter(buyer=buyer)


def buyer_conversation_get(*, buyer, conversation_id) -> Conversation:
    """The buyer's own conversation; anyone else's id is NotFound."""
    conv = _conversations().filter(buyer=buyer, pk=conversation_id).first()
    if conv is None:
        raise NotFound("会话不存在")
    return conv


def buyer_unread_total(*, buyer) -> int:
    return Conversation.objects.filter(buyer=buyer).aggregate(n=Sum("buyer_unread"))["n"] or 0


def seller_conversation_get(*, shop, conversation_id) -> Conversation:
    """The shop's conversation; another shop's id is NotFound."""
    conv = Conversation.objects.for_shop(shop).select_related("shop", "buyer", "assignee")
    conv = conv.filter(pk=conversation_id).first()
    if conv is None:
        raise NotFound("会话不存在")
    return conv


def seller_queue(*, shop, user, tab: str = "waiting", q: str = ""):
    """The workbench list: waiting (unassigned or mine, buyer spoke last), mine (unresolved, assigned to me),
    all (unresolved), resolved."""
    qs = Conversation.objects.for_shop(shop).select_related("shop", "buyer", "assignee")
    if tab == "waiting":
        qs = qs.filter(status=S.WAITING).filter(Q(assignee__isnull=True) | Q(assignee=user))
    elif tab == "mine":
        qs = qs.filter(assignee=user).exclude(status=S.RESOLVED)
    elif tab == "resolved":
        qs = qs.filter(status=S.RESOLVED)
    else:
        qs = qs.exclude(status=S.RESOLVED)
    if q:
        qs = qs.filter(Q(buyer__nickname__icontains=q) | Q(buyer__username__icontains=q))
    order = ("waiting_since", "pk") if tab == "waiting" else ("-last_message_at", "-pk")
    return qs.order_by(*order)


def seller_queue_counts(*, shop, user) -> dict[str, int]:
    base = Conversation.objects.for_shop(shop)
    return {
        "waiting": base.filter(status=S.WAITING).filter(Q(assignee__isnull=True) | Q(assignee=user)).count(),
        "mine": base.filter(assignee=user).exclude(status=S.RESOLVED).count(),
        "all": base.exclude(status=S.RESOLVED).count(),
        "unread": base.filter(assignee=user).aggregate(n=Sum("agent_unread"))["n"] or 0,
    }


def messages_after(*, conversation, after: int = 0, for_buyer: bool, limit: int = 100) -> list[Message]:
    """The messages with seq > `after`, oldest first, at most `limit` (the client asks again from the last
    one). The buyer never gets internal notes."""
    limit = max(1, min(int(limit), PAGE_MAX))
    qs = Message.objects.filter(conversation=conversation, seq__gt=max(0, int(after))).select_related(
        "asset", "sender"
    )
    if for_buyer:
        qs = qs.exclude(kind=MessageKind.NOTE)
    return decorate(list(qs.order_by("seq")[:limit]), for_buyer=for_buyer)


def decorate(messages: list[Message], *, for_buyer: bool = True) -> list[Message]:
    """Each message with `card` (product or order facts for a card) and `image_url`, from two batch look-ups."""
    product_ids = [m.ref_id for m in messages if m.kind == MessageKind.PRODUCT and m.ref_id]
    order_ids = [m.ref_id for m in messages if m.kind == MessageKind.ORDER and m.ref_id]
    products = {p.pk: p for p in public_products_in_order(product_ids=list(dict.fromkeys(product_ids)))}
    orders = {o.pk: o for o in orders_by_ids(ids=set(order_ids))} if order_ids else {}
    for m in messages:
        m.card = None
        m.image_url = m.asset.url if m.asset_id else ""
        if m.kind == MessageKind.PRODUCT and m.ref_id in products:
            p = products[m.ref_id]
            m.card = {
                "title": p.title,
                "price_fen": p.min_price_fen,
                "image": p.main_image,
                "url": f"/products/{p.pk}/",
                "no": "",
            }
        elif m.kind == MessageKind.ORDER and m.ref_id in orders:
            o = orders[m.ref_id]
            m.card = {
                "title": f"订单 {o.no}",
                "price_fen": o.total_fen,
                "image": "",
                "url": f"/orders/{o.pk}/",
                "no": o.no,
                "status": o.get_status_display(),
            }
        m.sender_name = _sender_name(m, for_buyer=for_buyer)
    return messages


def _sender_name(m: Message, *, for_buyer: bool) -> str:
    """Who wrote it. A buyer sees an agent's nickname or 客服, never the login (a phone number)."""
    if m.sender_kind == SenderKind.AUTO:
        return str(_("自动回复"))
    if m.sender_kind == SenderKind.SYSTEM:
        return str(_("系统"))
    if m.sender_kind == SenderKind.AGENT and for_buyer:
        return (m.sender.nickname if m.sender_id else "") or str(_("客服"))
    return str(m.sender) if m.sender_id else ""


def socket_side(*, user, conversation_id) -> str | None:
    """ "buyer" or "agent" when `user` may follow the conversation's socket, else None."""
    if not getattr(user, "is_authenticated", False):
        return None
    conv = Conversation.objects.filter(pk=conversation_id).values("buyer_id", "shop_id").first()
    if conv is None:
        return None
    if conv["buyer_id"] == user.pk:
        return "buyer"
    staff = staff_for_user(user=user)
    if staff is not None and staff.shop_id == conv["shop_id"] and P.role_can(staff.role, P.SERVICE_HANDLE):
        return "agent"
    return None


def desk_shop_id(*, user) -> int | None:
    """The shop whose queue `user` may follow on the workbench socket (客服 staff and owners), else None."""
    staff = staff_for_user(user=user)
    if staff is None or not P.role_can(staff.role, P.SERVICE_HANDLE):
        return None
    return staff.shop_id


def buyer_context(*, conversation, limit: int = 5) -> dict:
    """Beside the thread: the buyer's recent orders and after-sales cases with this shop."""
    orders = list(
        buyer_order_list(buyer=conversation.buyer)
        .filter(shop_id=conversation.shop_id)
        .order_by("-created_at")[:limit]
    )
    cases = list(
        buyer_case_list(buyer=conversation.buyer)
        .filter(shop_id=conversation.shop_id)
        .order_by("-created_at")[:limit]
    )
    return {"orders": orders, "cases": cases}


def agents(*, shop) -> list[dict]:
    """The shop's staff who may chat, with presence and current load (transfer list, presence panel)."""
    members = [s for s in staff_list(shop=shop) if s.is_active and P.role_can(s.role, P.SERVICE_HANDLE)]
    presences = {p.user_id: p for p in AgentPresence.objects.for_shop(shop)}
    loads = {}
    for row in (
        Conversation.objects.for_shop(shop)
        .exclude(status=S.RESOLVED)
        .exclude(assignee__isnull=True)
        .values_list("assignee_id", flat=True)
    ):
        loads[row] = loads.get(row, 0) + 1
    out = []
    for s in members:
        p = presences.get(s.user_id)
        out.append(
            {
                "user_id": s.user_id,
                "name": str(s.user),
                "role": s.get_role_display(),
                "online": bool(p and p.online),
                "cap": p.cap if p else None,
                "load": loads.get(s.user_id, 0),
            }
        )
    return out


def presence_of(*, user) -> AgentPresence | None:
    return AgentPresence.objects.filter(user=user).first()


def satisfaction_of(*, conversation) -> Satisfaction | None:
    return Satisfaction.objects.filter(conversation=conversation).first()


def faq_suggestions_for(*, conversation, text: str = "") -> list:
    """FAQ answers for the agent: for `text` (what the buyer is typing, or the agent's own search), else for
    the buyer's latest text message."""
    text = (text or "").strip()
    if not text:
        last = (
            Message.objects.filter(
                conversation=conversation, sender_kind=SenderKind.BUYER, kind=MessageKind.TEXT
            )
            .order_by("-seq")
            .values_list("body", flat=True)
            .first()
        )
        text = last or ""
    return autoreply.faq_suggestions(conversation.shop, text[:200])


def phrase_context(*, conversation) -> dict:
    """The values of a quick phrase's variables in this conversation: {买家} {订单号} {商品} {物流单号}."""
    order = orders_by_ids(ids=[conversation.order_id])[0] if conversation.order_id else None
    if order is None:
        order = (
            buyer_order_list(buyer=conversation.buyer)
            .filter(shop_id=conversation.shop_id)
            .order_by("-created_at")
            .first()
        )
    product = (
        public_products_in_order(product_ids=[conversation.product_id]) if conversation.product_id else []
    )
    return {
        "买家": str(conversation.buyer),
        "订单号": order.no if order else "",
        "物流单号": (order.tracking_no or "") if order else "",
        "商品": product[0].title if product else "",
    }


def phrases_rendered(*, conversation, user) -> list[dict]:
    """The shop's and the agent's quick phrases with the variables filled for this conversation."""
    context = phrase_context(conversation=conversation)
    return [
        {"id": p.id, "category": p.category, "code": p.code, "text": autoreply.render_phrase(p.text, context)}
        for p in autoreply.phrases(conversation.shop, user)
    ]


def shops_first_responses(*, shop_ids, since, until) -> dict[int, tuple[int, int]]:
    """体检中心: shop → (conversations whose buyer first wrote in [since, until), of those answered within
    3 minutes — the 客服数据 page's quick_rate, docs/service.md)."""
    rows = (
        Conversation.objects.filter(
            shop_id__in=list(shop_ids), first_buyer_at__gte=since, first_buyer_at__lt=until
        )
        .values_list("shop_id")
        .annotate(
            n=Count("id"),
            quick=Count(
                "id",
                filter=Q(
                    first_response_at__isnull=False,
                    first_response_at__lte=F("first_buyer_at") + timedelta(seconds=QUICK_SECONDS),
                ),
            ),
        )
        .order_by()
    )
    return {shop_id: (n, quick) for shop_id, n, quick in rows}
