from django.conf import settings
from django.core.management.base import BaseCommand

from wanshang.common import scheduler


class Command(BaseCommand):
    help = "Run scheduled jobs in-process (embedded default; production uses Celery beat)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every job once and exit")

    def handle(self, *args, once=False, **options):
        if once:
            for job in scheduler.jobs():
                n = scheduler.run_job(job)
                self.stdout.write(f"{job.name}: {n}")
            return
        interval = settings.WANSHANG["SCHEDULER_INTERVAL_SECONDS"]
        self.stdout.write(f"worker: running {len(scheduler.jobs())} jobs every ≤{interval}s")
        scheduler.run_forever(interval)
