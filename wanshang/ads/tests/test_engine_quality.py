"""Quality score: smoothing, relevance, buyer experience, the 1–10 display and its reasons."""

import pytest
from django.utils import translation

from wanshang.ads.engine.quality import (
    QualitySettings,
    ctr_factor,
    display_score,
    experience_factor,
    live_score,
    relevance_share,
    report,
    smoothed_ctr,
)
from wanshang.ads.engine.types import CtrStats, Experience, ItemText, QualityComponents
from wanshang.search.text import index_words, query_words

DRESS = ItemText(
    title=tuple(index_words("2025夏季新款碎花连衣裙女 雪纺")),
    category=tuple(index_words("女装 连衣裙")),
    attributes=tuple(index_words("雪纺 中长款 红色")),
)


def kw(text: str) -> tuple[str, ...]:
    return tuple(query_words(text))


def test_ctr_is_smoothed_toward_the_category_average():
    # no impressions: exactly the category's average; 2 clicks of 10 impressions: barely moved
    assert smoothed_ctr(CtrStats(0, 0, 0.02)) == pytest.approx(0.02)
    assert smoothed_ctr(CtrStats(10, 2, 0.02)) == pytest.approx((2 + 200 * 0.02) / 210)
    assert ctr_factor(CtrStats(10, 2, 0.02)) == pytest.approx(1.43, abs=0.01)
    # with plenty of data the keyword's own CTR dominates: 4 % against 2 % → about 2×
    assert ctr_factor(CtrStats(100_000, 4_000, 0.02)) == pytest.approx(2.0, abs=0.01)
    # the prior strength is a setting
    weak = QualitySettings(prior_impressions=10)
    assert ctr_factor(CtrStats(10, 2, 0.02), weak) == pytest.approx(5.5, abs=0.01)


def test_relevance_of_keyword_to_title_category_and_attributes():
    assert relevance_share(kw("碎花连衣裙"), DRESS) == (1.0, ())
    assert relevance_share(kw("女装"), DRESS) == (0.8, ())  # only in the category
    assert relevance_share(kw("中长款"), DRESS)[0] == pytest.approx(0.7)  # only an attribute
    rho, missing = relevance_share(kw("蓝牙耳机 连衣裙"), DRESS)
    assert (rho, missing) == (0.5, ("蓝牙耳机",))
    assert relevance_share(kw("裙子"), DRESS, {"裙子": ("连衣裙",)})[0] == 1.0  # through a synonym


def test_buyer_experience_is_neutral_without_data_and_moves_with_it():
    assert experience_factor(None) == 1.0
    assert experience_factor(Experience()) == 1.0
    good = Experience(clicks=2000, orders=120, category_cvr=0.03, review_score=4.9, review_count=300,
                      refund_rate=0.02, category_refund_rate=0.05)  # fmt: skip
    bad = Experience(clicks=2000, orders=20, category_cvr=0.03, review_score=3.6, review_count=300,
                     refund_rate=0.15, category_refund_rate=0.05)  # fmt: skip
    assert experience_factor(good) > 1.2
    assert experience_factor(bad) == 0.5  # clipped at the floor


def test_live_score_and_display():
    average = QualityComponents(ctr=1.0, relevance=1.0, experience=1.0)
    assert live_score(average) == 1.0
    assert display_score(1.0) == 6
    assert display_score(2.0) == 9  # 6 + 2.5 rounds half up
    assert display_score(0.5) == 4
    assert display_score(100) == 10
    assert display_score(0.001) == 1


def test_report_explains_each_component_in_chinese():
    r = report(keyword=kw("蓝牙耳机 连衣裙"), ctr=CtrStats(50, 0, 0.02), item=DRESS)
    assert 1 <= r.score <= 10
    codes = [c.code for c in r.components]
    assert codes == ["ctr", "relevance", "experience"]
    ctr, relevance, experience = r.components
    assert "展现还少（50 次）" in ctr.text
    assert relevance.level == "average" and "「蓝牙耳机」" in relevance.text
    assert experience.text == "暂无足够的成交、评价和退款数据，按平均计。"


def test_report_in_english():
    with translation.override("en"):
        r = report(keyword=kw("连衣裙"), ctr=CtrStats(0, 0, 0.02), item=DRESS)
    assert r.components[0].name == "Expected CTR"
    assert r.components[1].text.startswith("The keyword is highly relevant")
