"""The 推广报表 part of tests/test_api_responses.py: /api/seller/ads/reports, /search-terms and a keyword's quality
called with rows (an ad shown, clicked and charged through the services), plus their refusals."""

from datetime import timedelta

from django.utils import timezone

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"


def seller_ads_reports(contract, owner, B: str, shop, make_product) -> None:
    from wanshang.ads import services
    from wanshang.ads.tests.spooling import click_settled
    from wanshang.search.selectors import query_words

    data = services.PlanInput(
        name="报表计划",
        daily_budget_fen=2000,
        start_date=timezone.localdate(),
        end_date=timezone.localdate() + timedelta(days=3),
    )
    plan = services.plan_create(shop=shop, data=data)
    product = make_product(shop, title="雪纺碎花半身裙")
    group = services.group_create(shop=shop, plan_id=plan.pk, product_id=product.pk, default_bid_fen=90)
    [keyword] = services.keywords_add(
        shop=shop, group_id=group.pk, rows=[services.KeywordInput(word="半身裙")]
    )
    services.plan_set_status(shop=shop, plan_id=plan.pk, status="active")
    from wanshang.ads.tasks import ads_serving_refresh

    ads_serving_refresh(timezone.now())  # the job sees the new plan (the writes' bump waits for a commit)
    [ad] = services.search_ads_serve(
        words=query_words("半身裙"), query="半身裙", page=1, per_page=40, visitor="c" * 32, terminal="pc"
    )
    click_settled(token=ad.token, visitor="c" * 32, user_id=None, user_agent=BROWSER)

    for by in ("day", "hour", "plan", "group", "keyword", "placement"):
        contract.call(owner, "get", f"{B}/ads/reports", query={"by": by, "days": 7}, expect=200)
    contract.call(owner, "get", f"{B}/ads/reports", query={"plan_id": plan.pk}, expect=200)
    contract.call(owner, "get", f"{B}/ads/reports", query={"plan_id": 999_999}, expect=404)
    contract.call(owner, "get", f"{B}/ads/reports", query={"by": "minute"}, expect=422)
    today = timezone.localdate().isoformat()
    contract.call(owner, "get", f"{B}/ads/reports", query={"start": today, "end": today}, expect=200)
    contract.call(owner, "get", f"{B}/ads/reports", query={"start": today, "end": "2000-01-01"}, expect=400)
    contract.call(owner, "get", f"{B}/ads/search-terms", query={"keyword_id": keyword.pk}, expect=200)
    contract.call(owner, "get", f"{B}/ads/search-terms", query={"keyword_id": 999_999}, expect=404)
    k = {"keyword_id": keyword.pk}
    contract.call(owner, "get", f"{B}/ads/keywords/{{keyword_id}}/quality", path=k, expect=200)
    missing = {"keyword_id": 999_999}
    contract.call(owner, "get", f"{B}/ads/keywords/{{keyword_id}}/quality", path=missing, expect=404)

    # 推广单元 tools: keyword suggestions (with their one-click add) and the creatives report
    missing_g = {"group_id": 999_999}
    g = {"group_id": group.pk}
    suggestions = contract.call(
        owner, "get", f"{B}/ads/groups/{{group_id}}/keyword-suggestions", path=g, expect=200
    )
    assert any(row["word"] for row in suggestions), suggestions  # the title's own words at least
    word = next(row["word"] for row in suggestions)
    contract.call(
        owner,
        "post",
        f"{B}/ads/groups/{{group_id}}/keyword-suggestions",
        path=g,
        body={"word": word, "match_type": "phrase"},
        expect=201,
    )
    contract.call(
        owner,
        "post",
        f"{B}/ads/groups/{{group_id}}/keyword-suggestions",
        path=g,
        body={"word": "x" * 21, "match_type": "phrase"},
        expect=400,
    )
    contract.call(
        owner, "get", f"{B}/ads/groups/{{group_id}}/keyword-suggestions", path=missing_g, expect=404
    )
    contract.call(owner, "get", f"{B}/ads/groups/{{group_id}}/creatives/report", path=g, expect=200)
    contract.call(
        owner, "get", f"{B}/ads/groups/{{group_id}}/creatives/report", path=g, query={"days": 5}, expect=422
    )
    contract.call(owner, "get", f"{B}/ads/groups/{{group_id}}/creatives/report", path=missing_g, expect=404)
