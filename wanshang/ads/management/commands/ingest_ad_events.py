"""Insert this host's spooled ad impressions and settle its spooled clicks now (or every N seconds with --loop).

The scheduler's `ads.ingest` job does the same on the worker's host; a web host whose worker runs elsewhere runs
this beside its web processes, since the spool is a local folder (or use ADS_TRANSPORT=redis).
"""

import time

from django.core.management.base import BaseCommand

from wanshang.ads.services import ad_events_ingest


class Command(BaseCommand):
    help = "Insert spooled ad impressions and settle spooled ad clicks (once, or every --loop seconds)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=float, default=0, help="repeat every N seconds until stopped")

    def handle(self, *args, loop: float = 0, **options):
        while True:
            n = ad_events_ingest()
            if n or not loop:
                self.stdout.write(f"ingested {n} ad events")
            if not loop:
                return
            time.sleep(loop)
