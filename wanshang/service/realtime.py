"""Telling connected clients that something changed. The socket carries only "conversation X has seq N";
clients fetch the messages after their last seen seq over HTTP, so a message lost here (Channels' Redis layer
drops when a channel is full, docs/service.md) is fetched on the next notification, reconnect or poll.

Groups: `svc.c.<conversation id>` (the buyer's page and an agent's open thread) and `svc.s.<shop id>` (the
workbench's queue of that shop).
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from wanshang.service.models import Conversation

log = logging.getLogger("wanshang.service")


def conversation_group(conversation_id) -> str:
    return f"svc.c.{int(conversation_id)}"


def shop_group(shop_id) -> str:
    return f"svc.s.{int(shop_id)}"


def _send(conversation_id: int, shop_id: int, seq: int, status: str, kind: str) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    event = {
        "type": "service.changed",
        "conversation": conversation_id,
        "seq": seq,
        "status": status,
        "kind": kind,
    }
    try:
        async_to_sync(layer.group_send)(conversation_group(conversation_id), event)
        async_to_sync(layer.group_send)(shop_group(shop_id), event)
    except Exception:  # a notification is a hint: the message is stored, clients re-sync by cursor or poll
        log.warning("service: notifying conversation %s failed", conversation_id, exc_info=True)


def notify_after_commit(conv, *, kind: str) -> None:
    """After the surrounding transaction commits, tell both groups the conversation's latest seq."""
    conversation_id, shop_id = conv.pk, conv.shop_id

    def send():  # reads the committed state, not the caller's copy
        row = Conversation.objects.filter(pk=conversation_id).values("last_seq", "status").first()
        if row is not None:
            _send(conversation_id, shop_id, row["last_seq"], row["status"], kind)

    transaction.on_commit(send)
