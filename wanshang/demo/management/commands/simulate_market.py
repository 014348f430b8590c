"""`python manage.py simulate_market --days N --seed S`: days of marketplace life ending now, through the real
services (see wanshang/demo/simulator.py), so the 数据中心 has history to show."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from wanshang.demo.management.arguments import bounded_int
from wanshang.demo.simulator import SimOptions, incident_parse, market_simulate


class Command(BaseCommand):
    help = (
        "模拟 N 天的商城运营（访客浏览、收藏、加购、下单、支付、退款），经真实服务写入，确定性随机；"
        "默认在倒数第二个完整日为一家店铺注入一次支付中断。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=bounded_int("days", 1, 120), default=30, help="模拟天数（默认 30）"
        )
        parser.add_argument("--seed", type=int, default=2026, help="随机种子（默认 2026）")
        parser.add_argument(
            "--visitors-per-day",
            type=bounded_int("visitors-per-day", 1, 200000),
            default=400,
            help="平均每天访问次数（默认 400）",
        )
        parser.add_argument(
            "--incident",
            action="append",
            default=None,
            metavar="SHOP_SLUG:DAY:HOUR:HOURS",
            help="注入支付中断：店铺标识:日期(2026-05-01)或几天前(1=昨天):开始小时:持续小时；可重复",
        )
        parser.add_argument("--no-incident", action="store_true", help="不注入事故")

    def handle(self, *args, **options):
        incidents = None
        if options["no_incident"]:
            incidents = ()
        elif options["incident"]:
            today = timezone.localdate()
            try:
                incidents = tuple(incident_parse(text, today=today) for text in options["incident"])
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        sim = SimOptions(
            days=options["days"],
            seed=options["seed"],
            visitors_per_day=options["visitors_per_day"],
            incidents=incidents,
        )
        try:
            report = market_simulate(options=sim, log=lambda line: self.stdout.write(line))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS("模拟完成"))
        for line in report.lines():
            self.stdout.write(line)
