import time

from django.core.management.base import BaseCommand, CommandError

from wanshang.search.services import rebuild_index, terms_refresh


class Command(BaseCommand):
    help = "重建搜索索引：逐批重新索引全部商品，并刷新联想词（Rebuild the search index and the suggestion words）"

    def add_arguments(self, parser):
        parser.add_argument("--chunk", type=int, default=2000, help="每批商品数")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="并行分词的进程数（仅 PostgreSQL；Processes cutting words at once）",
        )

    def handle(self, *args, chunk, workers, **options):
        if chunk < 1 or workers < 1:
            raise CommandError("--chunk 与 --workers 须为正整数")
        started = time.monotonic()
        total = rebuild_index(
            chunk=chunk, workers=workers, progress=lambda n: self.stdout.write(f"  {n} 件商品已索引")
        )
        terms = terms_refresh()
        self.stdout.write(
            self.style.SUCCESS(
                f"索引完成：{total} 件商品，{terms} 个联想词更新，用时 {time.monotonic() - started:.1f} 秒"
            )
        )
