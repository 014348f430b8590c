"""Demo 淘宝客: two approved promoters (one on a targeted plan) and one waiting for review; the first shops
pay a shop-wide rate, one product pays more; the promoters' links were clicked by buyers who then bought —
some orders received and settled (one withdrawal paid, one waiting), others still estimated. All through the
real services: clicks, checkout, sandbox payment, shipping, receipt, the settle job.

`AffiliateTraffic` is the simulator's 淘宝客 side: a visitor arriving by a promoter's link opens the product
through `click_land` at the simulated time (the click recorded, the landing counted as 付费流量 / 淘宝客); an order
they pay is attributed at its simulated payment time (`commissions_at`), confirmed at the simulated receipt and
settled by the job once the freeze period has passed by the end of the run (`finish`)."""

import random
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from wanshang.accounts.selectors import address_default
from wanshang.affiliates.models import Click, Commission, Link, Promoter
from wanshang.affiliates.selectors import promoter_balance
from wanshang.affiliates.services import (
    click_land,
    click_record,
    commission_attribute,
    commissions_settle,
    invitation_answer,
    link_create,
    product_rate_set,
    promoter_apply,
    promoter_invite,
    promoter_review,
    shop_rate_set,
    withdrawal_request,
    withdrawal_review,
)
from wanshang.checkout.services import checkout_submit
from wanshang.common.errors import DomainError
from wanshang.demo.backdate import NumberMaker, Timeline, checkout_backdate, renumber_order, renumber_payment
from wanshang.demo.people import user_ensure
from wanshang.inventory.selectors import available_by_sku
from wanshang.orders.services import order_confirm_receipt, order_ship
from wanshang.payments.models import Payment
from wanshang.payments.services import sandbox_pay
from wanshang.pricing.types import PricingOptions

# phone, nickname, (name, channels, audience, contact), approved
PROMOTERS = [
    (
        "13600000001",
        "穿搭小鹿",
        (
            "穿搭小鹿",
            "小红书 @穿搭小鹿；抖音 @xiaolu_ootd",
            "12 万粉丝，18–30 岁女性，女装与配饰",
            "微信 xiaolu_ootd",
        ),
        True,
    ),
    (
        "13600000002",
        "数码老K",
        ("数码老K", "B站 @数码老K；知乎 @老K测评", "30 万粉丝，数码爱好者，耳机与手机测评", "13600000002"),
        True,
    ),
    (
        "13600000003",
        "美食阿满",
        ("美食阿满", "抖音 @阿满吃什么", "2 万粉丝，本地美食探店", "13600000003"),
        False,
    ),
]
SHOP_RATES = [1000, 800, 600]  # the first three demo shops: 10%, 8%, 6%


def promoter_login() -> tuple[str, str]:
    return PROMOTERS[0][0], PROMOTERS[0][1]


def affiliates_create(*, operator, shops, buyers, on_sale: dict, log) -> dict:
    promoters = []
    for phone, nickname, (name, channels, audience, contact), approve in PROMOTERS:
        user = user_ensure(login=phone, nickname=nickname)
        promoter = promoter_apply(user=user, name=name, channels=channels, audience=audience, contact=contact)
        if approve:
            promoters.append(promoter_review(operator=operator, promoter_id=promoter.pk, approve=True))
    targets = []
    for demo, rate in zip(shops, SHOP_RATES, strict=False):
        shop_rate_set(shop=demo.shop, rate_bps=rate)
        refs = _buyable(on_sale.get(demo.spec["slug"], []))
        if refs:
            targets.append((demo, refs))
    if not promoters or not targets:
        return {"promoters": len(promoters), "commissions": 0}
    first_demo, first_refs = targets[0]
    product_rate_set(
        shop=first_demo.shop, product_id=first_refs[0].product_id, rate_bps=1500, note="新品推广"
    )
    plan = promoter_invite(
        shop=first_demo.shop, promoter_code=promoters[0].code, rate_bps=1800, note="长期合作"
    )
    invitation_answer(promoter=promoters[0], plan_id=plan.pk, accept=True)
    if len(targets) > 1 and len(promoters) > 1:
        promoter_invite(
            shop=targets[1][0].shop, promoter_code=promoters[1].code, rate_bps=1500, note="新品首发合作"
        )
    made = _sales(promoters=promoters, targets=targets, buyers=buyers)
    _settle_and_withdraw(promoters=promoters, operator=operator)
    settled = Commission.objects.filter(status=Commission.Status.SETTLED).count()
    log(
        f"  达人 {len(PROMOTERS)} 位（{len(promoters)} 位已认证，1 位待审核），推广订单 {made} 个（已结算 {settled} 个）"
    )
    return {"promoters": len(promoters), "commissions": made}


