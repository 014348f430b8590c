"""Reads of the 消息中心: a shop's messages (its own and the platform's broadcasts, with its read state), one
message, and the unread count the bell shows (one indexed count query)."""

from django.db.models import BigIntegerField, Count, DateTimeField, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from wanshang.common.errors import NotFound, ValidationError
from wanshang.inbox.models import BroadcastRead, Kind, Message
from wanshang.inbox.topics import render

KIND_LABELS = dict(Kind.choices)


def broadcasts_for(shop) -> QuerySet:
    """The broadcasts a shop sees: those published since it opened (older rule versions are in the rules
    center, not news)."""
    return Message.objects.filter(shop__isnull=True, created_at__gte=shop.created_at)


def _visible(shop) -> Q:
    if shop is None or getattr(shop, "pk", None) is None:
        raise NotFound("店铺不存在")
    return Q(shop_id=shop.pk) | Q(shop__isnull=True, created_at__gte=shop.created_at)


def _with_read_state(qs: QuerySet, shop) -> QuerySet:
    mark = BroadcastRead.objects.filter(message=OuterRef("pk"), shop_id=shop.pk)
    return qs.annotate(
        seen_at=Coalesce("read_at", Subquery(mark.values("read_at")[:1]), output_field=DateTimeField()),
        seen_by_id=Coalesce(
            "read_by_id", Subquery(mark.values("read_by_id")[:1]), output_field=BigIntegerField()
        ),
    )


def _unread(shop) -> Q:
    mark = BroadcastRead.objects.filter(message=OuterRef("pk"), shop_id=shop.pk)
    return Q(shop_id=shop.pk, read_at__isnull=True) | (
        Q(shop__isnull=True, created_at__gte=shop.created_at) & ~Exists(mark)
    )


def parse_unread(value) -> bool | None:
    """The `unread` filter of the page: "1" unread only, "0" read only, "" all. ValidationError otherwise."""
    if value in (None, ""):
        return None
    if value in ("1", "true", True):
        return True
    if value in ("0", "false", False):
        return False
    raise ValidationError("未读筛选只能是 1 或 0", field="unread")


def message_list(*, shop, kind: str = "", unread: bool | None = None) -> QuerySet:
    """The shop's messages, newest first, each with `seen_at` / `seen_by_id` (None: unread). `kind` one of
    Kind (ValidationError otherwise), `unread` True (unread only) / False (read only) / None."""
    if kind and kind not in Kind.values:
        raise ValidationError("未知的消息分类", field="kind")
    qs = Message.objects.filter(_visible(shop))
    if kind:
        qs = qs.filter(kind=kind)
    if unread is True:
        qs = qs.filter(_unread(shop))
    elif unread is False:
        qs = qs.exclude(_unread(shop))
    return _with_read_state(qs, shop).order_by("-created_at", "-id")


def message_get(*, shop, message_id) -> Message:
    """One message the shop can see, with its read state. NotFound for another shop's or a bad id."""
    try:
        pk = int(message_id)
    except (TypeError, ValueError):
        raise NotFound("消息不存在") from None
    if not 0 < pk < 2**63:
        raise NotFound("消息不存在")
    found = _with_read_state(Message.objects.filter(_visible(shop), pk=pk), shop).first()
    if found is None:
        raise NotFound("消息不存在")
    return found


def unread_count(*, shop) -> int:
    """The bell: the shop's unread messages and unread broadcasts, in one count query (the partial index on
    unread rows, and the broadcasts' own index with the read marks' unique index for the NOT EXISTS)."""
    return Message.objects.filter(_unread(shop)).count()


def unread_counts_by_kind(*, shop) -> dict[str, int]:
    rows = Message.objects.filter(_unread(shop)).values("kind").annotate(n=Count("id")).order_by()
    return {row["kind"]: row["n"] for row in rows}


def shown(message: Message) -> Message:
    """The message with `shown_title` / `shown_body` in the active language (the stored texts when its topic
    is no longer known) and `is_read`."""
    title, body = render(message.topic, message.params or {})
    message.shown_title = title or message.title
    message.shown_body = body or message.body
    message.kind_label = str(KIND_LABELS.get(message.kind, message.kind))
    message.is_read = getattr(message, "seen_at", None) is not None
    return message


def shown_all(messages) -> list[Message]:
    return [shown(m) for m in messages]
