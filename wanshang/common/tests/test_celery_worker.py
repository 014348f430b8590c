"""Real Celery worker processes on Redis against the test's PostgreSQL database (wanshang/celery.py).

They prove what production relies on: a job runs once when its message comes twice or two workers hold it; a
worker killed (SIGKILL) mid-job has its message delivered again and the job finishes without doing anything
twice; after downtime, beat's tick runs the jobs that fell due, once, and each clears its own backlog.

The workers get the test database through DATABASE_URL (so the tests are transactional: the worker sees only
committed rows), the broker through CELERY_BROKER_URL = REDIS_URL with a key prefix of this test's own, and the
test jobs (celery_jobs.py) through `--include`.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection
from django.utils import timezone

from wanshang.common.models import JobRun, OutboxEntry

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

REPO = Path(__file__).resolve().parents[3]
WAIT = 60  # seconds: generous for a shared 2-core machine; a passing run takes a few


@pytest.fixture
def require_redis():
    if not settings.REDIS_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("CI: REDIS_URL must point at a reachable Redis")
        pytest.skip("needs Redis: run scripts/test with a reachable server")


class Cluster:
    """Worker processes of one test, a sender, and the log the test jobs write."""

    def __init__(self, tmp_path: Path):
        self.run = f"t{uuid.uuid4().hex[:10]}"
        self.prefix = f"wstest-{self.run}:"
        self.tmp = tmp_path
        self.log = tmp_path / "jobs.log"
        self.log.touch()
        self.procs: list[subprocess.Popen] = []
        self.outs: list = []  # the workers' log files, closed in stop()
        db = connection.settings_dict
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DB_POOL_MAX"}},
            "DJANGO_SETTINGS_MODULE": "wanshang.settings",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "CELERY_BROKER_URL": settings.REDIS_URL,
            "CELERY_BROKER_KEY_PREFIX": self.prefix,
            "CELERY_VISIBILITY_TIMEOUT": "3",
            "WANSHANG_VAR_DIR": str(tmp_path / "var"),  # its own file cache (the tick's marks) and beat file
            "WANSHANG_TEST_JOBS": self.run,
            "WANSHANG_TEST_JOBS_LOG": str(self.log),
            "WANSHANG_TEST_JOBS_SLEEP": "0.3",
        }
        self.sender = Celery("sender", broker=settings.REDIS_URL, set_as_current=False)
        self.sender.conf.broker_transport_options = {"global_keyprefix": self.prefix}
        self.redis = redis.Redis.from_url(settings.REDIS_URL)

    def start_worker(self, name: str, *extra: str, **env) -> subprocess.Popen:
        out = open(self.tmp / f"{name}.out", "wb")  # noqa: SIM115 - kept open for the process' life
        proc = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "wanshang.celery",
                "worker",
                "-Q",
                "default,heavy,ingest",
                "-c",
                "1",
                "-n",
                f"{name}-{self.run}@localhost",
                "--include",
                "wanshang.common.tests.celery_jobs",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "info",
                *extra,
            ],
            cwd=REPO,
            env={**self.env, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL reaches the pool's child too
        )
        self.procs.append(proc)
        self.outs.append(out)
        return proc

    def send(self, job: str) -> None:
        self.sender.send_task("wanshang.run_job", args=[f"{self.run}.{job}"], queue="default")

    def items(self, kind: str, n: int) -> None:
        far = timezone.now() + timedelta(days=3650)
        OutboxEntry.objects.bulk_create(
            [
                OutboxEntry(event=f"{self.run}.{kind}", handler=str(i), payload={}, next_attempt_at=far)
                for i in range(1, n + 1)
            ]
        )

    def lines(self) -> list[str]:
        return [line.rsplit(" ", 1)[0] for line in self.log.read_text().splitlines()]

    def queue_empty(self) -> bool:
        return not self.redis.llen(f"{self.prefix}default") and not self.redis.hlen(f"{self.prefix}unacked")

    def kill(self, proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def stop(self) -> None:
        for proc in self.procs:  # nothing to finish gracefully: the test has seen what it needed
            self.kill(proc)
        for out in self.outs:
            out.close()
        keys = list(self.redis.scan_iter(match=f"{self.prefix}*", count=1000))
        if keys:
            self.redis.delete(*keys)
        self.sender.close()

    def output(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.tmp.glob("*.out")))


def wait_for(check, what: str, cluster: Cluster, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}; log: {cluster.lines()}\n{cluster.output()}")


@pytest.fixture
def cluster(transactional_db, require_postgres, require_redis, tmp_path):
    c = Cluster(tmp_path)
    yield c
    c.stop()  # before the database is flushed: the workers hold connections to it


def finished(run: str, job: str):
    return JobRun.objects.filter(name=f"{run}.{job}", finished_at__isnull=False)


def test_a_job_sent_twice_to_two_workers_runs_once(cluster):
    cluster.items("work", 3)
    cluster.start_worker("a")
    cluster.start_worker("b")
    cluster.send("work")
    cluster.send("work")

    wait_for(lambda: finished(cluster.run, "work").exists(), "the job to finish", cluster)
    wait_for(cluster.queue_empty, "both messages to be handled", cluster)
    time.sleep(1)  # a second run, were there one, would have logged its start by now

    assert JobRun.objects.filter(name=f"{cluster.run}.work").count() == 1
    assert cluster.lines().count("start work") == 1
    assert sorted(x for x in cluster.lines() if x.startswith("done")) == [
        "done work:1",
        "done work:2",
        "done work:3",
    ]
    assert not OutboxEntry.objects.filter(event=f"{cluster.run}.work", attempts=0).exists()


def test_a_worker_killed_mid_job_has_the_job_run_again_without_doing_anything_twice(cluster):
    cluster.items("work", 4)
    first = cluster.start_worker("a", WANSHANG_TEST_JOBS_SLEEP="1")
    cluster.send("work")
    wait_for(lambda: "done work:1" in cluster.lines(), "the first item", cluster)
    cluster.kill(first)  # SIGKILL to the worker and its pool child, mid-job: the message was not acknowledged
    assert "end work" not in cluster.lines()
    assert JobRun.objects.get(name=f"{cluster.run}.work").finished_at is None

    cluster.start_worker("b")  # restores the message once the visibility timeout (3 s) has passed
    wait_for(lambda: finished(cluster.run, "work").exists(), "the redelivered job to finish", cluster)

    lines = cluster.lines()
    assert lines.count("start work") == 2 and lines.count("end work") == 1
    done = [x for x in lines if x.startswith("done")]
    assert sorted(done) == ["done work:1", "done work:2", "done work:3", "done work:4"]  # each once
    runs = JobRun.objects.filter(name=f"{cluster.run}.work")
    assert runs.count() == 2 and runs.filter(finished_at__isnull=True).count() == 1  # the killed run's record
    assert finished(cluster.run, "work").get().processed == 3  # items 2–4: the first was done before the kill


def test_a_pool_process_killed_mid_job_has_the_job_requeued_at_once(cluster):
    """What the kernel's OOM killer does: the worker lives on, its pool process dies (task_reject_on_worker_lost)."""
    cluster.items("work", 3)
    worker = cluster.start_worker("a", WANSHANG_TEST_JOBS_SLEEP="1")
    cluster.send("work")
    wait_for(lambda: "done work:1" in cluster.lines(), "the first item", cluster)
    children = subprocess.run(  # noqa: S603 - a fixed command
        ["pgrep", "-P", str(worker.pid)], capture_output=True, text=True, check=True
    ).stdout.split()
    for child in children:
        os.kill(int(child), signal.SIGKILL)

    wait_for(lambda: finished(cluster.run, "work").exists(), "the requeued job to finish", cluster)
    lines = cluster.lines()
    assert lines.count("start work") == 2 and lines.count("end work") == 1
    assert sorted(x for x in lines if x.startswith("done")) == ["done work:1", "done work:2", "done work:3"]


