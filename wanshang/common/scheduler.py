"""Time-based jobs: one registry, two runners.

A job is a plain function `job(now) -> int` (how many rows it handled). Jobs select their work from the
database state ("unpaid orders older than 30 minutes"), so a missed run catches up on the next one and
a repeated run does nothing twice. Production runs them from Celery beat (wanshang/celery.py); the
embedded default runs them in-process with `manage.py runworker`.

Several worker processes (Celery) go through `run_if_due`: a lock per job keeps two processes from running one
job at once, and the job's last finished run (JobRun) says whether its interval has passed, so a message
delivered twice, or a tick queued while the job was running, does nothing. A run that never finished (its worker
was killed) does not count, so the redelivered message runs it again.
"""

import importlib
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from wanshang.common.models import JobRun

log = logging.getLogger("wanshang.scheduler")


@dataclass(frozen=True)
class Job:
    name: str
    func: Callable
    every_seconds: int


_JOBS: dict[str, Job] = {}


def register(name: str, *, every_seconds: int):
    def deco(func):
        _JOBS[name] = Job(name=name, func=func, every_seconds=every_seconds)
        return func

    return deco


def jobs() -> list[Job]:
    _load_task_modules()
    return sorted(_JOBS.values(), key=lambda j: j.name)


def job(name: str) -> Job:
    """The registered job called `name` (KeyError when there is none)."""
    _load_task_modules()
    return _JOBS[name]


def _load_task_modules():
    for config in apps.get_app_configs():
        if config.name.startswith("wanshang.") and module_has_submodule(config.module, "tasks"):
            importlib.import_module(f"{config.name}.tasks")


def run_job(job: Job, now=None) -> int:
    now = now or timezone.now()
    run = JobRun.objects.create(name=job.name, started_at=now)
    try:
        processed = int(job.func(now) or 0)
    except Exception as exc:  # a failing job must not stop the others; it is recorded and retried next tick
        log.exception("job %s failed", job.name)
        run.error = repr(exc)
        run.finished_at = timezone.now()
        run.save(update_fields=["error", "finished_at"])
        return 0
    run.processed = processed
    run.finished_at = timezone.now()
    run.save(update_fields=["processed", "finished_at"])
    return processed


def run_due(now=None, last_runs: dict | None = None) -> dict[str, int]:
    """Run every job whose interval has passed since its last run in this process."""
    now = now or timezone.now()
    last_runs = last_runs if last_runs is not None else {}
    done = {}
    for job in jobs():
        last = last_runs.get(job.name)
        if last is None or (now - last).total_seconds() >= job.every_seconds:
            done[job.name] = run_job(job, now)
            last_runs[job.name] = now
    return done


def run_forever(interval: int, stop: Callable[[], bool] = lambda: False):  # pragma: no cover - loop
    last_runs: dict = {}
    while not stop():
        run_due(last_runs=last_runs)
        time.sleep(interval)


# --- several worker processes -----------------------------------------------------------------------------------

_LOCK_NAMESPACE = 0x5753  # "WS": the first key of the two-key advisory lock, so job locks stand apart
LOCK_TTL_SECONDS = 3600  # off PostgreSQL a dead worker's lock lapses after this


def last_finished_start(name: str):
    """When the last run of `name` that finished (with or without an error) started; None if none did."""
    return (
        JobRun.objects.filter(name=name, finished_at__isnull=False)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )


def is_due(job: Job, now=None) -> bool:
    """Whether `job`'s interval has passed since its last finished run (or it never finished one)."""
    now = now or timezone.now()
    last = last_finished_start(job.name)
    return last is None or (now - last).total_seconds() >= job.every_seconds


@contextmanager
def job_lock(name: str) -> Iterator[bool]:
    """Try to take the lock of job `name` for this process; yields whether it got it (it never waits).

    On PostgreSQL a session advisory lock: the server drops it with the connection, so a worker killed mid-job
    (SIGKILL) leaves no lock behind. Elsewhere a cache entry (atomic add) that lapses after LOCK_TTL_SECONDS.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", [_LOCK_NAMESPACE, name])
            got = bool(cur.fetchone()[0])
        try:
            yield got
        finally:
            if got:
                with connection.cursor() as cur:
                    cur.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", [_LOCK_NAMESPACE, name])
        return
    key, token = f"wanshang:job-lock:{name}", uuid.uuid4().hex
    got = cache.add(key, token, timeout=LOCK_TTL_SECONDS)
    try:
        yield got
    finally:
        if got and cache.get(key) == token:
            cache.delete(key)


def run_if_due(job: Job, *, force: bool = False) -> int | None:
    """Run `job` unless another process is running it or its interval has not passed since its last finished
    run (`force` skips only the interval check). Returns the rows it handled, or None when it did not run."""
    with job_lock(job.name) as got:
        if not got:
            log.info("job %s is running elsewhere; skipped", job.name)
            return None
        now = timezone.now()
        if not force and not is_due(job, now):
            log.info("job %s ran within its interval; skipped", job.name)
            return None
        return run_job(job, now)
