"""`python manage.py load_demo`: a deterministic demo marketplace (shops, products, buyers, a month of
orders, running promotions, flash-sale sessions, coupons and points), then a month of simulated visitors and
trade for the 数据中心 (demo/simulator.py).

Safe to re-run: when the demo is already loaded it only prints the URLs and log-ins (and simulates the
数据中心 history if it has none yet).
"""

import time

from django.core.management.base import BaseCommand, CommandError

from wanshang.common.errors import DomainError
from wanshang.demo.management.arguments import bounded_int
from wanshang.demo.services import (
    DEFAULT_SEED,
    SIMULATE_DAYS,
    SIMULATE_VISITORS_PER_DAY,
    DemoOptions,
    demo_banner,
    demo_counts_lines,
    demo_load,
    demo_simulate,
    demo_status,
)
from wanshang.search.services import terms_refresh


class Command(BaseCommand):
    help = "加载演示商城数据（确定性随机，默认种子 2026）；已加载时只打印访问地址与演示账号。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子（默认 2026）")
        parser.add_argument(
            "--products-per-shop",
            type=bounded_int("products-per-shop", 1, 500),
            default=60,
            help="每家店铺的商品数（默认 60）",
        )
        parser.add_argument(
            "--orders", type=bounded_int("orders", 0, 20000), default=400, help="历史订单数（默认 400）"
        )
        parser.add_argument(
            "--buyers",
            type=bounded_int("buyers", 1, 2000),
            default=40,
            help="买家数（默认 40，另有一个演示买家）",
        )
        parser.add_argument(
            "--simulate-days",
            type=bounded_int("simulate-days", 0, 120),
            default=SIMULATE_DAYS,
            help=f"数据中心历史：模拟最近几天的访客与交易（默认 {SIMULATE_DAYS}，0 = 不模拟；"
            "已有历史时跳过）",
        )
        parser.add_argument(
            "--visitors-per-day",
            type=bounded_int("visitors-per-day", 1, 200000),
            default=SIMULATE_VISITORS_PER_DAY,
            help=f"模拟时平均每天的访问次数（默认 {SIMULATE_VISITORS_PER_DAY}）",
        )

    def handle(self, *args, **options):
        status = demo_status()
        if status == "partial":
            raise CommandError(
                "数据库中已有部分演示店铺，但演示数据不完整。请换一个空数据库"
                "（例如删除 var/wanshang.sqlite3 后 migrate）再运行 load_demo。"
            )
        if status == "empty":
            started = time.monotonic()
            try:
                counts = demo_load(
                    options=DemoOptions(
                        seed=options["seed"],
                        products_per_shop=options["products_per_shop"],
                        orders=options["orders"],
                        buyers=options["buyers"],
                    ),
                    log=lambda line: self.stdout.write(line),
                )
            except DomainError as exc:  # e.g. a demo phone number already works for another shop
                raise CommandError(f"加载失败，已全部回滚：{exc.message}") from exc
            self.stdout.write(
                self.style.SUCCESS(f"演示数据加载完成，用时 {time.monotonic() - started:.1f} 秒")
            )
            for line in demo_counts_lines(counts):
                self.stdout.write(line)
        else:
            self.stdout.write("演示数据已加载，跳过（不会重复创建）。")
        started = time.monotonic()
        report = demo_simulate(
            days=options["simulate_days"],
            visitors_per_day=options["visitors_per_day"],
            seed=options["seed"],
            log=lambda line: self.stdout.write(line),
        )
        if report is not None:
            self.stdout.write(
                self.style.SUCCESS(f"数据中心历史模拟完成，用时 {time.monotonic() - started:.1f} 秒")
            )
            for line in report.lines():
                self.stdout.write(line)
        # suggestions and hot words from the simulated searches (the index itself follows the products' events)
        terms_refresh()
        for line in demo_banner():
            self.stdout.write(line)
