"""The in-memory keyword index a serving process builds once and asks per search.

`KeywordIndex.build(ads, negatives)` files each keyword by what a query must contain to trigger it:

- exact: the token tuple → ads; one dict look-up of the whole query;
- phrase: the token tuple → ads; a look-up of each contiguous run of the query (a query has at most 8
  tokens: at most 36 runs);
- broad: the sorted, de-duplicated token tuple → ads, and the set of every prefix of those tuples; the
  query's tokens and their synonyms, sorted, are walked depth first and a branch stops as soon as its prefix
  is no keyword's prefix, so the work follows the keywords that can match, not the 2ⁿ subsets;
- negatives: the token tuple → the plans and groups it blocks, looked up like phrases (an exact negative
  only for the whole query).

`eligible(query, synonyms)` answers exactly what `matching.eligible` answers one keyword at a time (a
property test holds them together), in no particular order; `candidates` gives the same as auction
`Candidate`s built once at index time with the live QS passed to `build`; `auction` runs the GSP auction on
them, touching only the best few (each posting list is kept in rank order). Rebuild (or build a new one and swap the
reference) when keywords, bids or negatives change; the index is read-only once built, so threads share it.
"""

import heapq
from collections import defaultdict
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from wanshang.ads.engine.auction import run_auction
from wanshang.ads.engine.matching import expand
from wanshang.ads.engine.types import (
    NEGATIVE_MATCH_TYPES,
    QS_SCALE,
    AuctionResult,
    Candidate,
    KeywordAd,
    MatchType,
    Negative,
)

_Key = tuple[str, ...]
_Posting = tuple[Candidate, ...]


def _order(c: Candidate) -> tuple[int, int, int]:
    """Best first: rank, then QS, then the lower keyword id (the auction's order before its seeded tie mix)."""
    return (-c.rank, -c.q_scaled, c.ad_id)


def _runs(query: Sequence[str]) -> list[_Key]:
    q = tuple(query)
    return [q[i:j] for i in range(len(q)) for j in range(i + 1, len(q) + 1)]


