"""The one place the chat reads helpdesk (客服设置, business hours, FAQ matching, quick phrases, tickets, SLA).

helpdesk sits below service in the layers; keeping every call here means the chat's rules read in one file
and a change of helpdesk's surface touches one module.
"""

from datetime import datetime

from wanshang.helpdesk import selectors as helpdesk
from wanshang.helpdesk import services as helpdesk_services
from wanshang.helpdesk.types import FaqHit, ServiceSettingsView

__all__ = ["FaqHit", "ServiceSettingsView"]


def settings_of(shop):
    """welcome_text, offhours_text, noreply_minutes (0 = off), noreply_text, faq_autoreply, agent_cap."""
    return helpdesk.service_settings(shop)


def is_open(shop, at: datetime) -> bool:
    return helpdesk.shop_is_open(shop, at)


def faq_answer(shop, text: str):
    """A FaqHit confident enough to answer the buyer directly, or None."""
    if not text.strip():
        return None
    return helpdesk.faq_best_answer(shop, text)


def faq_suggestions(shop, text: str, limit: int = 3) -> list:
    if not text.strip():
        return []
    return helpdesk.faq_suggest(shop, text, limit=limit)


def phrases(shop, user) -> list:
    return helpdesk.phrases_for(shop, user)


def render_phrase(text: str, context: dict) -> str:
    return helpdesk.phrase_render(text, context)


def ticket_from_conversation(*, shop, actor, conversation, title: str, description: str, priority: str):
    return helpdesk_services.ticket_create(
        shop=shop,
        actor=actor,
        title=title,
        description=description,
        priority=priority,
        source_kind="conversation",
        source_id=conversation.pk,
        buyer=conversation.buyer,
    )


def sla_breaches(shop, since: datetime, until: datetime) -> dict:
    return helpdesk.sla_breach_counts(shop, since, until)
