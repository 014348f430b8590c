"""Keyword suggestions (关键词推荐) for an ad group's product, from the search log and the product's title.

Candidates:

- **search**: the queries of the last `WINDOW_DAYS` whose opened result was a product of the group's product's
  category (`search.selectors.queries_to_category`: the query log keeps the first result each search opened);
- **title**: the words of the product's title as the search box cuts them (`search.selectors.query_words`,
  jieba precise mode), each word of two characters or more and each pair of neighbouring words.

A candidate is its words joined by spaces (what the query log calls `normalised`), so 连衣裙夏季 and
连衣裙 夏季 are one candidate. Words already in the group, words over the keyword limit and words the search box
reduces to nothing are left out. For each candidate:

- **monthly searches**: searches of the last 30 days that read as exactly these words;
- **competition**: other shops bidding on it now (an active keyword of an active group of an active keyword
  plan with the same words, written with or without spaces);
- **CTR**: impressions and valid clicks (charged, repeated, unpaid; as the quality score counts them) of every
  shop's keywords with these words over the last 30 days; none without impressions;
- **suggested bid**: the 75th percentile (nearest rank) of the competitors' bids (a keyword's own bid, else its
  group's default), at least the platform's reserve price and at most its maximum bid and the plan's daily
  budget (a bid above it could not be added). No competitor: the reserve price.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from wanshang.ads.models import AdGroup, AdKeyword, AdPlan, MatchType
from wanshang.ads.quality_data import VALID_CLICKS
from wanshang.ads.rules import ad_settings
from wanshang.ads.structure import KeywordInput, _group, check_bid, check_word, keywords_add
from wanshang.ads.traffic_models import AdClick, AdImpression
from wanshang.ads.wording import KEYWORD_MAX_CHARS, normalise
from wanshang.common.errors import ValidationError
from wanshang.search.selectors import queries_to_category, query_volumes, query_words

WINDOW_DAYS = 30
BID_PERCENTILE = 75
SEARCH_CANDIDATES = 50
TITLE_MIN_CHARS = 2
LIMIT = 30


@dataclass(frozen=True)
class KeywordSuggestion:
    word: str  # the words joined by spaces: add it as it is
    source: str  # "search" (the query log) | "title" (the product's title)
    monthly_searches: int
    competition: int  # other shops bidding on these words now
    impressions: int
    clicks: int
    suggested_bid_fen: int

    @property
    def ctr(self) -> float | None:
        return self.clicks / self.impressions if self.impressions else None


def _key(word: str) -> str:
    return " ".join(query_words(word))


def _candidates(group: AdGroup, since) -> dict[str, str]:
    """candidate key → source, search-log words first."""
    out: dict[str, str] = {}
    for normalised, _n in queries_to_category(
        category_id=group.product.category_id, since=since, limit=SEARCH_CANDIDATES
    ):
        key = _key(normalised)
        if key:
            out.setdefault(key, "search")
    words = query_words(group.product.title)
    for i, word in enumerate(words):
        if len(word) >= TITLE_MIN_CHARS:
            out.setdefault(word, "title")
        if i + 1 < len(words):
            out.setdefault(f"{word} {words[i + 1]}", "title")
    taken = _taken(group)
    return {
        k: source
        for k, source in out.items()
        if k not in taken and len(normalise(k)) <= KEYWORD_MAX_CHARS and query_words(k)
    }


def _taken(group: AdGroup) -> set[str]:
    """The words of the group's keywords, as candidate keys (连衣裙夏季 and 连衣裙 夏季 are one)."""
    return {" ".join(k.tokens) if k.tokens else _key(k.word) for k in AdKeyword.objects.filter(group=group)}


