"""Celery for production: the same registered jobs as `manage.py runworker`, on beat's clock.

    celery -A wanshang.celery beat                                  # one per deployment
    celery -A wanshang.celery worker -Q default -c 2                # light jobs
    celery -A wanshang.celery worker -Q heavy -c 1                  # rollups and rebuilds
    celery -A wanshang.celery worker -Q ingest -c 1                 # 数据中心 event ingest

Beat sends one `wanshang.tick` every BEAT_TICK_SECONDS. The tick queues `wanshang.run_job` for each job whose
interval has passed since its last finished run (JobRun), at most once per interval. So the schedule lives in
the database, not in beat: a restarted beat, or workers back after downtime, run at once every job that fell
due meanwhile (once: each job selects its own backlog from the database state), as `runworker` does when it
starts. `run_job` takes the job's lock and checks the interval again (scheduler.run_if_due), so a message
delivered twice, two beats, or a redelivery after a worker died run a job once at a time and never twice for
one interval. Settings (acks_late, prefetch 1, time limits, JSON): wanshang/settings.py, CELERY_*.
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wanshang.settings")
django.setup()  # the job registry imports models

from celery import Celery  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.utils import timezone  # noqa: E402

from wanshang.common import scheduler  # noqa: E402

app = Celery("wanshang")
app.config_from_object("django.conf:settings", namespace="CELERY")

# Jobs that read or rebuild much (minutes at scale) get workers of their own, so short jobs (order timeouts,
# refunds retried) never wait behind them; the event ingest too, so 数据中心 events keep flowing.
QUEUES = {
    "analytics.ingest": "ingest",
    "analytics.rollup": "heavy",
    "ads.rollup": "heavy",
    "analytics.anomaly_scan": "heavy",
    "insights.stock_cover_alerts": "heavy",
    "recommendations.build": "heavy",
    "reviews.scores": "heavy",
    "search.catch_up": "heavy",
    "search.signals": "heavy",
    "search.terms": "heavy",
    "patrol.daily": "heavy",
    "marketing.price_rise_daily": "heavy",
}


def queue_of(name: str) -> str:
    return QUEUES.get(name, "default")


@app.task(name="wanshang.run_job")
def run_job(name: str, force: bool = False) -> int | None:
    """Run one registered job if it is due and no other worker is running it (see the module doc)."""
    try:
        job = scheduler.job(name)
    except KeyError:
        scheduler.log.error("no job called %s is registered; message dropped", name)
        return None
    return scheduler.run_if_due(job, force=force)


@app.task(name="wanshang.tick")
def tick() -> list[str]:
    """Queue every due job, each at most once per its interval (a cache entry marks it queued)."""
    now = timezone.now()
    queued = []
    for job in scheduler.jobs():
        if not scheduler.is_due(job, now):
            continue
        if not cache.add(f"wanshang:job-queued:{job.name}", 1, timeout=job.every_seconds):
            continue  # queued within its interval and not run yet (workers busy or down): one message is enough
        run_job.apply_async((job.name,), queue=queue_of(job.name), expires=max(job.every_seconds, 60) * 10)
        queued.append(job.name)
    return queued


app.conf.beat_schedule = {
    "wanshang.tick": {
        "task": "wanshang.tick",
        "schedule": settings.WANSHANG["BEAT_TICK_SECONDS"],
        "options": {"queue": "default", "expires": settings.WANSHANG["BEAT_TICK_SECONDS"] * 2},
    }
}
