"""Every row lock of the chat, in one place. Order: a conversation first, then the shop's agent presences."""

from wanshang.common.errors import NotFound
from wanshang.service.models import AgentPresence, Conversation


def conversation_lock(conversation_id, *, shop=None) -> Conversation:
    """The conversation row, locked until the transaction ends (messages are numbered under it)."""
    qs = Conversation.objects.for_shop(shop) if shop is not None else Conversation.objects.all()
    conv = qs.select_for_update(of=("self",)).select_related("shop").filter(pk=conversation_id).first()
    if conv is None:
        raise NotFound("会话不存在")
    return conv


def presences_lock(shop_id) -> list[AgentPresence]:
    """The shop's agent presences, locked in primary-key order (round-robin reads and moves them)."""
    return list(AgentPresence.objects.filter(shop_id=shop_id).order_by("pk").select_for_update())