def test_after_downtime_beat_runs_each_due_job_once_and_it_clears_its_backlog(cluster):
    now = timezone.now()
    JobRun.objects.bulk_create(
        [  # the catch-up job last finished two hours ago (interval one hour); the fresh one a minute ago
            JobRun(name=f"{cluster.run}.catchup", started_at=now - timedelta(hours=2), finished_at=now),
            JobRun(name=f"{cluster.run}.fresh", started_at=now - timedelta(minutes=1), finished_at=now),
        ]
    )
    cluster.items("catchup", 3)  # work that came due while nothing ran
    cluster.items("fresh", 1)
    cluster.start_worker("a", "-B", "-s", str(cluster.tmp / "beat-schedule"), CELERY_BEAT_TICK_SECONDS="1")

    wait_for(lambda: finished(cluster.run, "catchup").count() == 2, "the due job to run", cluster)
    time.sleep(3)  # three more ticks: the job is no longer due and must not run again

    lines = cluster.lines()
    assert lines.count("start catchup") == 1
    assert sorted(x for x in lines if x.startswith("done")) == [
        "done catchup:1",
        "done catchup:2",
        "done catchup:3",
    ]
    assert "start fresh" not in lines
    assert JobRun.objects.filter(name=f"{cluster.run}.fresh").count() == 1
    # the platform's own jobs, which never ran in this database, all ran once too
    ran = set(JobRun.objects.filter(finished_at__isnull=False).values_list("name", flat=True))
    assert {"events.retry", "orders.cancel_expired", "analytics.ingest", "analytics.rollup"} <= ran
    assert list(JobRun.objects.exclude(error="").values_list("name", "error")) == []
