"""Insert this host's spooled 数据中心 events now (or every N seconds with --loop).

The scheduler's `analytics.ingest` job does the same on the worker's host; a web host whose worker runs
elsewhere runs this beside its web processes, since the spool is a local folder.
"""

import time

from django.core.management.base import BaseCommand

from wanshang.analytics.collector import ingest


class Command(BaseCommand):
    help = "Insert spooled 数据中心 events into the database (once, or every --loop seconds)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=float, default=0, help="repeat every N seconds until stopped")

    def handle(self, *args, loop: float = 0, **options):
        while True:
            n = ingest()
            if n or not loop:
                self.stdout.write(f"ingested {n} events")
            if not loop:
                return
            time.sleep(loop)
