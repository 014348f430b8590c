"""texts_check: blocking refuses with the field and a suggestion, warnings are recorded and returned; strict
categories; exemptions with and without approval; the medical/finance no-leniency rule; bad input."""

import pytest

from wanshang.adlaw.models import ScannedText
from wanshang.adlaw.selectors import open_hits, shop_hit_counts, strict_category_for, text_scan
from wanshang.adlaw.services import claim_decide, claim_file, claim_withdraw, texts_check
from wanshang.common.errors import Conflict, NotFound, ValidationError

pytestmark = pytest.mark.django_db


def test_warn_term_is_recorded_and_returned(shop):
    warnings = texts_check(
        shop=shop, source="coupon", source_id=7, fields={"name": "全网最低价券", "x": "好券"}
    )
    assert [h.term for h in warnings["name"]] == ["最低价"]
    assert "x" not in warnings
    assert warnings["name"][0].replacements  # a suggestion comes with it
    rows = open_hits(shop=shop)
    assert [(r.source, r.source_id, r.field, [h.term for h in r.hits]) for r in rows] == [
        ("coupon", 7, "name", ["最低价"])
    ]


def test_block_term_refuses_naming_field_term_and_replacement(shop):
    with pytest.raises(ValidationError) as exc:
        texts_check(shop=shop, source="product", source_id=1, fields={"title": "包治百病的神药"})
    assert exc.value.field == "title"
    assert "包治百病" in exc.value.message and "可改为" in exc.value.message
    assert not ScannedText.objects.exists()  # nothing recorded


def test_warn_term_blocks_in_a_strict_category(shop):
    assert texts_check(shop=shop, source="product", source_id=1, fields={"title": "最好的大米"})
    with pytest.raises(ValidationError) as exc:
        texts_check(shop=shop, source="product", source_id=1, fields={"title": "最好的大米"}, category="food")
    assert "最好" in exc.value.message


def test_strict_category_from_the_category_path(settings):
    settings.WANSHANG = {
        **settings.WANSHANG,
        "ADLAW_STRICT_CATEGORIES": {"food": "food", "beauty": "cosmetics"},
    }
    assert strict_category_for(category_slugs=["food", "snacks", "nuts"]) == "food"
    assert strict_category_for(category_slugs=["apparel", "womens"]) is None
    assert strict_category_for(category_slugs=[]) is None


def test_a_fixed_text_clears_its_hits(shop):
    texts_check(shop=shop, source="shop", source_id=shop.pk, fields={"description": "行业领导品牌"})
    assert open_hits(shop=shop)
    texts_check(shop=shop, source="shop", source_id=shop.pk, fields={"description": "行业口碑品牌"})
    assert open_hits(shop=shop) == []


def test_unknown_source_is_a_programming_error(shop):
    with pytest.raises(ValueError):
        texts_check(shop=shop, source="nope", source_id=1, fields={"name": "x"})


def test_empty_and_odd_texts_scan_to_nothing():
    assert text_scan("") == []
    assert text_scan("   ，。！") == []
    assert text_scan("😀😀") == []


def test_statistic_exemption_applies_to_that_text_only(shop, approved_claim):
    text = "2025年华东地区线上销量第一"
    approved_claim(shop, "销量第一", text)
    hits = text_scan(f"荣获{text}！", shop=shop)
    assert [(h.term, h.exempt) for h in hits] == [("销量第一", True)]
    assert hits[0].claim_id is not None
    # the same term elsewhere is not exempt
    assert [(h.term, h.exempt) for h in text_scan("全国销量第一", shop=shop)] == [("销量第一", False)]
    # and another shop's claim exempts nothing here
    assert text_scan(f"荣获{text}") and not text_scan(f"荣获{text}")[0].exempt


def test_exempt_hit_does_not_block_or_warn(shop, approved_claim):
    approved_claim(shop, "最佳", "最佳新人奖", kind="trademark")
    warnings = texts_check(
        shop=shop, source="product", source_id=3, fields={"title": "荣获最佳新人奖"}, category="food"
    )
    assert warnings == {}
    assert open_hits(shop=shop) == []


def test_unapproved_claims_exempt_nothing(shop, pdf, operator):
    claim = claim_file(
        shop=shop, user=shop.owner, term="最佳", text="最佳新人奖", kind="trademark", files=[pdf()]
    )
    assert not text_scan("最佳新人奖", shop=shop)[0].exempt  # pending
    claim_decide(claim_id=claim.pk, reviewer=operator, approve=False, reason="未见商标注册证")
    assert not text_scan("最佳新人奖", shop=shop)[0].exempt  # rejected


def test_withdrawn_claim_stops_exempting(shop, approved_claim):
    claim = approved_claim(shop, "最佳", "最佳新人奖", kind="trademark")
    texts_check(shop=shop, source="product", source_id=3, fields={"title": "最佳新人奖"})
    assert open_hits(shop=shop) == []
    claim_withdraw(shop=shop, claim_id=claim.pk)
    assert [h.term for r in open_hits(shop=shop) for h in r.hits] == ["最佳"]


