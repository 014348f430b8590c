"""Saving a campaign page: the modules' rules, the 广告法 scan in the save, button findings, the state machine,
isolation between shops, the nightly rescan reading the page's texts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.adlaw.models import ScannedText, Term
from wanshang.adlaw.services import term_save, texts_rescan
from wanshang.common.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from wanshang.shoppages.models import ShopPage
from wanshang.shoppages.services import page_delete, page_publish, page_save, page_take_offline
from wanshang.shoppages.tests.conftest import modules_for

pytestmark = pytest.mark.django_db


def _save(s, shop=None, **kw):
    shop = shop or s.a
    data = {"title": "夏日上新", "slug": "summer", "modules": modules_for(s)}
    data.update(kw)
    return page_save(staff=shop.owner_staff, **data)


def test_a_page_is_saved_with_its_modules_in_order_as_a_draft(scene):
    result = _save(scene)
    page = ShopPage.objects.get(pk=result.page.pk)
    assert page.state == "draft" and page.shop_id == scene.a.pk
    assert [m["type"] for m in page.modules] == ["banner", "heading", "text", "products", "coupons", "button"]
    assert page.modules[3]["product_ids"] == [scene.p1.pk, scene.p2.pk]
    assert page.modules[5]["target"] == {"kind": "coupon", "id": scene.coupon.pk}
    assert result.warnings == {} and result.buttons == {}


@pytest.mark.parametrize(
    "change, field",
    [
        ({"modules": [{"type": "video", "url": "x"}]}, "m1"),
        ({"modules": [{"type": "heading", "text": "好" * 41}]}, "m1"),
        ({"modules": [{"type": "text", "text": "字" * 501}]}, "m1"),
        ({"modules": [{"type": "text", "text": "<b></b>"}]}, "m1"),
        ({"modules": [{"type": "button", "label": "去看看"}]}, "m1"),
        ({"modules": [{"type": "button", "label": "去看看", "target": {"kind": "url", "id": 1}}]}, "m1"),
        ({"modules": [{"type": "button", "label": "按" * 17, "target": {"kind": "shop"}}]}, "m1"),
        ({"modules": [{"type": "products", "product_ids": []}]}, "m1"),
        ({"modules": [{"type": "products", "product_ids": ["x"]}]}, "m1"),
        ({"modules": [{"type": "products", "product_ids": list(range(1, 14))}]}, "m1"),
        ({"modules": [{"type": "banner", "alt": "无图"}]}, "m1"),
        ({"modules": ["heading"]}, "m1"),
        ({"modules": [{"type": "heading", "text": "小标题"}] * 21}, "modules"),
        ({"modules": "heading"}, "modules"),
        ({"title": ""}, "title"),
        ({"title": "长" * 61}, "title"),
        ({"slug": "Summer Sale"}, "slug"),
        ({"slug": "-summer"}, "slug"),
        ({"slug": "s"}, "slug"),
        ({"slug": "夏日"}, "slug"),
        ({"starts_at": timezone.now(), "ends_at": timezone.now() - timedelta(hours=1)}, "ends_at"),
        ({"ends_at": "tomorrow"}, "ends_at"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(scene, change, field):
    with pytest.raises(ValidationError) as refused:
        _save(scene, **change)
    assert refused.value.field == field, refused.value.message
    assert not ShopPage.objects.exists()


def test_limits_come_from_the_settings(scene, settings):
    settings.WANSHANG = {**settings.WANSHANG, "SHOPPAGES_MAX_MODULES": 2, "SHOPPAGES_TEXT_MAX_CHARS": 10}
    with pytest.raises(ValidationError, match="最多 2 个模块"):
        _save(scene, modules=[{"type": "heading", "text": "一"}] * 3)
    with pytest.raises(ValidationError, match="不超过 10 个字"):
        _save(scene, modules=[{"type": "text", "text": "字" * 11}])


def test_a_slug_is_unique_within_a_shop_not_across_shops(scene):
    _save(scene)
    with pytest.raises(ValidationError) as refused:
        _save(scene, title="另一个")
    assert refused.value.field == "slug" and "已被本店" in refused.value.message
    other = page_save(
        staff=scene.b.owner_staff,
        title="B 的夏日",
        slug="summer",
        modules=[{"type": "heading", "text": "夏日"}],
    )
    assert other.page.slug == "summer"


def test_a_paragraph_keeps_its_words_and_loses_its_markup(scene):
    text = '<script>alert(1)</script>纯棉<b>面料</b>\n<a href="javascript:x">透气</a> 5 < 6 & 7'
    page = _save(scene, modules=[{"type": "text", "text": text}]).page
    saved = page.modules[0]["text"]
    assert "<" not in saved.replace("5 < 6", "") and "script" not in saved and "alert" not in saved
    assert "纯棉面料\n透气 5 < 6 & 7" == saved


def test_a_blocking_term_refuses_the_save_on_its_module_with_the_suggestion(scene):
    modules = modules_for(scene)
    modules[1]["text"] = "国宴特供好面料"
    with pytest.raises(ValidationError) as refused:
        _save(scene, modules=modules)
    assert refused.value.field == "m2" and refused.value.code == "adlaw"
    assert "第 2 个模块" in refused.value.message and "特供" in refused.value.message
    assert not ShopPage.objects.exists() and not ScannedText.objects.filter(source="campaign").exists()
    with pytest.raises(ValidationError) as refused:
        _save(scene, title="招财好物节")
    assert refused.value.field == "title" and "招财" in refused.value.message


@pytest.mark.parametrize("where", ["title", "heading", "text", "alt", "label"])
def test_a_warning_in_any_text_is_saved_recorded_and_returned(scene, where):
    modules = modules_for(scene)
    title = "夏日上新"
    if where == "title":
        title = "夏日最佳搭配"
    elif where == "heading":
        modules[1]["text"] = "最佳夏日搭配"
    elif where == "text":
        modules[2]["text"] = "这是今夏最佳的选择"
    elif where == "alt":
        modules[0]["alt"] = "最佳搭配"
    else:
        modules[5]["label"] = "最佳好物 限量抢"
    result = _save(scene, title=title, modules=modules)
    field = {"title": "title", "heading": "heading.2", "text": "text.3", "alt": "alt.1", "label": "label.6"}[
        where
    ]
    assert [h.term for h in result.warnings[field]] == ["最佳"]
    row = ScannedText.objects.get(source="campaign", source_id=result.page.pk, field=field)
    assert row.open_count == 1 and row.shop_id == scene.a.pk


def test_every_text_is_recorded_and_removed_texts_are_forgotten(scene):
    page = _save(scene).page
    fields = set(
        ScannedText.objects.filter(source="campaign", source_id=page.pk).values_list("field", flat=True)
    )
    assert fields == {"title", "alt.1", "heading.2", "text.3", "label.6"}
    page_save(
        staff=scene.a.owner_staff,
        page_id=page.pk,
        title="夏日上新",
        slug="summer",
        modules=[{"type": "heading", "text": "只剩小标题"}],
    )
    fields = set(
        ScannedText.objects.filter(source="campaign", source_id=page.pk).values_list("field", flat=True)
    )
    assert fields == {"title", "heading.1"}
    page_delete(staff=scene.a.owner_staff, page_id=page.pk)
    assert not ScannedText.objects.filter(source="campaign").exists()


def test_the_nightly_rescan_reads_the_page_texts_again(scene):
    modules = modules_for(scene)
    modules[1]["text"] = "夏日爆燃专场"
    page = _save(scene, modules=modules).page
    texts_rescan()  # catch up with the seeded list first
    term_save(
        text="爆燃",
        family="superlative",
        severity="warn",
        explanation="测试用语",
        replacements=["热销"],
        allowed_words=[],
    )
    assert texts_rescan() >= 1
    row = ScannedText.objects.get(source="campaign", source_id=page.pk, field="heading.2")
    assert row.new_terms == ["爆燃"] and row.open_count == 1
    Term.objects.filter(text="爆燃").delete()


def test_button_labels_get_the_copy_findings_never_blocking(scene):
    modules = modules_for(scene)
    modules[5] = {"type": "button", "label": "立即购买", "target": {"kind": "product", "id": scene.p1.pk}}
    result = _save(scene, modules=modules)
    (finding,) = result.buttons["label.6"]
    assert finding.phrase == "立即购买" and "限量抢购" in finding.suggestions
    assert result.page.pk  # saved all the same


def test_another_shops_products_coupons_and_pictures_are_refused(scene):
    cases = [
        {"type": "products", "product_ids": [scene.p1.pk, scene.b_product.pk]},
        {"type": "coupons", "coupon_ids": [scene.b_coupon.pk]},
        {"type": "banner", "image_id": scene.b_image.pk, "alt": "别家图"},
        {"type": "button", "label": "去看看", "target": {"kind": "product", "id": scene.b_product.pk}},
        {"type": "button", "label": "领券", "target": {"kind": "coupon", "id": scene.b_coupon.pk}},
    ]
    for module in cases:
        with pytest.raises(NotFound) as refused:
            _save(scene, modules=[{"type": "heading", "text": "标题"}, module])
        assert refused.value.field == "m2"
    assert not ShopPage.objects.exists()


def test_a_product_off_sale_or_an_ended_coupon_cannot_be_put_in(scene, make_product, make_coupon):
    draft = make_product(scene.a, title="还没上架", on_sale=False)
    with pytest.raises(NotFound):
        _save(scene, modules=[{"type": "products", "product_ids": [draft.pk]}])
    from wanshang.marketing.models import Promotion

    ended = make_coupon(scene.a, name="过期券")
    Promotion.objects.filter(pk=ended.pk).update(ends_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(NotFound):
        _save(scene, modules=[{"type": "coupons", "coupon_ids": [ended.pk]}])


def test_shop_b_cannot_edit_publish_or_delete_shop_a_pages(scene):
    page = _save(scene).page
    staff_b = scene.b.owner_staff
    with pytest.raises(NotFound):
        page_save(staff=staff_b, page_id=page.pk, title="改", slug="x1", modules=[])
    for action in (page_publish, page_take_offline, page_delete):
        with pytest.raises(NotFound):
            action(staff=staff_b, page_id=page.pk)
    assert ShopPage.objects.get(pk=page.pk).title == "夏日上新"


def test_a_role_without_marketing_cannot_save(scene, make_staff):
    from wanshang.merchants.selectors import staff_for_user

    clerk = staff_for_user(user=make_staff(scene.a, "service"))
    with pytest.raises(PermissionDenied):
        page_save(staff=clerk, title="夏日", slug="summer", modules=[])


def test_the_state_machine(scene):
    staff = scene.a.owner_staff
    page = _save(scene).page
    with pytest.raises(InvalidTransition, match="草稿的活动页不能下线"):
        page_take_offline(staff=staff, page_id=page.pk)
    assert page_publish(staff=staff, page_id=page.pk).state == "published"
    with pytest.raises(InvalidTransition, match="已发布的活动页不能发布"):
        page_publish(staff=staff, page_id=page.pk)
    with pytest.raises(InvalidTransition, match="先下线"):
        page_delete(staff=staff, page_id=page.pk)
    assert page_take_offline(staff=staff, page_id=page.pk).state == "offline"
    assert page_publish(staff=staff, page_id=page.pk).state == "published"  # back online
    page_take_offline(staff=staff, page_id=page.pk)
    page_delete(staff=staff, page_id=page.pk)
    assert not ShopPage.objects.exists()


def test_publishing_refuses_an_empty_page_an_ended_window_and_a_term_now_blocking(scene):
    staff = scene.a.owner_staff
    empty = page_save(staff=staff, title="空页面", slug="empty", modules=[]).page
    with pytest.raises(ValidationError, match="没有任何模块"):
        page_publish(staff=staff, page_id=empty.pk)
    now = timezone.now()
    over = _save(scene, slug="over", starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1)).page
    with pytest.raises(ValidationError, match="结束时间已过"):
        page_publish(staff=staff, page_id=over.pk)
    modules = modules_for(scene)
    modules[1]["text"] = "夏日爆燃专场"
    page = _save(scene, slug="later", modules=modules).page
    term_save(
        text="爆燃", family="authority", severity="block", explanation="测试用语", replacements=["热销"]
    )
    with pytest.raises(ValidationError) as refused:
        page_publish(staff=staff, page_id=page.pk)
    assert refused.value.field == "m2"
    assert ShopPage.objects.get(pk=page.pk).state == "draft"
