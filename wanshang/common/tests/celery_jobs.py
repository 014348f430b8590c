"""Jobs for test_celery_worker.py, loaded into the test's real Celery worker with `celery worker --include`.

Each works like a real job: it selects its backlog from the database (outbox rows of its own event name, parked
far in the future so `events.retry` leaves them alone) and handles each item with a conditional update, so a
repeated run does nothing twice. It logs each step to a file the test reads: `start`, `done <item>`, `end`.
Job names carry the test run's id (WANSHANG_TEST_JOBS), so runs sharing a Redis never meet.
"""

import os
import time

from wanshang.common.models import OutboxEntry
from wanshang.common.scheduler import register

RUN = os.environ.get("WANSHANG_TEST_JOBS", "")
LOG = os.environ.get("WANSHANG_TEST_JOBS_LOG", "")
SLEEP = float(os.environ.get("WANSHANG_TEST_JOBS_SLEEP", "0"))


def _log(line: str) -> None:
    with open(LOG, "a") as fh:
        fh.write(f"{line} {os.getpid()}\n")


def _work(kind: str) -> int:
    _log(f"start {kind}")
    handled = 0
    for item in OutboxEntry.objects.filter(event=f"{RUN}.{kind}").order_by("pk"):
        time.sleep(SLEEP)
        if OutboxEntry.objects.filter(pk=item.pk, attempts=0).update(attempts=1):
            _log(f"done {kind}:{item.handler}")
            handled += 1
    _log(f"end {kind}")
    return handled


if RUN:

    @register(f"{RUN}.work", every_seconds=3600)
    def work(now):
        return _work("work")

    @register(f"{RUN}.catchup", every_seconds=3600)
    def catchup(now):
        return _work("catchup")

    @register(f"{RUN}.fresh", every_seconds=3600)
    def fresh(now):
        return _work("fresh")
