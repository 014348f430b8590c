"""Celery for production: the same registered jobs as `manage.py runworker`, on beat's schedule.

celery -A wanshang.celery worker -B -l info
"""

import os

import django
from celery import Celery

from wanshang.common import scheduler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wanshang.settings")
app = Celery("wanshang")
app.config_from_object("django.conf:settings", namespace="CELERY")


@app.task(name="wanshang.run_job")
def run_job(name: str) -> int:
    job = next(j for j in scheduler.jobs() if j.name == name)
    return scheduler.run_job(job)


@app.on_after_finalize.connect
def setup_schedule(sender, **kwargs):
    django.setup()

    for job in scheduler.jobs():
        sender.add_periodic_task(job.every_seconds, run_job.s(job.name), name=job.name)