def _buyable(refs):
    refs = [r for r in refs if not r.wholesale_qty]
    stock = available_by_sku(sku_ids=[r.sku_id for r in refs])
    one_per_product = {}
    for ref in refs:
        if stock.get(ref.sku_id, 0) >= 5:
            one_per_product.setdefault(ref.product_id, ref)
    return list(one_per_product.values())[:4]


def _sales(*, promoters, targets, buyers) -> int:
    """Each promoter's links are clicked by a few buyers; most of them buy, some receive."""
    now = timezone.now()
    made = 0
    for p_index, promoter in enumerate(promoters):
        for t_index, (demo, refs) in enumerate(targets):
            for r_index, ref in enumerate(refs[:3]):
                link = link_create(promoter=promoter, product_id=ref.product_id)
                clickers = buyers[1 + (p_index * 7 + t_index * 3 + r_index) % max(len(buyers) - 1, 1) :][:3]
                for c_index, buyer in enumerate(clickers):
                    click_record(
                        code=link.code,
                        visitor=f"demo-aff-{buyer.pk}",
                        user_id=buyer.pk,
                        product_id=ref.product_id,
                        shop_id=demo.shop.pk,
                        now=now - timedelta(hours=6 + c_index),
                    )
                    if c_index == 2:
                        continue  # clicked, did not buy
                    order = _buy(buyer=buyer, sku_id=ref.sku_id)
                    if order is None:
                        continue
                    made += 1
                    received = (r_index + c_index) % 3 != 2
                    if received:
                        order_ship(
                            shop=demo.shop,
                            order_id=order.pk,
                            carrier="SF",
                            tracking_no=f"SF{order.pk:010d}",
                            actor=demo.member("warehouse").user,
                        )
                        order_confirm_receipt(buyer=buyer, order_id=order.pk)
                    placed = now - timedelta(days=4 + (made * 5) % 24, hours=made % 9)
                    _backdate(order, placed=placed, received=received)
    return made


def _backdate(order, *, placed, received: bool) -> None:
    """Spread the orders over the last month like the rest of the demo: placed, paid minutes later, shipped a
    day later, received three days later; the click an hour before, the commission on the same timeline."""
    t = Timeline(
        created=placed,
        paid=placed + timedelta(minutes=4),
        shipped=placed + timedelta(days=1) if received else None,
        received=placed + timedelta(days=3) if received else None,
    )
    order.refresh_from_db()
    payment = Payment.objects.get(pk=order.payment_id)
    checkout_backdate(
        buyer_id=order.buyer_id,
        idempotency_key=order._demo_key,
        payment_id=payment.pk,
        payment_no=payment.no,
        order_ids=[order.pk],
        t=t,
        refund_ids=[],
    )
    numbers = NumberMaker(random.Random(f"wanshang-demo:affiliates:{order.pk}"))
    renumber_payment(payment_id=payment.pk, no=numbers.make("P", placed))
    renumber_order(order_id=order.pk, no=numbers.make("W", placed))
    commission = Commission.objects.filter(order_id=order.pk).first()
    if commission is None:
        return
    Click.objects.filter(pk=commission.click_id).update(at=placed - timedelta(hours=1))
    Commission.objects.filter(pk=commission.pk).update(
        paid_at=t.paid,
        confirmed_at=t.received,
        settle_due_at=t.received + timedelta(days=settings.WANSHANG["AFFILIATE_FREEZE_DAYS"])
        if t.received
        else None,
    )


