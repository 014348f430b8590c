"""The generalised second-price (GSP) auction of one results page.

- ad rank = bid × QS (the live quality score, `quality.live_score`); bidders under the reserve rank
  (`reserve_fen` × 1.0) are not shown at all;
- order: rank descending; ties by higher QS first, then by a seeded mix of the ad id (`tie_seed`: pass the
  page view's or the query's number so equal bidders take turns; the same seed gives the same order);
- one candidate per `group` (an ad group promotes one product): its best-ranked keyword;
- slot i pays min(bid_i, ⌈rank_{i+1} ÷ QS_i⌉ + 1 fen), where i+1 is the next-ranked bidder over the reserve
  even when the slots are full and it is not shown;
- the last shown ad with no such next bidder pays the reserve: min(bid_i, ⌈reserve ÷ QS_i⌉).

Arithmetic is exact: quality is scaled to integer millionths (`QS_SCALE`) so ranks and prices are integers and
a price never drifts a fen on float rounding. Worked examples: docs/ads-engine.md.
"""

import heapq
from collections.abc import Iterable

from wanshang.ads.engine.types import AuctionResult, Candidate, Win

QS_SCALE = 1_000_000
_MASK = (1 << 64) - 1


def _mix(seed: int, ad_id: int) -> int:
    """splitmix64 of (seed, id): a fixed, process-independent shuffle for ties."""
    z = (seed * 0x9E3779B97F4A7C15 + ad_id + 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


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


_Row = tuple[tuple[int, int, int, int], int, Candidate]


def _keyed(candidates: Iterable[Candidate], tie_seed: int) -> list[_Row]:
    """(sort key, scaled QS, candidate), one per group (its best key), bids checked. The key's last part is
    the input position, so two rows never compare their candidates."""
    best: dict[object, _Row] = {}
    out = []
    for n, c in enumerate(candidates):
        if not isinstance(c.bid_fen, int) or c.bid_fen < 1:
            raise ValueError(f"bid must be a whole number of fen ≥ 1, got {c.bid_fen!r}")
        q = scaled_quality(c.quality)
        row = ((-c.bid_fen * q, -q, _mix(tie_seed, c.ad_id), n), q, c)
        if c.group is None:
            out.append(row)
        elif c.group not in best or row[0] < best[c.group][0]:
            best[c.group] = row
    out.extend(best.values())
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
    keyed = _keyed(candidates, tie_seed)
    above = [row for row in keyed if -row[0][0] >= reserve_rank]
    ranked = sorted(above) if full else heapq.nsmallest(slots + 1, above)
    wins = []
    for i, (key, q, c) in enumerate(ranked[:slots]):
        floor = _ceil_div(reserve_rank, q)
        if i + 1 < len(ranked):
            price = max(floor, _ceil_div(-ranked[i + 1][0][0], q) + 1)
        else:
            price = floor
        wins.append(
            Win(candidate=c, position=i + 1, price_fen=min(c.bid_fen, price), rank=-key[0] / QS_SCALE)
        )
    outranked = tuple(row[2] for row in ranked[slots:])
    below = tuple(row[2] for row in sorted(row for row in keyed if -row[0][0] < reserve_rank)) if full else ()
    return AuctionResult(wins=tuple(wins), outranked=outranked, below_reserve=below)


def reserve_floor_fen(quality: float, reserve_fen: int) -> int:
    """The least a shown ad of this quality can pay per click: ⌈reserve ÷ QS⌉ (its bid must reach it)."""
    return _ceil_div(reserve_fen * QS_SCALE, scaled_quality(quality))
