"""The scanner's machinery: normalisation with a map back to the original offsets, and the compiled matcher.

Normalising: NFKC (full-width letters, digits and signs → half-width), lower case, 繁體 → 简体 one character
at a time (zhconv, MediaWiki's zh-cn table), and dropping spaces, punctuation and decorative symbols, so
"最 佳", "最-佳", "ＮＯ．１" and "最佳" read alike. Each kept character remembers its original offset.

Matching: one Aho–Corasick automaton (pyahocorasick) over every active term and every allowed ordinary
word, built once per term-list version and process. A term hit lying wholly inside an ordinary word
(最 inside 最近) or inside a longer term's hit (最 inside 最佳) is dropped.
"""

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick
import zhconv

KEEP_SYMBOLS = frozenset("%+")
SNIPPET_CONTEXT = 12


@lru_cache(maxsize=8192)
def _fold(ch: str) -> str:
    """One original character → zero or more normalised characters."""
    out = []
    for c in unicodedata.normalize("NFKC", ch).lower():
        category = unicodedata.category(c)
        if c in KEEP_SYMBOLS or category[0] in "LN":
            out.append(zhconv.convert(c, "zh-cn") if ord(c) > 0x2E7F else c)
        # spaces (Z*), punctuation (P*), symbols (S*) and controls (C*) are ignored inside a term
    return "".join(out)


def normalise(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the offset of the original character."""
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold(ch)
        chars.append(folded)
        origin.extend([i] * len(folded))
    return "".join(chars), origin


def normalise_term(text: str) -> str:
    return normalise(text)[0]


@dataclass(frozen=True)
class CompiledTerm:
    id: int
    text: str
    family: str
    severity: str
    strict_categories: frozenset[str]
    explanation: str
    replacements: tuple[str, ...]


@dataclass(frozen=True)
class RawHit:
    term: CompiledTerm
    start: int  # in the normalised text, end exclusive
    end: int


class Matcher:
    """The term list compiled for one version."""

    def __init__(self, terms: list[CompiledTerm], allowed_words: set[str]):
        self.automaton = ahocorasick.Automaton()
        keys: dict[str, list] = {}
        for term in terms:
            key = normalise_term(term.text)
            if key:
                keys.setdefault(key, [None, None])[0] = term
        for word in allowed_words:
            key = normalise_term(word)
            if key:
                keys.setdefault(key, [None, None])[1] = True
        for key, (term, allowed) in keys.items():
            self.automaton.add_word(key, (len(key), term, bool(allowed)))
        self.empty = not keys
        if not self.empty:
            self.automaton.make_automaton()

    def find(self, normalised: str) -> list[RawHit]:
        if self.empty or not normalised:
            return []
        found: list[RawHit] = []
        ordinary: list[tuple[int, int]] = []
        for end, (length, term, allowed) in self.automaton.iter(normalised):
            start = end + 1 - length
            if term is not None:
                found.append(RawHit(term=term, start=start, end=end + 1))
            if allowed:
                ordinary.append((start, end + 1))
        kept = [h for h in found if not any(s <= h.start and h.end <= e for s, e in ordinary)]
        return _drop_covered(kept)


def _drop_covered(hits: list[RawHit]) -> list[RawHit]:
    """Keep the longest hits: a hit inside a longer one (最 in 最佳) adds nothing."""
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    out: list[RawHit] = []
    for hit in hits:
        if any(o.start <= hit.start and hit.end <= o.end for o in out):
            continue
        out.append(hit)
    return out


def original_span(origin: list[int], start: int, end: int) -> tuple[int, int]:
    return origin[start], origin[end - 1] + 1


def snippet(text: str, start: int, end: int) -> str:
    left = max(0, start - SNIPPET_CONTEXT)
    right = min(len(text), end + SNIPPET_CONTEXT)
    return ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")
