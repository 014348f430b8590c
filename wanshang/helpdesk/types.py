"""The shapes helpdesk hands to other apps (the chat app `service`) and the faces."""

from dataclasses import dataclass
from datetime import datetime

from wanshang.helpdesk.models import SlaMetric, TicketPriority, TicketSource, TicketStatus

__all__ = [
    "FaqHit",
    "PhraseView",
    "ServiceSettingsView",
    "SlaClock",
    "SlaMetric",
    "TicketPriority",
    "TicketSource",
    "TicketStatus",
]


@dataclass(frozen=True)
class ServiceSettingsView:
    welcome_text: str
    offhours_text: str
    noreply_minutes: int  # 0 = off
    noreply_text: str
    faq_autoreply: bool
    agent_cap: int
    faq_threshold: int = 60  # percent: faq_best_answer answers at or above it


@dataclass(frozen=True)
class FaqHit:
    faq_id: int
    question: str
    answer: str
    score: float  # 0..1, docs/helpdesk.md


@dataclass(frozen=True)
class PhraseView:
    id: int
    category: str
    code: str
    text: str
    personal: bool = False


@dataclass(frozen=True)
class SlaClock:
    """One SLA target of a ticket now: state active / met / missed; `remaining` in business minutes (negative
    once overdue); `paused` while the shop is closed (the countdown does not move then)."""

    metric: str
    label: str
    due_at: datetime | None
    done_at: datetime | None
    state: str
    remaining: int | None
    paused: bool

    @property
    def hm(self) -> tuple[int, int]:
        """abs(remaining) as (hours, minutes), for the countdown text."""
        return divmod(abs(self.remaining or 0), 60)
