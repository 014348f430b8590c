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
property test holds them together), in no particular order. Rebuild (or build a new one and swap the
reference) when keywords, bids or negatives change; the index is read-only once built, so threads share it.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from wanshang.ads.engine.matching import expand
from wanshang.ads.engine.types import NEGATIVE_MATCH_TYPES, KeywordAd, MatchType, Negative

_Key = tuple[str, ...]


def _runs(query: Sequence[str]) -> list[_Key]:
    q = tuple(query)
    return [q[i:j] for i in range(len(q)) for j in range(i + 1, len(q) + 1)]


@dataclass(frozen=True, slots=True)
class KeywordIndex:
    exact: Mapping[_Key, tuple[KeywordAd, ...]]
    phrase: Mapping[_Key, tuple[KeywordAd, ...]]
    broad: Mapping[_Key, tuple[KeywordAd, ...]]
    broad_prefixes: frozenset[_Key]
    negative_exact: Mapping[_Key, tuple[Negative, ...]]
    negative_phrase: Mapping[_Key, tuple[Negative, ...]]
    size: int

    @classmethod
    def build(cls, ads: Iterable[KeywordAd], negatives: Iterable[Negative] = ()) -> "KeywordIndex":
        exact: dict[_Key, list[KeywordAd]] = defaultdict(list)
        phrase: dict[_Key, list[KeywordAd]] = defaultdict(list)
        broad: dict[_Key, list[KeywordAd]] = defaultdict(list)
        size = 0
        for ad in ads:
            if not ad.tokens:
                continue
            size += 1
            if ad.match_type == MatchType.EXACT:
                exact[ad.tokens].append(ad)
            elif ad.match_type == MatchType.PHRASE:
                phrase[ad.tokens].append(ad)
            else:
                broad[tuple(sorted(set(ad.tokens)))].append(ad)
        prefixes = {key[:n] for key in broad for n in range(1, len(key) + 1)}
        neg_exact: dict[_Key, list[Negative]] = defaultdict(list)
        neg_phrase: dict[_Key, list[Negative]] = defaultdict(list)
        for n in negatives:
            if n.match_type not in NEGATIVE_MATCH_TYPES:
                raise ValueError("a negative keyword is exact or phrase")
            if n.tokens:
                (neg_exact if n.match_type == MatchType.EXACT else neg_phrase)[n.tokens].append(n)
        freeze = lambda d: {k: tuple(v) for k, v in d.items()}  # noqa: E731
        return cls(
            exact=freeze(exact),
            phrase=freeze(phrase),
            broad=freeze(broad),
            broad_prefixes=frozenset(prefixes),
            negative_exact=freeze(neg_exact),
            negative_phrase=freeze(neg_phrase),
            size=size,
        )

    def _broad(self, words: list[str]) -> list[KeywordAd]:
        found: list[KeywordAd] = []
        prefixes, broad = self.broad_prefixes, self.broad
        stack: list[tuple[_Key, int]] = [((), 0)]
        while stack:
            prefix, start = stack.pop()
            for i in range(start, len(words)):
                key = (*prefix, words[i])
                if key in prefixes:
                    found.extend(broad.get(key, ()))
                    stack.append((key, i + 1))
        return found

    def _blocked(self, query: _Key, runs: list[_Key]) -> tuple[set[int], set[int]]:
        plans: set[int] = set()
        groups: set[int] = set()
        hits = list(self.negative_exact.get(query, ()))
        for run in runs:
            hits.extend(self.negative_phrase.get(run, ()))
        for n in hits:
            (plans.add(n.plan_id) if n.group_id is None else groups.add(n.group_id))
        return plans, groups

    def eligible(
        self, query: Sequence[str], synonyms: Mapping[str, Sequence[str]] | None = None
    ) -> list[KeywordAd]:
        """The keyword ads this query triggers, minus those a negative of their plan or group removes."""
        q = tuple(query)
        if not q:
            return []
        runs = _runs(q)
        found = list(self.exact.get(q, ()))
        for run in runs:
            found.extend(self.phrase.get(run, ()))
        found.extend(self._broad(sorted(expand(q, synonyms))))
        if self.negative_exact or self.negative_phrase:
            plans, groups = self._blocked(q, runs)
            if plans or groups:
                found = [ad for ad in found if ad.plan_id not in plans and ad.group_id not in groups]
        return found
