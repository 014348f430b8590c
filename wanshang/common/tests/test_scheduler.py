"""The job registry, the in-process runner and the Celery schedule run the same jobs."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from wanshang.common import scheduler
from wanshang.common.models import JobRun

pytestmark = pytest.mark.django_db

EXPECTED = {
    "orders.cancel_expired",
    "orders.auto_receive",
    "orders.refunds_retry",
    "payments.settlements_mature",
    "payments.gateway_refunds_retry",
    "marketing.group_teams_expire",
    "marketing.coupons_void_old",
    "marketing.flash_holds_release",
    "aftersales.group_refunds",
    "aftersales.cases_due",
    "events.retry",
}


def test_every_time_based_job_is_registered():
    assert EXPECTED <= {job.name for job in scheduler.jobs()}


def test_runworker_once_runs_every_job_and_records_it():
    call_command("runworker", "--once")
    assert EXPECTED <= set(JobRun.objects.values_list("name", flat=True))
    assert not JobRun.objects.exclude(error="").exists()


def test_run_due_respects_intervals():
    last: dict = {}
    now = timezone.now()
    first = scheduler.run_due(now=now, last_runs=last)
    assert EXPECTED <= set(first)
    assert scheduler.run_due(now=now + timedelta(seconds=1), last_runs=last) == {}
    later = scheduler.run_due(now=now + timedelta(seconds=31), last_runs=last)
    assert "orders.cancel_expired" in later and "payments.settlements_mature" not in later


def test_a_failing_job_is_recorded_and_does_not_stop_the_others(monkeypatch):
    job = scheduler.Job(name="boom", func=lambda now: 1 / 0, every_seconds=1)
    assert scheduler.run_job(job) == 0
    assert "ZeroDivisionError" in JobRun.objects.get(name="boom").error


def test_celery_beat_ticks_and_the_tick_queues_every_due_job_once(monkeypatch):
    from wanshang.celery import app, queue_of, tick

    assert [e["task"] for e in app.conf.beat_schedule.values()] == ["wanshang.tick"]
    # each queued job runs here, even where a broker is configured
    monkeypatch.setattr(app.conf, "task_always_eager", True)
    queued = tick()
    assert EXPECTED <= set(queued)
    assert EXPECTED <= set(JobRun.objects.values_list("name", flat=True))
    assert tick() == []  # none is due again within its interval
    assert queue_of("analytics.ingest") == "ingest" and queue_of("orders.cancel_expired") == "default"


def test_every_queue_assignment_names_a_registered_job():
    from wanshang.celery import QUEUES

    assert set(QUEUES) <= {job.name for job in scheduler.jobs()}


def test_celery_settings_are_the_production_ones(settings):
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT


def _counting_job(calls):
    return scheduler.Job(name="counted", func=lambda now: calls.append(now) or 1, every_seconds=60)


def test_run_if_due_runs_once_per_interval_and_force_runs_again():
    calls: list = []
    job = _counting_job(calls)
    assert scheduler.run_if_due(job) == 1
    assert scheduler.run_if_due(job) is None  # a second message for the same interval
    assert scheduler.run_if_due(job, force=True) == 1
    assert len(calls) == 2


def test_a_run_that_never_finished_does_not_count():
    calls: list = []
    job = _counting_job(calls)
    JobRun.objects.create(name="counted", started_at=timezone.now())  # its worker was killed mid-job
    assert scheduler.run_if_due(job) == 1
    JobRun.objects.filter(name="counted").update(started_at=timezone.now() - timedelta(seconds=61))
    assert scheduler.is_due(job)


def test_a_job_another_process_runs_is_skipped():
    calls: list = []
    job = _counting_job(calls)
    with scheduler.job_lock("counted") as got:
        assert got
        with scheduler.job_lock("counted") as again:
            assert not again
        assert scheduler.run_if_due(job) is None
    assert scheduler.run_if_due(job) == 1 and len(calls) == 1


def test_celery_run_job_drops_an_unknown_name():
    from wanshang.celery import run_job

    assert run_job("no.such.job") is None
