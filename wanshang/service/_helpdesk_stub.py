# TEMPORARY stand-in for wanshang.helpdesk until its branch is committed; deleted after the rebase.
from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceSettingsView:
    welcome_text: str = "您好，欢迎光临！请问有什么可以帮您？"
    offhours_text: str = "客服已下班，上班后会第一时间回复您。"
    noreply_minutes: int = 5
    noreply_text: str = "客服正在忙，请稍候，马上为您服务。"
    faq_autoreply: bool = True
    agent_cap: int = 10


OVERRIDE = {}


def service_settings(shop):
    return OVERRIDE.get("settings") or ServiceSettingsView()


def shop_is_open(shop, at):
    return OVERRIDE.get("open", True)


def faq_best_answer(shop, text):
    return OVERRIDE.get("faq")


def faq_suggest(shop, text, limit=3):
    return []


def phrases_for(shop, user):
    return []


def phrase_render(text, context):
    return text


def sla_breach_counts(shop, since, until):
    return {"total": 0, "by_agent": {}}


def ticket_create(**kw):
    raise NotImplementedError


@dataclass(frozen=True)
class FaqHit:
    faq_id: int
    question: str
    answer: str
    score: float
