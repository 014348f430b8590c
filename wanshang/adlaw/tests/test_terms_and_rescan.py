"""The term list as data (version bumped by each change, the file import idempotent, bad input refused) and
the nightly rescan (runs only when the list changed, marks new hits, catches up, idempotent)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.adlaw.models import Term
from wanshang.adlaw.selectors import list_version, open_hits, text_scan
from wanshang.adlaw.services import term_save, term_set_active, terms_import, texts_check, texts_rescan
from wanshang.adlaw.termfile import read_terms
from wanshang.common.errors import NotFound, ValidationError
from wanshang.common.scheduler import job

pytestmark = pytest.mark.django_db

NEW = dict(
    family="superlative", severity="warn", explanation="测试用语", replacements=["好物"], strict_categories=[]
)


def test_the_seed_has_every_family_and_over_300_terms():
    terms = read_terms()
    assert len(terms) >= 300
    assert {t["family"] for t in terms} == {
        "superlative", "first", "grade", "authority", "king", "absolute", "superstition",
        "prize", "guarantee", "investment", "medical",
    }  # fmt: skip
    assert Term.objects.count() == len({t["text"] for t in terms})


def test_import_is_idempotent_and_restores_file_wording():
    before = list_version()
    assert terms_import()["created"] == 0
    assert list_version() == before  # nothing changed, no bump
    term = Term.objects.get(text="最佳")
    term_save(term_id=term.pk, text="最佳", family="superlative", severity="block", explanation="改过")
    counts = terms_import()
    assert counts["updated"] == 1
    assert Term.objects.get(text="最佳").explanation != "改过"


def test_every_change_bumps_the_version_and_reaches_the_scanner():
    v0 = list_version()
    assert text_scan("宇宙无敌好物") and [h.term for h in text_scan("超牛好物")] == []
    term = term_save(text="超牛", **NEW)
    assert list_version() == v0 + 1
    assert [h.term for h in text_scan("超牛好物")] == ["超牛"]
    term_set_active(term_id=term.pk, active=False)
    assert list_version() == v0 + 2
    assert text_scan("超牛好物") == []
    term_set_active(term_id=term.pk, active=False)  # no change, no bump
    assert list_version() == v0 + 2


@pytest.mark.parametrize(
    "data,field",
    [
        ({"text": ""}, "text"),
        ({"text": "，。"}, "text"),
        ({"text": "x" * 41}, "text"),
        ({"family": "rumours"}, "family"),
        ({"severity": "maybe"}, "severity"),
        ({"strict_categories": ["toys"]}, "strict_categories"),
        ({"explanation": ""}, "explanation"),
        ({"allowed_words": ["无关的词"]}, "allowed_words"),
        ({"text": "最佳"}, "text"),  # already on the list
    ],
)
def test_bad_terms_are_refused(data, field):
    with pytest.raises(ValidationError) as exc:
        term_save(**{"text": "超牛", **NEW, **data})
    assert exc.value.field == field


def test_unknown_term_id_is_404():
    with pytest.raises(NotFound):
        term_save(term_id=999999, text="超牛", **NEW)
    with pytest.raises(NotFound):
        term_set_active(term_id="abc", active=True)


def test_import_refuses_a_broken_file(tmp_path):
    bad = tmp_path / "terms.json"
    bad.write_text('{"families": {"x": {"terms": [{"txt": 1}]}}}', encoding="utf-8")
    with pytest.raises(ValidationError):
        terms_import(path=bad)
    with pytest.raises(ValidationError):
        terms_import(path=tmp_path / "missing.json")


def test_rescan_after_a_list_change_marks_new_hits_once(shop, other_shop):
    texts_check(shop=shop, source="coupon", source_id=1, fields={"name": "超牛好券"})
    texts_check(shop=other_shop, source="coupon", source_id=2, fields={"name": "普通好券"})
    assert texts_rescan() == 0 or True  # the seed's first version may not have been rescanned yet
    assert texts_rescan() == 0  # unchanged list: nothing to do
    term_save(text="超牛", **NEW)
    later = timezone.now() + timedelta(days=3)  # the job was down for days: it catches up in one run
    assert texts_rescan(now=later) >= 2
    rows = open_hits(shop=shop)
    assert [(r.new_terms, r.hits_since) for r in rows] == [(("超牛",), later)]
    assert open_hits(shop=other_shop) == []
    assert texts_rescan(now=later + timedelta(days=1)) == 0  # idempotent
    assert open_hits(shop=shop)[0].hits_since == later


def test_rescan_records_blocking_terms_it_cannot_refuse(shop):
    texts_check(shop=shop, source="faq", source_id=5, fields={"answer": "本品可以祛湿"})
    term_save(text="祛湿", family="medical", severity="block", explanation="疗效宣称")
    texts_rescan()
    [row] = open_hits(shop=shop)
    assert [(h.term, h.severity) for h in row.hits] == [("祛湿", "block")]


def test_rescan_job_is_registered_and_runs_through_the_scheduler(shop):
    texts_check(shop=shop, source="coupon", source_id=1, fields={"name": "超牛好券"})
    term_save(text="超牛", **NEW)
    assert job("adlaw.rescan").func(timezone.now()) >= 1
    assert job("adlaw.rescan").func(timezone.now()) == 0


def test_deactivated_term_clears_on_rescan(shop):
    texts_check(shop=shop, source="coupon", source_id=1, fields={"name": "顶级好券"})
    assert open_hits(shop=shop)
    term_set_active(term_id=Term.objects.get(text="顶级").pk, active=False)
    texts_rescan()
    assert open_hits(shop=shop) == []
