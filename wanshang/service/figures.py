"""客服数据 (数据中心): first-response time p50/p90, the share answered within 3 minutes, 询单转化率, satisfaction
and SLA breaches, per shop and per agent over a date range. Definitions: docs/service.md."""

import math
from datetime import datetime, timedelta

from wanshang.orders.selectors import shop_order_times_of_buyers
from wanshang.service import autoreply
from wanshang.service.models import Conversation, Satisfaction

QUICK_SECONDS = 180  # "answered within 3 minutes"
CONVERSION_DAYS = 7  # a chat counts as converted when the buyer orders within this many days after it


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile of `values` (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def _block(convs: list, ratings: list, orders: dict, breaches: int | None) -> dict:
    asked = [c for c in convs if c["first_buyer_at"] is not None]
    waits = [
        (c["first_response_at"] - c["first_buyer_at"]).total_seconds()
        for c in asked
        if c["first_response_at"] is not None
    ]
    quick = sum(1 for w in waits if w <= QUICK_SECONDS)
    chatted = {}
    for c in asked:
        chatted.setdefault(c["buyer_id"], c["first_buyer_at"])
        chatted[c["buyer_id"]] = min(chatted[c["buyer_id"]], c["first_buyer_at"])
    converted = sum(
        1
        for buyer_id, at in chatted.items()
        if any(at <= t <= at + timedelta(days=CONVERSION_DAYS) for t in orders.get(buyer_id, ()))
    )
    stars = [r["stars"] for r in ratings]
    return {
        "conversations": len(convs),
        "asked": len(asked),
        "answered": len(waits),
        "first_response_p50": percentile(waits, 50),
        "first_response_p90": percentile(waits, 90),
        "quick_rate": (quick / len(asked)) if asked else None,
        "buyers": len(chatted),
        "converted": converted,
        "conversion_rate": (converted / len(chatted)) if chatted else None,
        "ratings": len(stars),
        "satisfaction_avg": (sum(stars) / len(stars)) if stars else None,
        "satisfaction_dist": {n: stars.count(n) for n in range(1, 6)},
        "sla_breaches": breaches,
    }


def service_figures(*, shop, since: datetime, until: datetime) -> dict:
    """{"shop": block, "agents": [{"user_id", "name", **block}]} for conversations whose buyer first wrote in
    [since, until); ratings given in the range; SLA breaches from helpdesk."""
    convs = list(
        Conversation.objects.for_shop(shop)
        .filter(first_buyer_at__gte=since, first_buyer_at__lt=until)
        .values(
            "id",
            "buyer_id",
            "assignee_id",
            "assignee__nickname",
            "assignee__username",
            "first_buyer_at",
            "first_response_at",
        )
    )
    ratings = list(
        Satisfaction.objects.for_shop(shop)
        .filter(created_at__gte=since, created_at__lt=until)
        .values("agent_id", "stars")
    )
    orders = shop_order_times_of_buyers(
        shop_id=shop.pk,
        buyer_ids={c["buyer_id"] for c in convs},
        since=since,
        until=until + timedelta(days=CONVERSION_DAYS),
    )
    sla = autoreply.sla_breaches(shop, since, until)
    agents = {}
    for c in convs:
        if c["assignee_id"] is not None:
            agents[c["assignee_id"]] = c["assignee__nickname"] or c["assignee__username"]
    per_agent = [
        {
            "user_id": uid,
            "name": name,
            **_block(
                [c for c in convs if c["assignee_id"] == uid],
                [r for r in ratings if r["agent_id"] == uid],
                orders,
                sla["by_agent"].get(uid, 0),
            ),
        }
        for uid, name in sorted(agents.items(), key=lambda kv: kv[1])
    ]
    return {"shop": _block(convs, ratings, orders, sla["total"]), "agents": per_agent}
