"""insights' shared vocabulary: metric and period definitions, RFM and cohort rules, A/B test input."""

from wanshang.insights.customers import (
    COHORT_MONTHS,
    COHORT_OFFSETS,
    COHORT_RULE,
    DEFAULT_COHORT_MONTHS,
    DEFAULT_WINDOW,
    HIGH_RULE,
    R_RULE,
    REPURCHASE_RULE,
    SCORE_RULE,
    SEGMENTS,
    SOURCE_ONE_TIME,
    SOURCE_REPURCHASERS,
    SOURCE_RFM,
    SOURCES,
    WINDOWS,
)
from wanshang.insights.experiments import MAX_VARIANTS, ExperimentInput
from wanshang.insights.metrics import MARKETPLACE, METRICS
from wanshang.insights.trade import MAX_DAYS

__all__ = [
    "COHORT_MONTHS",
    "COHORT_OFFSETS",
    "COHORT_RULE",
    "DEFAULT_COHORT_MONTHS",
    "DEFAULT_WINDOW",
    "HIGH_RULE",
    "MARKETPLACE",
    "MAX_DAYS",
    "MAX_VARIANTS",
    "METRICS",
    "REPURCHASE_RULE",
    "R_RULE",
    "SCORE_RULE",
    "SEGMENTS",
    "SOURCES",
    "SOURCE_ONE_TIME",
    "SOURCE_REPURCHASERS",
    "SOURCE_RFM",
    "WINDOWS",
    "ExperimentInput",
]
