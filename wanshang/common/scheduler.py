"""Time-based jobs: one registry, two runners.

A job is a plain function `job(now) -> int` (how many rows it handled). Jobs select their work from the
database state ("unpaid orders older than 30 minutes"), so a missed run catches up on the next one and
a repeated run does nothing twice. Production runs them from Celery beat (wanshang/celery.py); the
embedded default runs them in-process with `manage.py runworker`.
"""

import importlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
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
