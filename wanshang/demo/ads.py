"""Demo 推广中心: every shop tops up its ad account through the sandbox gateway and runs one active 直通车 plan on
its first retail product — keywords from the product's title with their bids and match types, a plan negative
and a creative —, all through the real services. The plan and the top-up are dated a month back (`HISTORY_DAYS`),
so the marketplace simulator (`AdTraffic`, below) can run the month's auctions on them.

`AdTraffic` is the simulator's ad side: each simulated search page runs the real auction (`search_ads_serve`,
impressions spooled at the simulated time); some visitors click an ad (`click_record` spools it; the ingest job,
run right after each click as the real one runs every 10 s, records it and charges it through `ad_charge_batch`
against the plan's day and the account's balance, so balance and ledger agree by construction), a
few clicks come from a robot's user agent (recorded, never charged) or repeat within the dedupe window
(recorded as duplicates), and the visitor lands on the product as 付费流量 / 直通车. Paid orders are attributed at
their simulated payment time (`conversions_at`). At the end the ledger's charge rows take their clicks' times and
the platform refunds a few charged clicks as invalid (`finish`)."""

import random
from dataclasses import dataclass, replace
from datetime import timedelta

from django.db.models import Case, DateTimeField, Max, Value, When
from django.utils import timezone

from wanshang.ads.attribution import conversions_record
from wanshang.ads.models import AdKeyword, AdLedgerEntry, AdPlan, AdTopUp
from wanshang.ads.quality_data import keyword_tokens
from wanshang.ads.selectors import account_balance, group_plan_kind
from wanshang.ads.services import (
    AutoPlanInput,
    KeywordInput,
    PlanInput,
    ad_events_ingest,
    audience_ads_serve,
    audience_setup_update,
    autobid_tick,
    autoplan_create,
    click_record,
    creative_add,
    group_create,
    invalid_click_refund,
    keywords_add,
    negative_add,
    plan_create,
    plan_set_status,
    search_ads_serve,
    target_add,
    topup_create,
    topup_pay_sandbox,
)
from wanshang.ads.traffic_models import AdClick, AdConversion
from wanshang.ads.wording import KEYWORD_MAX_CHARS
from wanshang.catalog.selectors import seller_product_get
from wanshang.payments.models import Payment
from wanshang.search.selectors import query_words, synonym_map

MATCHES = ("exact", "phrase", "broad")
HISTORY_DAYS = 31  # the plans and top-ups are this old: the simulator's month of auctions runs on them
BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
ROBOT = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"
PER_PAGE = 40  # the storefront's search page size (storefront/views/search.py)
CTR_BY_SLOT = {1: 0.16, 6: 0.07, 11: 0.05, 16: 0.04}  # a demo's click-through rates, by position on the page
CTR_OTHER = 0.03
ROBOT_SHARE = 0.04  # of clicks: a scraper following the link (recorded as 机器流量, not charged)
REPEAT_SHARE = 0.05  # of clicks: back to the results and the same ad again (重复点击, not charged)
INVALID_REFUND_EVERY = 40  # the platform refunds about one charged click in this many as invalid
SOURCE_OF_KIND = {"keyword": "ads_kw", "audience": "ads_aud", "auto": "ads_auto"}  # analytics' paid sources
AUDIENCE_CTR = 0.03  # a demo's click-through rate of an audience ad card (猜你喜欢, the product page's row)
# Of the page views, those that scroll to the ad row: the slot loads when it comes into view, so only these
# are auctions and impressions (the product page's row sits below the details, the home feed below the banner).
ROW_SEEN = {"home": 0.6, "product": 0.25}


