"""Reads of the shared kernel: scheduled job runs (operators' 定时任务 page)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max
from django.utils import timezone

from wanshang.common.models import JobRun
from wanshang.common.scheduler import jobs


def job_runs(*, limit: int = 50, name: str | None = None) -> list[JobRun]:
    """The latest job runs, newest first."""
    qs = JobRun.objects.all()
    if name:
        qs = qs.filter(name=name)
    return list(qs.order_by("-started_at", "-id")[:limit])


@dataclass(frozen=True)
class JobState:
    name: str
    every_seconds: int
    last_run: JobRun | None
    is_due: bool


def job_states(*, now: datetime | None = None) -> list[JobState]:
    """Every registered job with its last recorded run and whether its interval has passed since."""
    now = now or timezone.now()
    registered = jobs()
    latest_ids = (
        JobRun.objects.filter(name__in=[j.name for j in registered]).values("name").annotate(last=Max("id"))
    )
    last = {r.name: r for r in JobRun.objects.filter(pk__in=[row["last"] for row in latest_ids])}
    states = []
    for job in registered:
        run = last.get(job.name)
        due = run is None or (now - run.started_at).total_seconds() >= job.every_seconds
        states.append(JobState(name=job.name, every_seconds=job.every_seconds, last_run=run, is_due=due))
    return states