def _percentile(values: list[int], pct: int) -> int:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def _market(keys, *, shop_id: int, since) -> dict[str, tuple[int, list[int], int, int]]:
    """key → (competitors, their bids, impressions, valid clicks) over every shop's keywords with those words."""
    variants = set(keys) | {k.replace(" ", "") for k in keys}
    rows = list(
        AdKeyword.objects.filter(word__in=variants).values(
            "pk",
            "shop_id",
            "word",
            "tokens",
            "bid_fen",
            "status",
            "group__default_bid_fen",
            "group__status",
            "group__plan__status",
            "group__plan__kind",
        )
    )
    ids = [r["pk"] for r in rows]
    imps = dict(
        AdImpression.objects.filter(keyword_id__in=ids, ts__gte=since)
        .values_list("keyword_id")
        .annotate(n=Count("id"))
    )
    clicks = dict(
        AdClick.objects.filter(keyword_id__in=ids, ts__gte=since, status__in=VALID_CLICKS)
        .values_list("keyword_id")
        .annotate(n=Count("id"))
    )
    out: dict[str, list] = {}
    for r in rows:
        key = " ".join(r["tokens"]) if r["tokens"] else _key(r["word"])
        if key not in keys:
            continue
        entry = out.setdefault(key, [set(), [], 0, 0])
        entry[2] += imps.get(r["pk"], 0)
        entry[3] += clicks.get(r["pk"], 0)
        bidding = (
            r["status"] == AdKeyword.Status.ACTIVE
            and r["group__status"] == AdGroup.Status.ACTIVE
            and r["group__plan__status"] == AdPlan.Status.ACTIVE
            and r["group__plan__kind"] == AdPlan.Kind.KEYWORD
        )
        if bidding and r["shop_id"] != shop_id:
            entry[0].add(r["shop_id"])
            entry[1].append(r["bid_fen"] or r["group__default_bid_fen"])
    return {k: (len(v[0]), v[1], v[2], v[3]) for k, v in out.items()}


def suggested_bid(bids: list[int], *, daily_budget_fen: int) -> int:
    """The rule: P75 (nearest rank) of the competing bids, within [reserve, min(maximum bid, daily budget)]."""
    rules = ad_settings()
    bid = max(_percentile(bids, BID_PERCENTILE), rules.reserve_price_fen) if bids else rules.reserve_price_fen
    return max(1, min(bid, rules.max_bid_fen, daily_budget_fen))


def _suggest(group: AdGroup, keys: dict[str, str], *, now) -> list[KeywordSuggestion]:
    since = now - timedelta(days=WINDOW_DAYS)
    volumes = query_volumes(normalised=list(keys), since=since)
    market = _market(set(keys), shop_id=group.shop_id, since=since)
    out = []
    for key, source in keys.items():
        competitors, bids, imps, clicks = market.get(key, (0, [], 0, 0))
        out.append(
            KeywordSuggestion(
                word=key,
                source=source,
                monthly_searches=volumes.get(key, 0),
                competition=competitors,
                impressions=imps,
                clicks=clicks,
                suggested_bid_fen=suggested_bid(bids, daily_budget_fen=group.plan.daily_budget_fen),
            )
        )
    return out


def keyword_suggestions(*, shop, group_id: int, limit: int = LIMIT, now=None) -> list[KeywordSuggestion]:
    """Suggested keywords for the shop's ad group (another shop's group: NotFound), most searched first."""
    group = _group(shop, group_id)
    now = now or timezone.now()
    keys = _candidates(group, now - timedelta(days=WINDOW_DAYS))
    rows = _suggest(group, keys, now=now)
    rows.sort(key=lambda s: (-s.monthly_searches, s.source != "search", -s.competition, s.word))
    return rows[: max(1, min(limit, 100))]


def suggestion_add(
    *, shop, group_id: int, word: str, match_type: str, bid_fen: int | None = None, now=None
) -> AdKeyword:
    """Add one keyword to the group (the one-click add of a suggestion): without a bid, at its suggested bid.
    The keyword rules are `keywords_add`'s, checked first with the API's field names (`word`: empty, over 20
    characters, only ignored words, already in the group with the same words; `match_type`; `bid_fen`)."""
    group = _group(shop, group_id)  # another shop's group: NotFound before anything is read for it
    key = _key(check_word(word or "", field_name="word"))
    if key in _taken(group):
        raise ValidationError(f"关键词“{key}”已存在（同样的分词）", field="word")
    if match_type not in MatchType.values:
        raise ValidationError("匹配方式须是 精确/短语/广泛", field="match_type")
    if bid_fen is None:
        bid_fen = _suggest(group, {key: "title"}, now=now or timezone.now())[0].suggested_bid_fen
    check_bid(bid_fen, field_name="bid_fen")
    if bid_fen > group.plan.daily_budget_fen:
        raise ValidationError("出价高于计划日预算：预算不够一次点击", field="bid_fen")
    return keywords_add(
        shop=shop,
        group_id=group.pk,
        rows=[KeywordInput(word=word, bid_fen=bid_fen, match_type=match_type)],
    )[0]