def test_medical_and_investment_terms_take_no_claim(shop, pdf):
    for term, text in (("根治", "根治脚气"), ("升值", "收藏升值")):
        with pytest.raises(ValidationError) as exc:
            claim_file(
                shop=shop, user=shop.owner, term=term, text=text, kind="statistic", note="x", files=[pdf()]
            )
        assert exc.value.field == "term"


def test_no_exemption_in_medical_or_finance_category(shop, approved_claim):
    approved_claim(shop, "最佳", "最佳新人奖", kind="trademark")
    assert text_scan("最佳新人奖", shop=shop, category="cosmetics")[0].exempt
    assert not text_scan("最佳新人奖", shop=shop, category="medical")[0].exempt
    assert not text_scan("最佳新人奖", shop=shop, category="finance")[0].exempt


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"term": "不存在的词", "text": "不存在的词"}, "term"),
        ({"term": "最佳", "text": "没有那个词"}, "text"),
        ({"term": "最佳", "text": "最"}, "text"),
        ({"term": "最佳", "text": "最佳新人奖", "kind": "bribe"}, "kind"),
        ({"term": "最佳", "text": "最佳新人奖", "kind": "statistic", "note": ""}, "note"),
        ({"term": "最佳", "text": "最佳新人奖", "files": []}, "evidence"),
        ({"term": "最佳", "text": "最佳新人奖", "files": "exe"}, "evidence"),
        ({"term": "最佳", "text": "最佳新人奖", "files": "fake_pdf"}, "evidence"),
        ({"term": "最佳", "text": "最佳新人奖", "files": "many"}, "evidence"),
    ],
)
def test_bad_claims_are_refused_on_their_field(shop, pdf, kwargs, field):
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = {
        "exe": [SimpleUploadedFile("a.exe", b"MZ....")],
        "fake_pdf": [SimpleUploadedFile("a.pdf", b"<html>")],
        "many": [pdf(f"{i}.pdf") for i in range(6)],
    }
    data = {"kind": "trademark", "note": "", "files": [pdf()], **kwargs}
    if isinstance(data["files"], str):
        data["files"] = files[data["files"]]
    with pytest.raises(ValidationError) as exc:
        claim_file(shop=shop, user=shop.owner, **data)
    assert exc.value.field == field


def test_the_same_claim_cannot_be_open_twice(shop, pdf):
    claim_file(shop=shop, user=shop.owner, term="最佳", text="最佳新人奖", kind="trademark", files=[pdf()])
    with pytest.raises(Conflict):
        claim_file(
            shop=shop, user=shop.owner, term="最佳", text="最佳新人奖", kind="trademark", files=[pdf()]
        )


def test_claim_decisions_need_a_reason_and_happen_once(shop, pdf, operator):
    claim = claim_file(
        shop=shop, user=shop.owner, term="最佳", text="最佳新人奖", kind="trademark", files=[pdf()]
    )
    with pytest.raises(ValidationError):
        claim_decide(claim_id=claim.pk, reviewer=operator, approve=True, reason="")
    claim_decide(claim_id=claim.pk, reviewer=operator, approve=True, reason="商标注册证有效")
    with pytest.raises(Conflict):
        claim_decide(claim_id=claim.pk, reviewer=operator, approve=False, reason="再审")
    with pytest.raises(NotFound):
        claim_decide(claim_id=999999, reviewer=operator, approve=True, reason="没有")


def test_a_shop_cannot_withdraw_another_shops_claim(shop, other_shop, pdf):
    claim = claim_file(
        shop=shop, user=shop.owner, term="最佳", text="最佳新人奖", kind="trademark", files=[pdf()]
    )
    with pytest.raises(NotFound):
        claim_withdraw(shop=other_shop, claim_id=claim.pk)


def test_hits_are_kept_per_shop(shop, other_shop):
    texts_check(shop=shop, source="coupon", source_id=1, fields={"name": "最低价券"})
    texts_check(shop=other_shop, source="coupon", source_id=1, fields={"name": "好券"})
    assert open_hits(shop=other_shop) == []
    assert len(open_hits(shop=shop)) == 1


def test_shop_hit_counts_since(shop, other_shop):
    from datetime import timedelta

    from django.utils import timezone

    texts_check(shop=shop, source="coupon", source_id=1, fields={"name": "最低价 顶级 券"})
    texts_check(shop=other_shop, source="coupon", source_id=2, fields={"name": "最低价券"})
    now = timezone.now()
    counts = shop_hit_counts(shop_ids=[shop.pk, other_shop.pk], since=now - timedelta(days=30))
    assert counts == {shop.pk: 2, other_shop.pk: 1}
    assert shop_hit_counts(shop_ids=[shop.pk], since=now + timedelta(minutes=1)) == {}
