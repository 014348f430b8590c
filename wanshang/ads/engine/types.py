"""Inputs and outputs of the ads engine: frozen, slotted dataclasses a caller builds from DB rows cheaply.

Tokens are tuples of already-normalised jieba words: a keyword's and a query's both come from
`wanshang.search.text.query_words` (precise mode, NFKC + lower case, stop words and repeats dropped), so the two
sides are cut the same way. Money is integer fen.
"""

from dataclasses import dataclass, field
from enum import StrEnum

# quality in integer millionths: ranks (bid × QS) and GSP prices are exact integers, never off by a float fen
QS_SCALE = 1_000_000


class MatchType(StrEnum):
    EXACT = "exact"  # 精准匹配: the query's tokens are the keyword's, in order
    PHRASE = "phrase"  # 短语匹配: the keyword's tokens appear contiguous, in order, in the query
    BROAD = "broad"  # 广泛匹配: every keyword token (or a synonym of it) appears somewhere in the query


NEGATIVE_MATCH_TYPES = frozenset({MatchType.EXACT, MatchType.PHRASE})


@dataclass(frozen=True, slots=True)
class KeywordAd:
    """One bid keyword of an ad group (one promoted product)."""

    keyword_id: int
    group_id: int
    plan_id: int
    shop_id: int
    product_id: int
    tokens: tuple[str, ...]
    match_type: MatchType
    bid_fen: int


@dataclass(frozen=True, slots=True)
class Negative:
    """A negative keyword: exact or phrase, of a whole plan (`group_id` None) or of one ad group."""

    tokens: tuple[str, ...]
    match_type: MatchType
    plan_id: int
    group_id: int | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    """One bidder in an auction.

    `quality` is the live quality score (`quality.live_score`, > 0, 1.0 = average); `group` is the
    de-duplication key (the ad group: one product shows at most once per page, with its best keyword);
    `ad` is whatever the caller wants back in the `Win` (a `KeywordAd`, an audience ad's id…).
    """

    ad_id: int
    bid_fen: int
    quality: float
    group: int | None = None
    ad: object = None
    # set from the above when built, so an auction over thousands of candidates only compares integers
    q_scaled: int = field(init=False, repr=False, compare=False)
    rank: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.bid_fen, int) or isinstance(self.bid_fen, bool) or self.bid_fen < 1:
            raise ValueError(f"a bid is a whole number of fen ≥ 1, got {self.bid_fen!r}")
        q = round(self.quality * QS_SCALE) if self.quality == self.quality else 0  # NaN → 0
        if q < 1:
            raise ValueError(f"quality must be > 0, got {self.quality!r}")
        object.__setattr__(self, "q_scaled", q)
        object.__setattr__(self, "rank", self.bid_fen * q)


@dataclass(frozen=True, slots=True)
class Win:
    """A shown ad: its slot (1 = first), its cost per click and its rank (bid × QS, in fen at QS 1.0)."""

    candidate: Candidate
    position: int
    price_fen: int
    rank: float


@dataclass(frozen=True, slots=True)
class AuctionResult:
    wins: tuple[Win, ...]
    # bidders ranked below the last slot (not shown) and those under the reserve, best first: for reports
    # ("排名靠后" / "低于底价") and for the search-term report's lost impressions
    outranked: tuple[Candidate, ...] = ()
    below_reserve: tuple[Candidate, ...] = ()


@dataclass(frozen=True, slots=True)
class CtrStats:
    """Impressions and clicks of a keyword (or creative) and the average CTR of its category's keywords."""

    impressions: int
    clicks: int
    category_ctr: float


@dataclass(frozen=True, slots=True)
class ItemText:
    """The promoted product's words: title, category path and attribute values, each as tokens."""

    title: tuple[str, ...]
    category: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Experience:
    """Buyer experience of the product; None where there is no data yet (counted as neutral).

    Rates are against the category's average so a category with many refunds (clothes) is not punished.
    """

    clicks: int = 0
    orders: int = 0
    category_cvr: float | None = None
    review_score: float | None = None  # 1–5 stars
    review_count: int = 0
    refund_rate: float | None = None  # refunded orders ÷ paid orders (the caller may smooth it)
    category_refund_rate: float | None = None
    paid_orders: int = 0  # the counts behind refund_rate, for the report's explanation
    refunded_orders: int = 0


@dataclass(frozen=True, slots=True)
class QualityComponents:
    """The three live factors of the quality score, each 1.0 at the category's average."""

    ctr: float
    relevance: float
    experience: float