@dataclass(frozen=True, slots=True)
class KeywordIndex:
    exact: Mapping[_Key, _Posting]
    phrase: Mapping[_Key, _Posting]
    broad: Mapping[_Key, _Posting]
    broad_prefixes: frozenset[_Key]
    negative_exact: Mapping[_Key, tuple[Negative, ...]]
    negative_phrase: Mapping[_Key, tuple[Negative, ...]]
    size: int

    @classmethod
    def build(
        cls,
        ads: Iterable[KeywordAd],
        negatives: Iterable[Negative] = (),
        quality: Mapping[int, float] | None = None,
    ) -> "KeywordIndex":
        """Index the keyword rows. `quality` (keyword id → live QS, 1.0 where absent) makes each posting an
        auction-ready `Candidate` once, here, rather than per query."""
        exact: dict[_Key, list[Candidate]] = defaultdict(list)
        phrase: dict[_Key, list[Candidate]] = defaultdict(list)
        broad: dict[_Key, list[Candidate]] = defaultdict(list)
        size = 0
        for ad in ads:
            if not ad.tokens:
                continue
            size += 1
            q = quality.get(ad.keyword_id, 1.0) if quality is not None else 1.0
            c = Candidate(ad_id=ad.keyword_id, bid_fen=ad.bid_fen, quality=q, group=ad.group_id, ad=ad)
            if ad.match_type == MatchType.EXACT:
                exact[ad.tokens].append(c)
            elif ad.match_type == MatchType.PHRASE:
                phrase[ad.tokens].append(c)
            else:
                broad[tuple(sorted(set(ad.tokens)))].append(c)
        prefixes = {key[:n] for key in broad for n in range(1, len(key) + 1)}
        neg_exact: dict[_Key, list[Negative]] = defaultdict(list)
        neg_phrase: dict[_Key, list[Negative]] = defaultdict(list)
        for n in negatives:
            if n.match_type not in NEGATIVE_MATCH_TYPES:
                raise ValueError("a negative keyword is exact or phrase")
            if n.tokens:
                (neg_exact if n.match_type == MatchType.EXACT else neg_phrase)[n.tokens].append(n)
        freeze = lambda d: {k: tuple(v) for k, v in d.items()}  # noqa: E731
        ordered = lambda d: {k: tuple(sorted(v, key=_order)) for k, v in d.items()}  # noqa: E731
        return cls(
            exact=ordered(exact),
            phrase=ordered(phrase),
            broad=ordered(broad),
            broad_prefixes=frozenset(prefixes),
            negative_exact=freeze(neg_exact),
            negative_phrase=freeze(neg_phrase),
            size=size,
        )

    def _postings(self, query: _Key, runs: list[_Key], synonyms) -> list[_Posting]:
        """The non-empty posting lists the query reaches: its exact key, its runs' phrases, its broad subsets."""
        lists = [self.exact.get(query, ())]
        lists += [self.phrase.get(run, ()) for run in runs]
        words = sorted(expand(query, synonyms))
        prefixes, broad = self.broad_prefixes, self.broad
        stack: list[tuple[_Key, int]] = [((), 0)]
        while stack:
            prefix, start = stack.pop()
            for i in range(start, len(words)):
                key = (*prefix, words[i])
                if key in prefixes:
                    lists.append(broad.get(key, ()))
                    stack.append((key, i + 1))
        return [p for p in lists if p]

    def _blocked(self, query: _Key, runs: list[_Key]) -> tuple[set[int], set[int]]:
        plans: set[int] = set()
        groups: set[int] = set()
        hits = list(self.negative_exact.get(query, ()))
        for run in runs:
            hits.extend(self.negative_phrase.get(run, ()))
        for n in hits:
            (plans.add(n.plan_id) if n.group_id is None else groups.add(n.group_id))
        return plans, groups

    def candidates(
        self, query: Sequence[str], synonyms: Mapping[str, Sequence[str]] | None = None
    ) -> list[Candidate]:
        """The auction's candidates for this query: every keyword it triggers, minus those a negative of
        their plan or group removes, each keyword once."""
        q = tuple(query)
        if not q:
            return []
        runs = _runs(q)
        found = [c for posting in self._postings(q, runs, synonyms) for c in posting]
        if self.negative_exact or self.negative_phrase:
            plans, groups = self._blocked(q, runs)
            if plans or groups:
                found = [c for c in found if c.group not in groups and c.ad.plan_id not in plans]
        return found

    def eligible(
        self, query: Sequence[str], synonyms: Mapping[str, Sequence[str]] | None = None
    ) -> list[KeywordAd]:
        """The keyword ads this query triggers, minus those a negative of their plan or group removes."""
        return [c.ad for c in self.candidates(query, synonyms)]

    def auction(
        self,
        query: Sequence[str],
        synonyms: Mapping[str, Sequence[str]] | None = None,
        *,
        slots: int,
        reserve_fen: int,
        tie_seed: int = 0,
        exclude_plans: Container[int] = (),
    ) -> AuctionResult:
        """`run_auction(self.candidates(query, synonyms), …)` without touching every candidate.

        `exclude_plans` leaves out the candidates of those plans (stopped, another terminal's, throttled this
        time), as filtering the candidates first would; it may be any container, asked only about the plans the
        merge meets.

        The posting lists are kept best first, so a merge of them meets each group's best keyword first; it
        stops once it holds slots + 1 groups (the last slot's price needs the next bidder) and every group tied
        with the last of them (the seeded tie mix may order those either way). The auction proper then runs on
        that handful. Same answer as the full run (tested), work in proportion to the slots, not to a head
        word's thousands of keywords."""
        q = tuple(query)
        if not q:
            return run_auction((), slots=slots, reserve_fen=reserve_fen)
        runs = _runs(q)
        plans: set[int] = set()
        groups: set[int] = set()
        if self.negative_exact or self.negative_phrase:
            plans, groups = self._blocked(q, runs)
        lists = self._postings(q, runs, synonyms)
        stream: Iterator[Candidate] = iter(lists[0]) if len(lists) == 1 else heapq.merge(*lists, key=_order)
        picked = _head(stream, slots + 1, reserve_fen * QS_SCALE, plans, groups, exclude_plans)
        return run_auction(picked, slots=slots, reserve_fen=reserve_fen, tie_seed=tie_seed)


def _head(
    stream: Iterator[Candidate],
    want: int,
    reserve_rank: int,
    plans: set,
    groups: set,
    exclude: Container = (),
) -> list[Candidate]:
    """From a best-first stream: each group's first candidate until `want` groups, then those tied with the last."""
    picked: list[Candidate] = []
    seen: set = set()
    boundary = None
    for c in stream:
        if c.rank < reserve_rank or (boundary is not None and (c.rank, c.q_scaled) != boundary):
            break
        if c.group in seen or c.group in groups or (plans and c.ad.plan_id in plans):
            continue
        if exclude and c.ad.plan_id in exclude:
            continue
        seen.add(c.group)
        picked.append(c)
        if boundary is None and len(picked) == want:
            boundary = (c.rank, c.q_scaled)
    return picked
