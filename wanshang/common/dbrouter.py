"""Read replicas: which reads may go to a PostgreSQL streaming replica, and when they must not.

Installed only when DATABASE_REPLICA_URLS names replicas (settings.py); otherwise nothing here runs.

- A read goes to a replica only inside an explicit replica-ok scope: a GET or HEAD request whose path matches
  DATABASE_REPLICA_READ_PATHS (the catalog, search and list pages and their API, the 数据中心 pages and API),
  or code run under `replica_reads()`. Everything else — writes, POST requests, the buyer's cart and orders,
  scheduled jobs — reads and writes the primary.
- Inside a scope a read still goes to the primary when the primary is in a transaction, when this request has
  written anything, when the model's app is primary-only (sessions, accounts: a login must see its own row),
  or when the client wrote within DATABASE_STICKY_SECONDS (read-your-writes: a cookie set on every response to
  a write). Rows of DATABASE_LOG_MODELS (the search log and the ad impressions a GET /search/ writes) are
  records nobody reads back on those pages: writing one makes nobody sticky.
- A replica is used only while its replay lag is at most DATABASE_REPLICA_MAX_LAG seconds. The lag is checked
  with one query per replica and process, cached for DATABASE_REPLICA_CHECK_SECONDS; a replica that cannot be
  reached is marked down for DATABASE_REPLICA_RETRY_SECONDS. A read that fails on a replica is executed again
  on the primary (wanshang/common/pgreplica/base.py).
- Writes always go to "default", so an instance read from a replica and saved is saved on the primary.
  Migrations run only on "default".
"""

import contextlib
import contextvars
import logging
import random
import re
import threading
import time
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import OperationalError

log = logging.getLogger(__name__)

STICKY_COOKIE = "ws_primary"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Read on the primary even inside a replica-ok scope: the session is written on many GETs and read on the
# next request; a user's row decides who is logged in (a password change must take effect at once).
PRIMARY_ONLY_APPS = frozenset({"sessions", "accounts", "auth", "contenttypes"})


@dataclass
class _Scope:
    replica_ok: bool
    alias: str | None = None  # the replica chosen for this scope, chosen at its first read
    chosen: bool = False
    wrote: bool = False
    used_replica: bool = False


_scope: contextvars.ContextVar[_Scope | None] = contextvars.ContextVar("wanshang_db_scope", default=None)


@dataclass
class _Health:
    checked_at: float = float("-inf")
    usable: bool = False
    lag: float | None = None
    down_until: float = float("-inf")


_health: dict[str, _Health] = {}
_health_lock = threading.Lock()


def replica_aliases() -> list[str]:
    return getattr(settings, "DATABASE_REPLICAS", [])


def mark_down(alias: str) -> None:
    """A replica that failed: no reads go to it until DATABASE_REPLICA_RETRY_SECONDS have passed."""
    retry = settings.DATABASE_REPLICA_RETRY_SECONDS
    with _health_lock:
        state = _health.setdefault(alias, _Health())
        state.usable, state.down_until = False, time.monotonic() + retry
    log.warning("read replica %s is down: reads go to the primary for %s s", alias, retry)


def reset_health() -> None:
    """Forget every replica's state (tests; an operator's shell after a fail-over)."""
    with _health_lock:
        _health.clear()


def replica_status(alias: str) -> dict:
    """What this process knows of a replica: usable, lag in seconds, down for how long still."""
    state = _health.get(alias, _Health())
    now = time.monotonic()
    return {"usable": state.usable, "lag": state.lag, "down_for": max(0.0, state.down_until - now)}


def _usable(alias: str) -> bool:
    now = time.monotonic()
    state = _health.get(alias)
    if state is not None:
        if now < state.down_until:
            return False
        if now - state.checked_at < settings.DATABASE_REPLICA_CHECK_SECONDS:
            return state.usable
    conn = connections[alias]
    try:
        lag = conn.replication_lag()
    except OperationalError:
        mark_down(alias)
        with contextlib.suppress(Exception):
            conn.close()
        return False
    usable = lag <= settings.DATABASE_REPLICA_MAX_LAG
    if not usable:
        log.info("read replica %s lags %.1f s behind: reads go to the primary", alias, lag)
    with _health_lock:
        _health[alias] = _Health(checked_at=now, usable=usable, lag=lag)
    return usable