def _buy(*, buyer, sku_id):
    address = address_default(user=buyer)
    if address is None:
        return None
    key = uuid.uuid4().hex
    try:
        payment = checkout_submit(
            user=buyer,
            items=[(sku_id, 1)],
            address_id=address.pk,
            idempotency_key=key,
            from_cart=False,
            confirm_no_return=True,
            options=PricingOptions(
                coupon_ids=[]
            ),  # a promoted order pays the shop's price, no platform coupon
        )
        sandbox_pay(buyer=buyer, payment_no=payment.no)
    except DomainError:  # sold out by the demo's history: skip it
        return None
    order = payment.orders.get()
    order._demo_key = key
    return order


def _settle_and_withdraw(*, promoters, operator) -> None:
    """The job settles what was received more than the freeze period ago; the first promoter was paid once and
    asked again."""
    commissions_settle(now=timezone.now())
    promoter = promoters[0]
    available = promoter_balance(promoter=promoter)["available_fen"]
    if available >= 2000:
        paid = withdrawal_request(promoter=promoter, amount_fen=available // 2, account="xiaolu@alipay.demo")
        withdrawal_review(operator=operator, withdrawal_id=paid.pk, approve=True)
        withdrawal_request(promoter=promoter, amount_fen=available // 4, account="xiaolu@alipay.demo")


class AffiliateTraffic:
    """The simulator's 淘宝客 visits, orders and commissions (module docstring)."""

    def __init__(self, *, seed: int, products: set[int]):
        self.rng = random.Random(f"wanshang-sim:{seed}:affiliates")
        self.links = list(
            Link.objects.filter(promoter__status=Promoter.Status.APPROVED, product_id__in=sorted(products))
            .order_by("pk")
            .values_list("code", "product_id", "shop_id")
        )
        self.clicks = 0
        self.orders = 0

    def land(self, *, visit) -> int | None:
        """A visitor through a promoter's link: the product they land on (the click recorded at the visit's
        time), or None when the demo has no links."""
        if not self.links:
            return None
        code, product_id, shop_id = self.rng.choice(self.links)
        landed, click = click_land(
            code=code,
            visitor=visit.visitor,
            user_id=visit.user_id,
            product_id=product_id,
            shop_id=shop_id,
            now=visit.now(),
        )
        self.clicks += click is not None
        return product_id if landed else None

    def commissions_at(self, *, facts, paid) -> None:
        """Orders paid at simulated time `paid`: attributed as of then (the services did it at the real time,
        when a click older than the window back from now is out of reach), dated at the payment."""
        if not self.links:
            return
        for order in facts:
            with transaction.atomic():
                commission = commission_attribute(order=order, at=paid)
            if commission is not None:
                Commission.objects.filter(pk=commission.pk).update(paid_at=paid)
                self.orders += 1

    def received_at(self, *, order_ids, received) -> None:
        """The buyer received at simulated time `received`: the freeze period runs from then."""
        if received is None or not self.links:
            return
        Commission.objects.filter(order_id__in=order_ids, status=Commission.Status.CONFIRMED).update(
            confirmed_at=received,
            settle_due_at=received + timedelta(days=settings.WANSHANG["AFFILIATE_FREEZE_DAYS"]),
        )

    def finish(self, *, end, log) -> None:
        """The settle job at the end of the run: what was received more than the freeze period ago settles."""
        if not self.links:
            return
        settled = commissions_settle(now=end)
        log(f"  淘宝客：推广点击 {self.clicks} 次，推广订单 {self.orders} 个，本次结算 {settled} 笔佣金")
