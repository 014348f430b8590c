"""The quality score (质量分): three live factors for the auction, a 1–10 number with reasons for the merchant.

- expected CTR: the keyword's clicks ÷ impressions smoothed toward its category's average CTR c̄ with a
  Beta prior worth `prior_impressions` impressions: ĉ = (clicks + k·c̄) ÷ (impressions + k); the factor is
  ĉ ÷ c̄ (1.0 = the category's average; a new keyword starts there);
- relevance: each keyword token scores 1 when the product's title has it (or a synonym of it), 0.8 when only
  its category path does, 0.7 when only an attribute value does, 0 otherwise; ρ = their mean and the factor is
  floor + (1 − floor)·ρ, so an unrelated keyword keeps a fifth of its rank by default;
- buyer experience: conversion (orders ÷ clicks smoothed toward the category's CVR), review stars (smoothed
  toward 4.5 with a prior of a few reviews) and refund rate against the category's (explained in the report
  with the orders and refunds behind it); each present part multiplies, an absent one counts 1.0 (neutral),
  the product is clipped to [0.5, 1.5].

live QS = ctr^w × relevance × experience (w = `ctr_weight`, 1 by default: rank is then bid × relative CTR,
the expected revenue of an impression). The display is 6 + 2.5·log₂(live QS), rounded and kept in 1–10:
average on every count shows 6, twice the average 8 or 9. Every constant is a `QualitySettings` field (the
platform's settings feed it), since none of these values is published by the platforms this imitates.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from wanshang.ads.engine.types import CtrStats, Experience, ItemText, QualityComponents


@dataclass(frozen=True, slots=True)
class QualitySettings:
    prior_impressions: float = 200.0  # Beta prior strength of the CTR, in impressions
    prior_clicks: float = 100.0  # prior strength of the conversion rate, in clicks
    prior_reviews: float = 5.0
    neutral_stars: float = 4.5
    ctr_bounds: tuple[float, float] = (0.1, 10.0)
    ctr_weight: float = 1.0
    relevance_floor: float = 0.2
    experience_bounds: tuple[float, float] = (0.5, 1.5)


DEFAULT = QualitySettings()
_TITLE, _CATEGORY, _ATTRIBUTE = 1.0, 0.8, 0.7


def _clip(x: float, bounds: tuple[float, float]) -> float:
    return min(max(x, bounds[0]), bounds[1])


def smoothed_ctr(stats: CtrStats, settings: QualitySettings = DEFAULT) -> float:
    k = settings.prior_impressions
    return (stats.clicks + k * stats.category_ctr) / (stats.impressions + k)


def ctr_factor(stats: CtrStats, settings: QualitySettings = DEFAULT) -> float:
    if stats.category_ctr <= 0:
        return 1.0
    return _clip(smoothed_ctr(stats, settings) / stats.category_ctr, settings.ctr_bounds)


def relevance_share(
    keyword: Sequence[str], item: ItemText, synonyms: Mapping[str, Sequence[str]] | None = None
) -> tuple[float, tuple[str, ...]]:
    """(ρ in [0, 1], the keyword tokens found nowhere in the product's words)."""
    if not keyword:
        return 0.0, ()
    title, category, attributes = set(item.title), set(item.category), set(item.attributes)
    total, missing = 0.0, []
    for token in keyword:
        forms = {token, *((synonyms or {}).get(token, ()))}
        if forms & title:
            total += _TITLE
        elif forms & category:
            total += _CATEGORY
        elif forms & attributes:
            total += _ATTRIBUTE
        else:
            missing.append(token)
    return total / len(keyword), tuple(missing)


def relevance_factor(rho: float, settings: QualitySettings = DEFAULT) -> float:
    return settings.relevance_floor + (1 - settings.relevance_floor) * rho


def experience_parts(exp: Experience, settings: QualitySettings = DEFAULT) -> dict[str, float]:
    """The present parts of buyer experience ('cvr', 'reviews', 'refunds'), each 1.0 at average."""
    parts = {}
    if exp.category_cvr and exp.clicks > 0:
        k = settings.prior_clicks
        cvr = (exp.orders + k * exp.category_cvr) / (exp.clicks + k)
        parts["cvr"] = math.sqrt(_clip(cvr / exp.category_cvr, (0.25, 4.0)))
    if exp.review_score is not None and exp.review_count > 0:
        m = settings.prior_reviews
        stars = (exp.review_score * exp.review_count + settings.neutral_stars * m) / (exp.review_count + m)
        parts["reviews"] = _clip(1 + 0.4 * (stars - settings.neutral_stars), (0.5, 1.2))
    if exp.refund_rate is not None and exp.category_refund_rate:
        ratio = exp.refund_rate / exp.category_refund_rate
        parts["refunds"] = _clip(1 - 0.25 * (ratio - 1), (0.6, 1.15))
    return parts


def experience_factor(exp: Experience | None, settings: QualitySettings = DEFAULT) -> float:
    if exp is None:
        return 1.0
    return _clip(math.prod(experience_parts(exp, settings).values()), settings.experience_bounds)


def components(
    *,
    keyword: Sequence[str],
    ctr: CtrStats,
    item: ItemText,
    experience: Experience | None = None,
    synonyms: Mapping[str, Sequence[str]] | None = None,
    settings: QualitySettings = DEFAULT,
) -> QualityComponents:
    rho, _missing = relevance_share(keyword, item, synonyms)
    return QualityComponents(
        ctr=ctr_factor(ctr, settings),
        relevance=relevance_factor(rho, settings),
        experience=experience_factor(experience, settings),
    )


def live_score(parts: QualityComponents, settings: QualitySettings = DEFAULT) -> float:
    """The QS the auction multiplies the bid by (> 0; 1.0 = average CTR, fully relevant, neutral experience)."""
    return parts.ctr**settings.ctr_weight * parts.relevance * parts.experience


def display_score(live: float) -> int:
    """1–10 for the merchant: 6 at average, +2.5 per doubling."""
    return int(min(10, max(1, math.floor(6 + 2.5 * math.log2(max(live, 1e-9)) + 0.5))))


@dataclass(frozen=True, slots=True)
class ComponentReport:
    code: str  # "ctr" | "relevance" | "experience"
    name: str
    score: int  # 1–10
    level: str  # "high" | "average" | "low"
    text: str


@dataclass(frozen=True, slots=True)
class QualityReport:
    score: int
    live: float
    components: tuple[ComponentReport, ...]


def _level(score: int) -> str:
    return "high" if score >= 7 else "low" if score <= 4 else "average"


def _ctr_report(stats: CtrStats, factor: float, settings: QualitySettings) -> ComponentReport:
    score = display_score(factor)
    level = _level(score)
    ratio = f"{factor:.1f}"
    if level == "high":
        text = _("点击率高于同类目关键词平均（%(ratio)s 倍），排名更有优势。") % {"ratio": ratio}
    elif level == "low":
        text = _("点击率低于同类目关键词平均（%(ratio)s 倍）：试试更吸引人的主图和创意标题。") % {
            "ratio": ratio
        }
    else:
        text = _("点击率与同类目关键词平均相当。")
    if stats.impressions < settings.prior_impressions:
        text += _("展现还少（%(count)s 次），主要按同类目平均估计。") % {"count": stats.impressions}
    return ComponentReport("ctr", _("预估点击率"), score, level, text)


def _relevance_report(rho: float, missing: tuple[str, ...]) -> ComponentReport:
    score = max(1, min(10, math.floor(1 + 9 * rho + 0.5)))
    words = "、".join(missing)
    if not missing:
        level, text = "high", _("关键词与商品的标题、类目和属性高度相关。")
    elif rho >= 0.5:
        level = "average"
        text = _("关键词部分相关：「%(words)s」不在标题、类目或属性中。") % {"words": words}
    else:
        level = "low"
        text = _("关键词与商品不相关：「%(words)s」不在标题、类目或属性中，建议换词或完善标题和属性。") % {
            "words": words
        }
    return ComponentReport("relevance", _("相关性"), score, level, text)


def _experience_report(exp: Experience | None, settings: QualitySettings) -> ComponentReport:
    parts = experience_parts(exp, settings) if exp is not None else {}
    factor = experience_factor(exp, settings)
    score = max(1, min(10, math.floor(6 + 5 * math.log2(factor) + 0.5)))
    level = _level(score)
    if not parts:
        return ComponentReport(
            "experience", _("买家体验"), 6, "average", _("暂无足够的成交、评价和退款数据，按平均计。")
        )
    if level == "high":
        text = _("转化、评价和退款表现好于同类目平均。")
    elif level == "low":
        names = {"cvr": _("转化率偏低"), "reviews": _("评分偏低"), "refunds": _("退款率偏高")}
        reasons = "、".join(names[k] for k, v in parts.items() if v < 1)
        text = _("买家体验低于同类目平均：%(reasons)s。") % {"reasons": reasons}
    else:
        text = _("买家体验与同类目平均相当。")
    if "refunds" in parts:
        text += _refund_sentence(exp, parts["refunds"])
    return ComponentReport("experience", _("买家体验"), score, level, text)


def _refund_sentence(exp: Experience, factor: float) -> str:
    """The refund part explained: the counts behind it (when given) against the category's rate."""
    if exp.paid_orders:
        seen = _("退款：%(paid)s 笔成交中 %(refunded)s 笔有退款（%(rate)s），") % {
            "paid": exp.paid_orders,
            "refunded": exp.refunded_orders,
            "rate": f"{exp.refunded_orders / exp.paid_orders:.1%}",
        }
    else:
        seen = _("退款率 %(rate)s，") % {"rate": f"{exp.refund_rate:.1%}"}
    seen += _("同类目平均 %(rate)s") % {"rate": f"{exp.category_refund_rate:.1%}"}
    if factor < 0.97:
        return seen + _("：退款偏多，拉低了买家体验，请检查描述、质量和发货。")
    if factor > 1.03:
        return seen + _("：退款少于同类目，加分。")
    return seen + _("：与同类目相当。")


def report(
    *,
    keyword: Sequence[str],
    ctr: CtrStats,
    item: ItemText,
    experience: Experience | None = None,
    synonyms: Mapping[str, Sequence[str]] | None = None,
    settings: QualitySettings = DEFAULT,
) -> QualityReport:
    """The quality score as the merchant sees it: 1–10 and each component scored and explained."""
    parts = components(
        keyword=keyword, ctr=ctr, item=item, experience=experience, synonyms=synonyms, settings=settings
    )
    rho, missing = relevance_share(keyword, item, synonyms)
    live = live_score(parts, settings)
    return QualityReport(
        score=display_score(live),
        live=live,
        components=(
            _ctr_report(ctr, parts.ctr, settings),
            _relevance_report(rho, missing),
            _experience_report(experience, settings),
        ),
    )
