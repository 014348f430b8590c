"""Words of 直通车: how a keyword is normalised and measured, and the creative-title check (DOMAIN.md: brand
word + core function word + trust endorsement, at most 20 characters). Pure functions."""

import re
import unicodedata
from dataclasses import dataclass

import jieba

# A keyword is at most 20 characters after normalising (Taobao counts 20 汉字 = 40 bytes in GBK; we count
# characters, so a Latin letter and a 汉字 weigh the same and a buyer's query is compared character for character).
KEYWORD_MAX_CHARS = 20
CREATIVE_TITLE_MAX_CHARS = 20
CREATIVES_PER_GROUP = 4

_SPACES = re.compile(r"\s+")


def normalise(word: str) -> str:
    """NFKC (full-width → half-width), lower case, whitespace collapsed to one space, trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", word or "")).strip().lower()


@dataclass(frozen=True)
class TitleWarning:
    code: str  # too_long / no_brand / no_core_word / no_trust_word
    message: str


def creative_title_warnings(
    title: str, *, brand_names: list[str], core_words: list[str], trust_words: list[str]
) -> list[TitleWarning]:
    """What a creative title lacks against the formula. Warnings, never a refusal: the merchant decides.

    `brand_names`: the product's brand (Chinese and Latin name) and the shop's name; `core_words`: the product's
    category name and the words of its title; `trust_words`: the platform's endorsement words (AdSettings).
    """
    text = normalise(title)
    warnings = []
    if len(title.strip()) > CREATIVE_TITLE_MAX_CHARS:
        warnings.append(
            TitleWarning(
                "too_long", f"标题 {len(title.strip())} 个字，超过 {CREATIVE_TITLE_MAX_CHARS} 个字会被截断"
            )
        )
    if not any(normalise(b) and normalise(b) in text for b in brand_names):
        warnings.append(TitleWarning("no_brand", "标题里没有品牌词（品牌名或店铺名），买家不易认出是谁家的"))
    if not any(normalise(w) in text for w in core_words if len(normalise(w)) >= 2):
        warnings.append(
            TitleWarning("no_core_word", "标题里没有核心功能词（类目名或商品标题里的词），买家看不出卖什么")
        )
    if not any(normalise(w) in text for w in trust_words if normalise(w)):
        warnings.append(
            TitleWarning("no_trust_word", "标题里没有信任背书（如 官方、正品、包邮、质保），点击意愿会低一些")
        )
    return warnings


def title_words(title: str) -> list[str]:
    """The words of a product title worth finding in a creative title (two characters or more)."""
    return [w for w in jieba.lcut(normalise(title)) if len(w.strip()) >= 2]