def ads_create(*, shops, on_sale: dict, rng: random.Random, log) -> dict:
    """One account and one keyword plan per shop; an audience plan (引力魔方) on the second retail product and,
    every other shop, a 全站推广 goal plan on the next two. Returns the counts."""
    counts = {"plans": 0, "keywords": 0, "audience": 0, "auto": 0}
    for n, demo in enumerate(shops):
        refs = [r for r in on_sale.get(demo.spec["slug"], []) if not r.wholesale_qty]
        if not refs:
            continue
        shop, user = demo.shop, demo.owner.user
        topup = topup_create(shop=shop, user=user, amount_fen=rng.choice((50_000, 100_000, 200_000)))
        topup_pay_sandbox(shop=shop, payment_no=topup.payment_no)
        _topup_backdate(topup.payment_no)
        product = seller_product_get(shop=shop, product_id=refs[0].product_id)
        bid = rng.randrange(60, 160, 5)
        today = timezone.localdate()
        plan = plan_create(
            shop=shop,
            data=PlanInput(
                name=f"{product.title[:12].strip()} 直通车",
                daily_budget_fen=rng.choice((5_000, 10_000, 20_000)),
                start_date=today,
                end_date=today + timedelta(days=60),
                hour_multipliers=[30] * 7 + [100] * 12 + [130] * 4 + [60],
            ),
        )
        group = group_create(shop=shop, plan_id=plan.pk, product_id=product.pk, default_bid_fen=bid)
        words = [w for w in query_words(product.title) if 2 <= len(w) <= KEYWORD_MAX_CHARS][:5]
        rows = [
            KeywordInput(word=w, bid_fen=bid + 10 * i if i % 2 == 0 else None, match_type=MATCHES[i % 3])
            for i, w in enumerate(words)
        ]
        made = keywords_add(shop=shop, group_id=group.pk, rows=rows) if rows else []
        negative_add(shop=shop, plan_id=plan.pk, word="二手", match_type="phrase")
        if product.images:
            brand = product.brand.name if product.brand else shop.name[:4]
            creative_add(
                shop=shop,
                group_id=group.pk,
                title=f"{brand}{product.category.name} 官方正品"[:20],
                image_url=product.images[0],
            )
        plan_set_status(shop=shop, plan_id=plan.pk, status="active")
        AdPlan.objects.filter(pk=plan.pk).update(start_date=today - timedelta(days=HISTORY_DAYS))
        counts["plans"] += 1
        counts["keywords"] += len(made)
        others = [seller_product_get(shop=shop, product_id=r.product_id) for r in refs[1:4]]
        extra = []
        if others:
            extra.append(_audience_plan(shop, others[0], rng=rng, today=today).name)
            counts["audience"] += 1
        if n % 2 == 0 and len(others) > 1:
            extra.append(_goal_plan(shop, others[1:], today=today).name)
            counts["auto"] += 1
        log(
            f"  {shop.name}：推广余额 ¥{account_balance(shop=shop) / 100:.2f}，计划「{plan.name}」{len(made)} 个关键词"
            + "".join(f"，「{name}」" for name in extra)
        )
    return counts


def _audience_plan(shop, product, *, rng: random.Random, today) -> AdPlan:
    """An active 引力魔方 plan on `product`: CPC, three ads a visitor a day, shown to visitors of similar products
    and to those who searched the product's words."""
    plan = plan_create(
        shop=shop,
        data=PlanInput(
            name=f"{product.title[:12].strip()} 猜你喜欢",
            daily_budget_fen=rng.choice((3_000, 5_000, 8_000)),
            start_date=today,
            end_date=today + timedelta(days=60),
            kind=AdPlan.Kind.AUDIENCE,
        ),
    )
    group_create(shop=shop, plan_id=plan.pk, product_id=product.pk, default_bid_fen=rng.randrange(40, 90, 5))
    audience_setup_update(shop=shop, plan_id=plan.pk, billing="cpc", frequency_cap=3)
    target_add(shop=shop, plan_id=plan.pk, kind="similar", multiplier_pct=120)
    words = [w for w in query_words(product.title) if 2 <= len(w) <= KEYWORD_MAX_CHARS][:3]
    if words:
        target_add(shop=shop, plan_id=plan.pk, kind="intent", multiplier_pct=110, words=words)
    plan_set_status(shop=shop, plan_id=plan.pk, status="active")
    AdPlan.objects.filter(pk=plan.pk).update(start_date=today - timedelta(days=HISTORY_DAYS))
    return plan


def _goal_plan(shop, products, *, today) -> AdPlan:
    """An active 全站推广 plan on `products` with a target 投产比 of 3.00, its λ stepped by the simulator's hours."""
    plan = autoplan_create(
        shop=shop,
        data=AutoPlanInput(
            name=f"{products[0].title[:10].strip()} 全站推广",
            product_ids=[p.pk for p in products],
            daily_budget_fen=10_000,
            target_roas_centi=300,
            start_date=today,
            end_date=today + timedelta(days=60),
        ),
    )
    plan_set_status(shop=shop, plan_id=plan.pk, status="active")
    past = timezone.now() - timedelta(days=HISTORY_DAYS)
    AdPlan.objects.filter(pk=plan.pk).update(start_date=today - timedelta(days=HISTORY_DAYS), updated_at=past)
    return plan


def _topup_backdate(payment_no: str) -> None:
    """The shop topped up when its plan started, a month ago (demo-only back-dating, as in backdate.py)."""
    when = timezone.now() - timedelta(days=HISTORY_DAYS)
    payment = Payment.objects.filter(no=payment_no).first()
    if payment is None:
        return
    Payment.objects.filter(pk=payment.pk).update(created_at=when, paid_at=when)
    topup = AdTopUp.objects.filter(payment_no=payment_no).first()
    if topup is not None:
        AdTopUp.objects.filter(pk=topup.pk).update(created_at=when, credited_at=when)
        AdLedgerEntry.objects.filter(shop_id=topup.shop_id, kind="topup").update(created_at=when)


