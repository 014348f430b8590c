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


def test_celery_beat_schedules_the_same_jobs():
    from wanshang.celery import app

    app.loader.import_default_modules()
    app.finalize()
    scheduled = {entry["args"][0] for entry in app.conf.beat_schedule.values()}
    assert EXPECTED <= scheduled
