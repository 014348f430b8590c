"""The term list against the written corpus: every true positive found, no false positive flagged, and the
normalised forms found with offsets that point at the text as typed."""

import pytest

from wanshang.adlaw.selectors import text_scan
from wanshang.adlaw.tests.corpus import FALSE_POSITIVES, NORMALISATION, TRUE_POSITIVES

pytestmark = pytest.mark.django_db


def test_corpus_is_large_enough():
    assert len(TRUE_POSITIVES) >= 100
    assert len(FALSE_POSITIVES) >= 100


def test_every_true_positive_is_found():
    missed = []
    for text, term in TRUE_POSITIVES:
        terms = [h.term for h in text_scan(text)]
        if term not in terms:
            missed.append((text, term, terms))
    assert not missed


def test_no_false_positive_is_flagged():
    flagged = {text: [h.term for h in text_scan(text)] for text in FALSE_POSITIVES}
    assert {text: terms for text, terms in flagged.items() if terms} == {}


def test_normalised_forms_are_found_with_original_offsets():
    wrong = []
    for text, term in NORMALISATION:
        hits = [h for h in text_scan(text) if h.term == term]
        if not hits:
            wrong.append((text, term, [h.term for h in text_scan(text)]))
            continue
        hit = hits[0]
        # the highlighted span is the typed text from the term's first to its last character
        typed = text[hit.start : hit.end]
        if typed.strip("【】") != typed or not typed or typed[0].isspace() or typed[-1].isspace():
            wrong.append((text, term, typed))
    assert not wrong


def test_offsets_point_into_the_original_text():
    text = "新款上市！全網最 佳 的選擇，國家級工藝"
    hits = text_scan(text)
    assert [(h.term, text[h.start : h.end]) for h in hits] == [("最佳", "最 佳"), ("国家级", "國家級")]
    assert hits[0].snippet.startswith("新款上市")
