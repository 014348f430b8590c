"""Domain events: how one app reacts to another's change without the publisher importing it.

An event is a frozen dataclass (the catalogue is `wanshang.common.domain_events`). The app that made the
change publishes it inside its own transaction::

    events.publish(OrdersPaid(payment_id=..., orders=(...)))

Subscribers list their handlers in `<app>/subscribers.py` and register them in their `AppConfig.ready`
(`events.register_app(self)`), each in one of two phases::

    SUBSCRIPTIONS = [
        (OrdersPaid, on_orders_paid, events.IN_TRANSACTION),
        (ShopChanged, on_shop_changed, events.AFTER_COMMIT),
    ]

- IN_TRANSACTION handlers run at once, inside the publisher's transaction, in registration order. They must
  succeed together with the change (stock, points, coupon give-back, settlement): an exception propagates
  and the whole change rolls back. A handler may refuse a change this way (a DomainError names the reason).
- AFTER_COMMIT handlers (analytics, search indexing, cache invalidation, notifications) run after the
  transaction commits. Each (event, handler) pair is first written to the outbox table in the same
  transaction, so a crash between the commit and the handler loses nothing. A handler that raises is logged,
  never breaks the request, and is retried by the `events.retry` job with a growing delay. Handlers must
  therefore be idempotent: they may run more than once for one event.

This is not Django signals: events are typed, subscriptions are explicit and listed in docs/architecture.md,
and the publisher never learns who listens.
"""

import dataclasses
import importlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from pydantic import TypeAdapter

log = logging.getLogger("wanshang.events")

IN_TRANSACTION = "in_transaction"
AFTER_COMMIT = "after_commit"
PHASES = (IN_TRANSACTION, AFTER_COMMIT)
MAX_ATTEMPTS = 20


@dataclasses.dataclass(frozen=True, kw_only=True)
class DomainEvent:
    """Base of every event. Subclasses are frozen dataclasses of plain values (ids, fen, text, tuples)."""

    at: datetime | None = None  # when it happened; publish() fills in now when left out

    @classmethod
    def event_name(cls) -> str:
        return cls.__name__


E = TypeVar("E", bound=DomainEvent)
Handler = Callable[[Any], None]


@dataclasses.dataclass(frozen=True)
class Subscription:
    event_type: type[DomainEvent]
    handler: Handler
    phase: str
    name: str


_subscriptions: dict[type[DomainEvent], list[Subscription]] = {}
_by_name: dict[str, Subscription] = {}
_event_types: dict[str, type[DomainEvent]] = {}


def handler_name(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def subscribe(event_type: type[E], handler: Callable[[E], None], *, phase: str) -> None:
    """Register `handler` for `event_type`. Call from AppConfig.ready; registering twice is a no-op."""
    if phase not in PHASES:
        raise ValueError(f"unknown phase {phase!r}: use events.IN_TRANSACTION or events.AFTER_COMMIT")
    if not (isinstance(event_type, type) and issubclass(event_type, DomainEvent)):
        raise TypeError(f"{event_type!r} is not a DomainEvent")
    name = handler_name(handler)
    subs = _subscriptions.setdefault(event_type, [])
    if any(s.name == name for s in subs):
        return
    sub = Subscription(event_type=event_type, handler=handler, phase=phase, name=name)
    subs.append(sub)
    _by_name[f"{event_type.event_name()}:{name}"] = sub
    _event_types[event_type.event_name()] = event_type


def register_app(app_config) -> None:
    """Subscribe the handlers an app lists in `SUBSCRIPTIONS` of its `subscribers` module (from AppConfig.ready)."""
    module = importlib.import_module(f"{app_config.name}.subscribers")
    for event_type, handler, phase in module.SUBSCRIPTIONS:
        subscribe(event_type, handler, phase=phase)


def subscriptions(event_type: type[DomainEvent] | None = None) -> list[Subscription]:
    """Who listens (for docs and tests): to one event type, or to every one."""
    if event_type is not None:
        return list(_subscriptions.get(event_type, []))
    return [s for subs in _subscriptions.values() for s in subs]


def publish(event: DomainEvent) -> None:
    """Run the in-transaction handlers now; queue the after-commit ones in the outbox (see the module doc).

    Call inside the transaction that made the change. Exceptions of in-transaction handlers propagate.
    """
    if event.at is None:
        object.__setattr__(event, "at", timezone.now())
    subs = _subscriptions.get(type(event), [])
    for sub in subs:
        if sub.phase == IN_TRANSACTION:
            sub.handler(event)
    later = [s for s in subs if s.phase == AFTER_COMMIT]
    if later:
        _enqueue(event, later)


# --- after commit: outbox, run, retry ------------------------------------------------------------------------


def _outbox():
    # Looked up by name: this module is imported by apps.py files, before the models are loaded.
    return apps.get_model("common", "OutboxEntry")


def _payload(event: DomainEvent) -> dict:
    return TypeAdapter(type(event)).dump_python(event, mode="json")


def _load(event_name: str, payload: dict) -> DomainEvent:
    return TypeAdapter(_event_types[event_name]).validate_python(payload)


def _enqueue(event: DomainEvent, subs: list[Subscription]) -> None:
    OutboxEntry = _outbox()
    payload = _payload(event)
    rows = OutboxEntry.objects.bulk_create(
        [
            OutboxEntry(event=event.event_name(), handler=s.name, payload=payload, next_attempt_at=event.at)
            for s in subs
        ]
    )
    ids = [row.pk for row in rows]
    if None in ids:  # a backend that does not return ids from bulk inserts: the retry job runs them
        return
    transaction.on_commit(lambda: run_entries(ids), robust=True)


def run_entries(ids: list[int], *, now=None) -> int:
    """Run the outbox entries `ids` (each once, under a row lock). Returns how many succeeded."""
    OutboxEntry = _outbox()
    done = 0
    for entry_id in ids:
        with transaction.atomic():
            entry = OutboxEntry.objects.select_for_update(skip_locked=True).filter(pk=entry_id).first()
            if entry is None:
                continue  # done already, or another worker holds it
            sub = _by_name.get(f"{entry.event}:{entry.handler}")
            try:
                if sub is None:
                    raise LookupError(f"no handler {entry.handler} for {entry.event} is registered")
                with transaction.atomic():  # a failing handler's writes are undone; the entry stays
                    sub.handler(_load(entry.event, entry.payload))
            except Exception as exc:  # logged, kept and retried; must not break the caller
                log.exception("event handler %s failed for %s #%s", entry.handler, entry.event, entry.pk)
                entry.attempts += 1
                entry.last_error = repr(exc)[:1000]
                delay = min(2**entry.attempts * 5, 3600)
                entry.next_attempt_at = (now or timezone.now()) + timedelta(seconds=delay)
                entry.save(update_fields=["attempts", "last_error", "next_attempt_at"])
                continue
            entry.delete()
            done += 1
    return done


def retry_due(*, now=None, limit: int = 500) -> int:
    """The `events.retry` job: run entries whose time has come (failed ones, and any whose process died
    between the commit and the handler). Entries that failed MAX_ATTEMPTS times stay for an operator."""
    OutboxEntry = _outbox()
    now = now or timezone.now()
    # Give the request that wrote an entry a moment to run it itself before a worker takes it.
    ids = list(
        OutboxEntry.objects.filter(next_attempt_at__lte=now - timedelta(seconds=5), attempts__lt=MAX_ATTEMPTS)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return run_entries(ids, now=now)
