"""The generalised second-price (GSP) auction of one results page.

- ad rank = bid × QS (the live quality score, `quality.live_score`); bidders under the reserve rank
  (`reserve_fen` × 1.0) are not shown at all;
- order: rank descending; ties by higher QS first, then by a seeded mix of the ad id, `hash((tie_seed,
  ad_id))` (pass the page view's number so equal bidders take turns; the same seed gives the same order in
  every process: CPython hashes integers and their tuples without a per-process salt);
- one candidate per `group` (an ad group promotes one product): its best-ranked keyword;
- slot i pays min(bid_i, ⌈rank_{i+1} ÷ QS_i⌉ + 1 fen), where i+1 is the next-ranked bidder over the reserve
  even when the slots are full and it is not shown;
- the last shown ad with no such next bidder pays the reserve: min(bid_i, ⌈reserve ÷ QS_i⌉).

Arithmetic is exact: a `Candidate` scales its quality to integer millionths (`QS_SCALE`) when built, so ranks
and prices are integers and a price never drifts a fen on float rounding. Worked examples: docs/ads-engine.md.
"""

import heapq
from collections.abc import Iterable

from wanshang.ads.engine.types import QS_SCALE, AuctionResult, Candidate, Win


def scaled_quality(quality: float) -> int:
    q = round(quality * QS_SCALE)
    if q < 1:
        raise ValueError(f"quality must be > 0, got {quality!r}")
    return q


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _check(slots: int, reserve_fen: int) -> None:
    if slots < 1:
        raise ValueError("an auction needs at least one slot")
    if reserve_fen < 1:
        raise ValueError("the reserve is at least 1 fen")


# (−rank, −QS, tie mix, input position, candidate): the position makes every key unique, so two rows never
# compare their candidates
_Row = tuple[int, int, int, int, Candidate]


def _rows(
    candidates: Iterable[Candidate], reserve_rank: int, tie_seed: int, below: list | None
) -> list[_Row]:
    """One row per group (its best keyword: higher rank, then higher QS, then lower ad id) over the reserve."""
    best: dict[object, Candidate] = {}
    out: list[_Row] = []
    for c in candidates:
        if c.rank < reserve_rank:
            if below is not None:
                below.append(c)
            continue
        g = c.group
        if g is None:
            out.append((-c.rank, -c.q_scaled, hash((tie_seed, c.ad_id)), len(out), c))
            continue
        held = best.get(g)
        if held is None or (c.rank, c.q_scaled, -c.ad_id) > (held.rank, held.q_scaled, -held.ad_id):
            best[g] = c
    for c in best.values():
        out.append((-c.rank, -c.q_scaled, hash((tie_seed, c.ad_id)), len(out), c))
    return out


def run_auction(
    candidates: Iterable[Candidate], *, slots: int, reserve_fen: int, tie_seed: int = 0, full: bool = False
) -> AuctionResult:
    """Rank the candidates, fill up to `slots` positions and price each shown ad (GSP with a reserve).

    `full` also returns every outranked and below-reserve candidate (for reports); without it only the first
    outranked one (the bidder that set the last slot's price) is kept, and the work is a partial sort.
    Raises ValueError for a bid under 1 fen, a quality ≤ 0, no slot or a reserve under 1 fen.
    """
    _check(slots, reserve_fen)
    reserve_rank = reserve_fen * QS_SCALE
    below: list[Candidate] | None = [] if full else None
    rows = _rows(candidates, reserve_rank, tie_seed, below)
    ranked = sorted(rows) if full else heapq.nsmallest(slots + 1, rows)
    wins = []
    for i, row in enumerate(ranked[:slots]):
        c = row[4]
        price = _ceil_div(reserve_rank, c.q_scaled)
        if i + 1 < len(ranked):
            price = max(price, _ceil_div(ranked[i + 1][4].rank, c.q_scaled) + 1)
        wins.append(Win(candidate=c, position=i + 1, price_fen=min(c.bid_fen, price), rank=c.rank / QS_SCALE))
    outranked = tuple(row[4] for row in ranked[slots:])
    below_sorted = tuple(sorted(below or (), key=lambda c: (-c.rank, -c.q_scaled, c.ad_id)))
    return AuctionResult(wins=tuple(wins), outranked=outranked, below_reserve=below_sorted)


def reserve_floor_fen(quality: float, reserve_fen: int) -> int:
    """The least a shown ad of this quality can pay per click: ⌈reserve ÷ QS⌉ (its bid must reach it)."""
    return _ceil_div(reserve_fen * QS_SCALE, scaled_quality(quality))
