from django.core.management.base import BaseCommand

from wanshang.adlaw.services import terms_import


class Command(BaseCommand):
    help = "Load wanshang/adlaw/terms.json (or --file) into the 广告法 term list; idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=None)

    def handle(self, *args, file=None, **options):
        counts = terms_import(path=file)
        self.stdout.write(
            f"created {counts['created']}, updated {counts['updated']}, unchanged {counts['unchanged']}"
        )