@dataclass
class AdTally:
    impressions: int = 0
    audience: int = 0  # of the impressions: outside search (home feed, product pages)
    clicks: int = 0  # recorded clicks, whatever their status
    charged: int = 0
    spend_fen: int = 0
    robots: int = 0
    repeats: int = 0
    refunded: int = 0
    conversions: int = 0

    def line(self) -> str:
        return (
            f"  广告：展现 {self.impressions} 次（站外资源位 {self.audience} 次），点击 {self.clicks} 次（扣费 {self.charged} 次 "
            f"¥{self.spend_fen / 100:.2f}，机器流量 {self.robots}，重复 {self.repeats}，平台退款 {self.refunded}），"
            f"成交归因 {self.conversions} 个订单行"
        )


@dataclass(frozen=True)
class AdLanding:
    product_id: int
    source: str  # analytics' level-2 paid source of the landing


class AdTraffic:
    """The simulator's ads: auctions on its search pages, clicks, landings and attribution (module docstring)."""

    def __init__(self, *, seed: int):
        self.rng = random.Random(f"wanshang-sim:{seed}:ads")
        keywords = AdKeyword.objects.filter(
            status=AdKeyword.Status.ACTIVE, group__plan__status=AdPlan.Status.ACTIVE
        ).order_by("pk")
        self.words = sorted({k.word for k in keywords})  # what an ad-minded visitor searches
        self.tokens = {t for k in keywords for t in keyword_tokens(k)}
        self.live = bool(self.tokens)
        self.audience_live = AdPlan.objects.filter(
            status=AdPlan.Status.ACTIVE, kind__in=(AdPlan.Kind.AUDIENCE, AdPlan.Kind.AUTO)
        ).exists()
        self.since = AdLedgerEntry.objects.aggregate(m=Max("pk"))["m"] or 0  # this run's rows come after
        self.tally = AdTally()
        self.kinds: dict[int, str] = {}  # group id → plan kind

    def intent_word(self) -> str | None:
        """What a visitor coming for an advertised product searches: one of the live keywords (None: no ads)."""
        return self.rng.choice(self.words) if self.words else None

    def _may_match(self, word: str) -> bool:
        """Whether any live keyword could match the query (a shared word, or a synonym of one): searches that
        cannot show an ad skip the auction, and so the serving index of an hour without one is never built."""
        words = set(query_words(word))
        synonyms = synonym_map()
        words.update(s for w in list(words) for s in synonyms.get(w, ()))
        return not words.isdisjoint(self.tokens)

    def search(self, *, visit, word: str, intent: bool = False) -> AdLanding | None:
        """The ads on the first results page of `word` for this visit (impressions at the visit's time); the
        landing of the ad the visitor clicked, or None. A visitor who came `intent` on an advertised product
        clicks the first ad shown."""
        if not self.live or not self._may_match(word):
            return None
        rng, now = self.rng, visit.now()
        served = self._serve(visit, word, now)
        for ad in served:
            if not intent and rng.random() >= CTR_BY_SLOT.get(ad.position, CTR_OTHER):
                continue
            when = now + timedelta(seconds=rng.uniform(2, 25))
            robot = rng.random() < ROBOT_SHARE
            outcome = self._click(visit, ad.token, when, ROBOT if robot else BROWSER)
            if robot:
                return None  # a scraper: it does not browse on
            visit.clock = when
            if rng.random() < REPEAT_SHARE:
                again = [a for a in self._serve(visit, word, when) if a.group_id == ad.group_id]
                if again:
                    self._click(visit, again[0].token, when + timedelta(seconds=40), BROWSER)
            return AdLanding(outcome.product_id, SOURCE_OF_KIND.get(self._kind(ad.group_id), "ads"))
        return None

    def placement(self, *, visit, placement: str, product_id: int | None = None) -> AdLanding | None:
        """The audience ads (引力魔方, and goal plans where they bid) of one home or product page view at the
        visit's time, through the real serving (its crowds read the visitor's ingested history, its frequency
        cap counts); the landing of the card clicked, or None."""
        if not self.audience_live or self.rng.random() >= ROW_SEEN.get(placement, 1.0):
            return None
        now = visit.now()
        served = audience_ads_serve(
            placement=placement,
            visitor=visit.visitor,
            user_id=visit.user_id,
            terminal=visit.terminal,
            user_agent=BROWSER,
            exclude_product_ids=[product_id] if product_id else (),
            now=now,
        )
        self.tally.impressions += len(served)
        self.tally.audience += len(served)
        for ad in served:
            if self.rng.random() >= AUDIENCE_CTR:
                continue
            when = now + timedelta(seconds=self.rng.uniform(3, 20))
            outcome = self._click(visit, ad.token, when, BROWSER)
            visit.clock = when
            return AdLanding(outcome.product_id, SOURCE_OF_KIND.get(self._kind(ad.group_id), "ads"))
        return None

    def day_done(self, end) -> None:
        """The simulated day before `end` is over: the goal plans' λ stepped through its hours in order (the
        `ads.autobid_tick` job catching up at the simulated time, as after downtime), so the next day's bids
        follow the achieved 投产比. Once a day rather than hourly: each step rebuilds the serving indexes. The
        day's spooled impressions are ingested first (the ads.ingest job runs every 10 s)."""
        ad_events_ingest()
        if self.audience_live:
            autobid_tick(now=end)

    def _kind(self, group_id: int) -> str:
        return self.kinds.get(group_id) or self.kinds.setdefault(group_id, group_plan_kind(group_id=group_id))

    def _serve(self, visit, word, now) -> list:
        served = search_ads_serve(
            words=query_words(word),
            query=word,
            page=1,
            per_page=PER_PAGE,
            visitor=visit.visitor,
            terminal=visit.terminal,
            user_agent=BROWSER,
            now=now,
        )
        self.tally.impressions += len(served)
        return served

    def _click(self, visit, token: str, when, agent: str):
        outcome = click_record(
            token=token,
            visitor=visit.visitor,
            user_id=visit.user_id,
            user_agent=agent,
            terminal=visit.terminal,
            now=when,
        )
        outcome = _settled(outcome)
        tally = self.tally
        tally.clicks += outcome.status != "replay"
        tally.robots += outcome.status == "bot"
        tally.repeats += outcome.status == "duplicate"
        if outcome.status == "charged":
            tally.charged += 1
            tally.spend_fen += outcome.charged_fen
        return outcome

    def conversions_at(self, *, facts, paid) -> None:
        """Paid orders attributed at their simulated payment time: the services attributed them at the real
        time (after commit), which misses clicks older than the window back from now; this finds those too
        (idempotent per order line) and dates every conversion at the payment."""
        if not self.tally.clicks:
            return
        conversions_record(orders=facts, at=paid)
        ids = [f.order_id for f in facts]
        self.tally.conversions += AdConversion.objects.filter(order_id__in=ids).update(paid_at=paid)

    def finish(self, *, log) -> None:
        """The ledger's charges dated at their clicks; about one charged click in INVALID_REFUND_EVERY refunded
        by the platform as invalid a day later (through the service, so the balance moves with the ledger).
        The impressions spooled since the last click are ingested first."""
        ad_events_ingest()
        if not self.tally.charged:
            return
        entries = list(
            AdLedgerEntry.objects.filter(
                pk__gt=self.since, kind=AdLedgerEntry.Kind.CHARGE, reference__startswith="adclick:"
            )
            .order_by("pk")
            .values_list("pk", "reference")
        )
        times = _click_times([ref for _pk, ref in entries])
        for start in range(0, len(entries), 500):
            chunk = [(pk, times[ref]) for pk, ref in entries[start : start + 500] if ref in times]
            if chunk:
                AdLedgerEntry.objects.filter(pk__in=[pk for pk, _ in chunk]).update(
                    created_at=Case(
                        *[When(pk=pk, then=Value(t)) for pk, t in chunk], output_field=DateTimeField()
                    )
                )
        refunds = []
        for _pk, ref in entries[INVALID_REFUND_EVERY // 2 :: INVALID_REFUND_EVERY]:
            entry = invalid_click_refund(charge_ref=ref, reason="平台复核：同一设备短时间内异常点击")
            refunds.append((entry.pk, times.get(ref)))
        now = timezone.now()
        for pk, when in refunds:
            if when is not None:
                AdLedgerEntry.objects.filter(pk=pk).update(created_at=min(when + timedelta(days=1), now))
        self.tally.refunded = len(refunds)
        log(self.tally.line())


def _settled(outcome):
    """The click as the ingest job settled it (run now, so the next auction sees the charge): "replay" when its
    token was recorded before."""
    used = AdClick.objects.filter(token_hash=outcome.token_hash).exists()
    ad_events_ingest()
    row = None if used else AdClick.objects.filter(token_hash=outcome.token_hash).first()
    if row is None:
        return replace(outcome, status="replay" if used else outcome.status)
    return replace(outcome, status=row.status, charged_fen=row.charged_fen)


def _click_times(references: list[str]) -> dict:
    """{ledger reference `adclick:<id>`: the click's time}."""
    ids = [int(ref.split(":", 1)[1]) for ref in references if ref.split(":", 1)[1].isdigit()]
    out = {}
    for start in range(0, len(ids), 900):
        for pk, ts in AdClick.objects.filter(pk__in=ids[start : start + 900]).values_list("pk", "ts"):
            out[f"adclick:{pk}"] = ts
    return out
