"""Writes of the 消息中心: post a message (once per dedupe key), mark one read, mark all read.

Reads that a shop may do go through `Message.objects.for_shop` plus the broadcasts (selectors.py); a message id
of another shop is NotFound here as there, never a different answer.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation

from wanshang.common.errors import ValidationError
from wanshang.inbox import selectors
from wanshang.inbox.models import BroadcastRead, Kind, Message
from wanshang.inbox.topics import render, topic


def message_post(
    *,
    shop_id: int | None,
    topic_code: str,
    params: dict,
    dedupe_key: str,
    target_id: str | int = "",
    now=None,
) -> Message | None:
    """Write the message of `topic_code` to shop `shop_id` (None: a broadcast to every shop, stored once).
    Idempotent: a second call with the same `dedupe_key` writes nothing and returns None (so does a concurrent
    one: the unique key keeps one). Raises ValidationError for an unknown topic or a bad key."""
    found = topic(topic_code)
    if found is None:
        raise ValidationError("未知的消息类型", field="topic")
    if not dedupe_key or len(dedupe_key) > 120:
        raise ValidationError("消息去重键无效", field="dedupe_key")
    if Message.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    with translation.override(settings.LANGUAGE_CODE):  # the stored texts: the default language
        title, body = render(topic_code, params)
    try:
        with transaction.atomic():
            return Message.objects.create(
                shop_id=shop_id,
                kind=found.kind,
                topic=topic_code,
                params=params,
                title=title[:200],
                body=body[:1000],
                target_kind=found.target_kind,
                target_id=str(target_id)[:64],
                severity=found.severity,
                created_at=now or timezone.now(),
                dedupe_key=dedupe_key,
            )
    except IntegrityError:  # the same event delivered twice at once: the first one wrote it
        return None


def message_mark_read(*, shop, user, message_id, now=None) -> Message:
    """Mark one of the shop's messages (or a broadcast) read by `user`; marking it again changes nothing.
    Raises NotFound for a message the shop cannot see (another shop's, a bad id)."""
    message = selectors.message_get(shop=shop, message_id=message_id)
    now = now or timezone.now()
    if message.is_broadcast:
        BroadcastRead.objects.get_or_create(
            message=message, shop=shop, defaults={"read_at": now, "read_by": user}
        )
    else:
        Message.objects.for_shop(shop).filter(pk=message.pk, read_at__isnull=True).update(
            read_at=now, read_by=user
        )
    return selectors.message_get(shop=shop, message_id=message.pk)


def broadcast_mark_read(*, shop_id: int, dedupe_key: str, user_id=None, now=None) -> bool:
    """Mark the broadcast posted under `dedupe_key` read for the shop (the shop acted on it elsewhere, e.g.
    acknowledged the rule it announces). Idempotent; False when there is no such broadcast."""
    message = Message.objects.filter(shop__isnull=True, dedupe_key=dedupe_key).first()
    if message is None:
        return False
    BroadcastRead.objects.get_or_create(
        message=message, shop_id=shop_id, defaults={"read_at": now or timezone.now(), "read_by_id": user_id}
    )
    return True


def messages_mark_all_read(*, shop, user, kind: str = "", now=None) -> int:
    """Mark every unread message of the shop read (only those of `kind` when given): its own in one update,
    the broadcasts it had not read by one read mark each. Returns how many were marked. ValidationError for
    an unknown kind."""
    if kind and kind not in Kind.values:
        raise ValidationError("未知的消息分类", field="kind")
    now = now or timezone.now()
    own = Message.objects.for_shop(shop).filter(read_at__isnull=True)
    broadcasts = selectors.broadcasts_for(shop).exclude(
        Exists(BroadcastRead.objects.filter(message=OuterRef("pk"), shop=shop))
    )
    if kind:
        own, broadcasts = own.filter(kind=kind), broadcasts.filter(kind=kind)
    with transaction.atomic():
        marked = own.update(read_at=now, read_by=user)
        rows = [
            BroadcastRead(message_id=pk, shop=shop, read_at=now, read_by=user)
            for pk in broadcasts.values_list("pk", flat=True)
        ]
        BroadcastRead.objects.bulk_create(rows, ignore_conflicts=True)
    return marked + len(rows)
