"""Demo 推广中心: every shop tops up its ad account through the sandbox gateway and runs one active 直通车 plan on
its first retail product — keywords from the product's title with their bids and match types, a plan negative
and a creative — and a few of today's clicks are charged, all through the real services."""

import random
from datetime import timedelta

from django.utils import timezone

from wanshang.ads.selectors import account_balance
from wanshang.ads.services import (
    KeywordInput,
    PlanInput,
    ad_charge,
    creative_add,
    group_create,
    keywords_add,
    negative_add,
    plan_create,
    plan_set_status,
    topup_create,
    topup_pay_sandbox,
)
from wanshang.ads.wording import KEYWORD_MAX_CHARS
from wanshang.catalog.selectors import seller_product_get
from wanshang.search.selectors import query_words

MATCHES = ("exact", "phrase", "broad")


def ads_create(*, shops, on_sale: dict, rng: random.Random, log) -> dict:
    """One account and one keyword plan per shop. Returns the counts."""
    counts = {"plans": 0, "keywords": 0, "clicks": 0}
    for demo in shops:
        refs = [r for r in on_sale.get(demo.spec["slug"], []) if not r.wholesale_qty]
        if not refs:
            continue
        shop, user = demo.shop, demo.owner.user
        topup = topup_create(shop=shop, user=user, amount_fen=rng.choice((50_000, 100_000, 200_000)))
        topup_pay_sandbox(shop=shop, payment_no=topup.payment_no)
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
        counts["plans"] += 1
        counts["keywords"] += len(made)
        for n in range(rng.randrange(3, 9)):
            keyword = rng.choice(made) if made else None
            price = rng.randrange(max(bid // 2, 10), bid + 1)
            result = ad_charge(
                group_id=group.pk,
                keyword_id=keyword.pk if keyword else None,
                price_fen=price,
                ref=f"demo-{shop.pk}-{n}",
            )
            counts["clicks"] += result.charged
        log(
            f"  {shop.name}：推广余额 ¥{account_balance(shop=shop) / 100:.2f}，计划「{plan.name}」{len(made)} 个关键词"
        )
    return counts
