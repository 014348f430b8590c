"""Which keyword ads a query triggers: match types on jieba tokens, synonyms, negatives.

The rules, one keyword at a time (the serving index, `index.py`, answers the same question for a million
keywords at once and is tested against these functions):

- exact (精准): the query's tokens are the keyword's tokens, in the same order;
- phrase (短语): the keyword's tokens appear in the query contiguously and in order;
- broad (广泛): every keyword token appears in the query in any order, or a synonym of it does;
- a negative keyword (否定词), exact or phrase, of the ad's plan or of its ad group removes the ad whatever
  its own match: a negative always wins. Negatives take no synonyms.

Synonyms are `search.selectors.synonym_map()`'s plain dict: word → the words a query for it also matches. The
query side expands (a query for 保护壳 also reaches a broad keyword 手机壳 when 保护壳 lists 手机壳), which is
the search box's own meaning of a synonym.
"""

from collections.abc import Iterable, Mapping, Sequence

from wanshang.ads.engine.types import KeywordAd, MatchType, Negative

Synonyms = Mapping[str, Sequence[str]]


def contains_run(query: Sequence[str], run: Sequence[str]) -> bool:
    """True when `run` appears in `query` contiguously and in order."""
    n = len(run)
    if not n or n > len(query):
        return False
    first = run[0]
    return any(query[i] == first and tuple(query[i : i + n]) == tuple(run) for i in range(len(query) - n + 1))


def expand(query: Sequence[str], synonyms: Synonyms | None) -> frozenset[str]:
    """The query's tokens and every synonym of each."""
    words = set(query)
    if synonyms:
        for w in query:
            words.update(synonyms.get(w, ()))
    return frozenset(words)


def keyword_matches(
    tokens: Sequence[str], match_type: MatchType, query: Sequence[str], synonyms: Synonyms | None = None
) -> bool:
    """Does a keyword of this match type match the query (both as token sequences)?"""
    if not tokens or not query:
        return False
    if match_type == MatchType.EXACT:
        return tuple(tokens) == tuple(query)
    if match_type == MatchType.PHRASE:
        return contains_run(query, tokens)
    return set(tokens) <= expand(query, synonyms)


def negative_blocks(negative: Negative, query: Sequence[str]) -> bool:
    """Does this negative keyword hit the query (exact: the whole query; phrase: a contiguous run of it)?"""
    if negative.match_type == MatchType.EXACT:
        return tuple(negative.tokens) == tuple(query)
    return contains_run(query, negative.tokens)


def is_negated(ad: KeywordAd, negatives: Iterable[Negative], query: Sequence[str]) -> bool:
    """True when a negative of the ad's plan (plan-wide or of its own group) hits the query."""
    return any(
        (n.group_id == ad.group_id if n.group_id is not None else n.plan_id == ad.plan_id)
        and negative_blocks(n, query)
        for n in negatives
    )


def eligible(
    ads: Iterable[KeywordAd],
    negatives: Iterable[Negative],
    query: Sequence[str],
    synonyms: Synonyms | None = None,
) -> list[KeywordAd]:
    """The keyword ads the query triggers, in input order (the one-at-a-time reference for the index)."""
    negatives = list(negatives)
    return [
        ad
        for ad in ads
        if keyword_matches(ad.tokens, ad.match_type, query, synonyms) and not is_negated(ad, negatives, query)
    ]
