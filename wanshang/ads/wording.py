"""Words of 直通车: how a keyword is normalised and measured, and the creative-title check (DOMAIN.md: brand
word + core function word + trust endorsement, at most 20 characters). Pure functions."""

import re
import unicodedata
from dataclasses import dataclass

import jieba

from wanshang.copywriting.selectors import AD_TITLE_MAX_CHARS, ad_title_findings

# A keyword is at most 20 characters after normalising (Taobao counts 20 汉字 = 40 bytes in GBK; we count
# characters, so a Latin letter and a 汉字 weigh the same and a buyer's query is compared character for character).
KEYWORD_MAX_CHARS = 20
CREATIVE_TITLE_MAX_CHARS = AD_TITLE_MAX_CHARS  # the rule lives in copywriting.titles
CREATIVES_PER_GROUP = 4

_SPACES = re.compile(r"\s+")


def normalise(word: str) -> str:
    """NFKC (full-width → half-width), lower case, whitespace collapsed to one space, trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", word or "")).strip().lower()


@dataclass(frozen=True)
class TitleWarning:
    code: str  # too_long / no_brand / no_core_word / no_trust_word
    message: str
    suggestion: str = ""


def creative_title_warnings(
    title: str, *, brand_names: list[str], core_words: list[str], trust_words: list[str]
) -> list[TitleWarning]:
    """What a creative title lacks against the formula. Warnings, never a refusal: the merchant decides.

    The rule is copywriting's (`copywriting.titles.ad_title_findings`, docs/copywriting.md); ads hands in
    `brand_names` (the product's brand and the shop's name), `core_words` (the product's category name and the
    words of its title) and `trust_words` (the platform's endorsement words, AdSettings).
    """
    if not (title or "").strip():
        return []
    return [
        TitleWarning(f.code, f.message, f.suggestion)
        for f in ad_title_findings(
            title, brand_names=brand_names, core_words=core_words, trust_words=trust_words
        )
    ]


def title_words(title: str) -> list[str]:
    """The words of a product title worth finding in a creative title (two characters or more)."""
    return [w for w in jieba.lcut(normalise(title)) if len(w.strip()) >= 2]