def _choose() -> str | None:
    aliases = replica_aliases()
    if len(aliases) > 1:
        aliases = random.sample(aliases, len(aliases))  # spread the load; each scope keeps its one choice
    for alias in aliases:
        if _usable(alias):
            return alias
    return None


class ReplicaRouter:
    """DATABASE_ROUTERS entry: reads to a healthy replica inside a replica-ok scope, all else to default."""

    def db_for_read(self, model, **hints):
        scope = _scope.get()
        if scope is None or not scope.replica_ok or scope.wrote:
            return DEFAULT_DB_ALIAS
        if model._meta.app_label in PRIMARY_ONLY_APPS or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        if not scope.chosen:
            scope.alias, scope.chosen = _choose(), True
        elif scope.alias is not None and time.monotonic() < _health.get(scope.alias, _Health()).down_until:
            scope.alias = None  # it failed during this scope
        if scope.alias is None:
            return DEFAULT_DB_ALIAS
        scope.used_replica = True
        return scope.alias

    def db_for_write(self, model, **hints):
        scope = _scope.get()
        if (
            scope is not None
            and model._meta.app_label not in PRIMARY_ONLY_APPS
            and model._meta.label_lower not in settings.DATABASE_LOG_MODELS
        ):
            scope.wrote = True  # this request's later reads, and this client's next ones, see the write
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data: the primary and its copies

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


@contextlib.contextmanager
def replica_reads():
    """Code that only reads and may see data a few seconds old (a report, an export) may read a replica."""
    token = _scope.set(_Scope(replica_ok=True))
    try:
        yield
    finally:
        _scope.reset(token)


@contextlib.contextmanager
def primary_reads():
    """Reads that fill a long-lived cache which a write invalidates by deleting it (the category tree): a
    replica a moment behind would put the old rows back into it for the cache's whole life."""
    token = _scope.set(_Scope(replica_ok=False))
    try:
        yield
    finally:
        _scope.reset(token)


def replica_safe_ttl(ttl: float, *, changed_at=None) -> float:
    """The life of a cache entry filled by this request. An entry keyed by a version that a write has just
    bumped may, when filled from a replica, hold the rows from before the write: then it lives no longer than
    a replica may lag. `changed_at` (a callable giving the version's time.time(), asked only then) keeps the
    full life for versions older than that."""
    if not used_replica():
        return ttl
    bound = staleness_bound()
    if changed_at is not None and time.time() - changed_at() > bound:
        return ttl
    return min(ttl, bound)


def used_replica() -> bool:
    """Whether the current scope has read from a replica (a cache filled from it may hold older data)."""
    scope = _scope.get()
    return bool(scope and scope.used_replica)


def staleness_bound() -> float:
    """How far behind the primary a replica read may be, at most, in seconds."""
    return settings.DATABASE_REPLICA_MAX_LAG + settings.DATABASE_REPLICA_CHECK_SECONDS


@cache
def _read_paths(patterns: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


class ReplicaReadMiddleware:
    """Opens a scope around each request: replica-ok for a GET/HEAD to a listed path from a client that has
    not written lately; after a write (any POST/PUT/PATCH/DELETE, or any model write during the request) the
    response sets the client's sticky cookie so its reads stay on the primary for DATABASE_STICKY_SECONDS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = time.time()
        sticky = settings.DATABASE_STICKY_SECONDS
        replica_ok = (
            request.method in ("GET", "HEAD")
            and _read_paths(tuple(settings.DATABASE_REPLICA_READ_PATHS)).match(request.path_info) is not None
            and not self._recent_writer(request, now, sticky)
        )
        scope = _Scope(replica_ok=replica_ok)
        token = _scope.set(scope)
        try:
            response = self.get_response(request)
        finally:
            _scope.reset(token)
        if scope.wrote or request.method in UNSAFE_METHODS:
            response.set_cookie(
                STICKY_COOKIE,
                f"{now + sticky:.3f}",
                max_age=max(1, int(sticky + 0.999)),
                httponly=True,
                samesite="Lax",
                secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
            )
        return response

    @staticmethod
    def _recent_writer(request, now: float, sticky: float) -> bool:
        value = request.COOKIES.get(STICKY_COOKIE)
        if not value:
            return False
        try:
            until = float(value)
        except ValueError:
            return False
        return now < until <= now + sticky + 1  # a cookie claiming more than the window is not honoured
