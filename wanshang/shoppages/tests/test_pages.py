"""The seller center's pages and the storefront's: create, edit (add, move, remove modules), publish, view,
take offline; the 广告法 refusal and warnings and the button findings inline; isolation; the window pages;
the render's query count does not grow with the modules."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wanshang.shoppages.models import ShopPage
from wanshang.shoppages.services import page_publish, page_save
from wanshang.shoppages.tests.conftest import modules_for

pytestmark = pytest.mark.django_db


def _form(s, **kw) -> dict:
    """The editor's POST for modules_for(s) as the form posts it."""
    data = {"title": "夏日上新", "slug": "summer", "starts_at": "", "ends_at": "", "count": "6", "op": "save"}
    rows = [
        {"type": "banner", "image_id": s.image.pk, "alt": "夏日上新", "target": "shop"},
        {"type": "heading", "text": "夏日清凉专场"},
        {"type": "text", "text": "纯棉面料，透气舒适。"},
        {"type": "products", "product_ids": [s.p1.pk, s.p2.pk]},
        {"type": "coupons", "coupon_ids": [s.coupon.pk]},
        {"type": "button", "label": "领券立减 马上抢", "target": f"coupon:{s.coupon.pk}"},
    ]
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"m{i}-{key}"] = [str(v) for v in value] if isinstance(value, list) else str(value)
    data.update(kw)
    return data


@pytest.fixture
def seller(client, scene):
    client.force_login(scene.a.owner)
    return client


def test_create_edit_reorder_publish_view_and_take_offline(seller, scene, client):
    r = seller.post("/seller/pages/new/", _form(scene))
    assert r.status_code == 302, r.content.decode()[:2000]
    page = ShopPage.objects.get()
    assert r["Location"] == f"/seller/pages/{page.pk}/"
    assert page.state == "draft" and len(page.modules) == 6

    # add a heading (not saved yet), move it up, remove the text module, then save
    form = _form(scene, op="add:heading")
    r = seller.post(f"/seller/pages/{page.pk}/", form)
    assert r.status_code == 200 and 'data-testid="module-7"' in r.content.decode()
    form = _form(scene, op="up:5", count="6")
    r = seller.post(f"/seller/pages/{page.pk}/", form)
    body = r.content.decode()
    assert body.index('data-type="button"') < body.index('data-type="coupons"')
    page.refresh_from_db()
    assert page.modules[5]["type"] == "button"  # moving is not saving
    form = _form(scene, op="remove:2")
    r = seller.post(f"/seller/pages/{page.pk}/", form)
    assert 'data-type="text"' not in r.content.decode()
    form = _form(scene, **{"m2-type": "heading", "m2-text": "第二个小标题"})
    assert seller.post(f"/seller/pages/{page.pk}/", form).status_code == 302
    page.refresh_from_db()
    assert page.modules[2] == {"type": "heading", "text": "第二个小标题"}

    # not published: buyers get 404, the preview shows it to the staff only
    assert client.get(f"/shop/{scene.a.slug}/p/summer/").status_code == 404
    r = seller.get(f"/shop/{scene.a.slug}/preview/{page.pk}/")
    assert r.status_code == 200 and "预览" in r.content.decode()

    assert seller.post(f"/seller/pages/{page.pk}/publish/").status_code == 302
    page.refresh_from_db()
    assert page.state == "published"
    client.logout()
    r = client.get(f"/shop/{scene.a.slug}/p/summer/")
    body = r.content.decode()
    assert r.status_code == 200
    for text in (
        "夏日清凉专场",
        "第二个小标题",
        "法式碎花连衣裙",
        "纯棉宽松短袖T恤",
        "仅剩 3 件",
        "店铺券 满199减20",
    ):
        assert text in body, text
    assert 'alt="夏日上新"' in body and "领券立减 马上抢" in body
    assert f'value="{scene.coupon.pk}"' in body  # the button claims the coupon
    home = client.get(f"/shop/{scene.a.slug}/").content.decode()
    assert f"/shop/{scene.a.slug}/p/summer/" in home

    seller.force_login(scene.a.owner)
    assert seller.post(f"/seller/pages/{page.pk}/offline/").status_code == 302
    client.logout()
    assert client.get(f"/shop/{scene.a.slug}/p/summer/").status_code == 404
    assert f"/shop/{scene.a.slug}/p/summer/" not in client.get(f"/shop/{scene.a.slug}/").content.decode()


def test_the_coupon_button_claims_the_coupon(client, scene, buyer):
    page = page_save(staff=scene.a.owner_staff, title="夏日", slug="summer", modules=modules_for(scene)).page
    page_publish(staff=scene.a.owner_staff, page_id=page.pk)
    client.force_login(buyer)
    r = client.post(
        "/coupons/claim/", {"promotion_id": scene.coupon.pk, "next": f"/shop/{scene.a.slug}/p/summer/"}
    )
    assert r.status_code == 302 and r["Location"] == f"/shop/{scene.a.slug}/p/summer/"
    assert "已领取" in client.get(r["Location"]).content.decode()


def test_a_blocking_term_is_shown_on_its_module_and_nothing_is_saved(seller, scene):
    r = seller.post("/seller/pages/new/", _form(scene, **{"m1-text": "国宴特供专场"}))
    body = r.content.decode()
    assert r.status_code == 400 and "特供" in body and "可改为" in body
    assert 'data-testid="module-2"' in body and body.index("特供") > body.index('data-testid="module-2"')
    assert not ShopPage.objects.exists()


def test_warnings_and_button_findings_are_shown_inline_after_the_save(seller, scene):
    form = _form(
        scene, **{"m1-text": "今夏最佳搭配", "m5-label": "立即购买", "m5-target": f"product:{scene.p1.pk}"}
    )
    r = seller.post("/seller/pages/new/", form, follow=True)
    body = r.content.decode()
    assert r.status_code == 200 and ShopPage.objects.count() == 1
    assert "广告法提醒用语“最佳”" in body and "已保存，但含有广告法提醒用语" in body
    assert 'data-testid="button-finding"' in body and "限量抢购" in body
    hits = seller.get("/seller/adlaw/?source=campaign").content.decode()  # the shop's 广告法用语 list
    page = ShopPage.objects.get()
    assert "第 2 个模块的小标题" in hits and f'href="/seller/pages/{page.pk}/"' in hits


@pytest.mark.parametrize(
    "change, status, text",
    [
        ({"m0-type": "video"}, 400, "类型“video”不存在"),
        ({"m2-text": "字" * 501}, 400, "不超过 500 个字"),
        ({"slug": "Bad Slug"}, 400, "网址名须为"),
        ({"title": ""}, 400, "请填写页面标题"),
        ({"starts_at": "2026-06-18T10:00", "ends_at": "2026-06-17T10:00"}, 400, "结束时间须晚于开始时间"),
        ({"ends_at": "明天"}, 400, "时间格式有误"),
        ({"m3-product_ids": ["999999"]}, 404, "不存在或未上架"),
        ({"op": "add:video"}, 400, "没有这种模块"),
        ({"op": "up:99"}, 400, "无效的操作"),
    ],
)
def test_bad_input_on_the_form_is_shown_and_nothing_changes(seller, scene, change, status, text):
    r = seller.post("/seller/pages/new/", _form(scene, **change))
    assert r.status_code == status and text in r.content.decode()
    assert not ShopPage.objects.exists()


def test_too_many_modules_and_a_duplicate_slug(seller, scene, settings):
    seller.post("/seller/pages/new/", _form(scene))
    r = seller.post("/seller/pages/new/", _form(scene, title="另一个"))
    assert r.status_code == 400 and "已被本店另一个活动页使用" in r.content.decode()
    settings.WANSHANG = {**settings.WANSHANG, "SHOPPAGES_MAX_MODULES": 5}
    r = seller.post("/seller/pages/new/", _form(scene, slug="other"))
    assert r.status_code == 400 and "最多 5 个模块" in r.content.decode()
    assert ShopPage.objects.count() == 1


def test_an_illegal_transition_is_a_clear_message(seller, scene):
    page = page_save(staff=scene.a.owner_staff, title="夏日", slug="summer", modules=modules_for(scene)).page
    r = seller.post(f"/seller/pages/{page.pk}/offline/", follow=True)
    assert "草稿的活动页不能下线" in r.content.decode()


def test_shop_b_cannot_see_edit_preview_publish_or_delete_shop_a_pages(client, scene):
    page = page_save(
        staff=scene.a.owner_staff, title="A 的夏日", slug="summer", modules=modules_for(scene)
    ).page
    client.force_login(scene.b.owner)
    assert "A 的夏日" not in client.get("/seller/pages/").content.decode()
    assert client.get(f"/seller/pages/{page.pk}/").status_code == 404
    assert client.post(f"/seller/pages/{page.pk}/", _form(scene, title="改")).status_code == 404
    for action in ("publish", "offline", "delete"):
        assert client.post(f"/seller/pages/{page.pk}/{action}/").status_code == 404
    assert client.get(f"/shop/{scene.a.slug}/preview/{page.pk}/").status_code == 404
    assert client.get(f"/shop/{scene.b.slug}/preview/{page.pk}/").status_code == 404
    page.refresh_from_db()
    assert page.title == "A 的夏日" and page.state == "draft"


def test_shop_b_cannot_put_shop_a_products_coupons_or_pictures_in_its_page(client, scene):
    client.force_login(scene.b.owner)
    r = client.post("/seller/pages/new/", _form(scene))  # A's picture, products and coupon
    assert r.status_code == 404 and not ShopPage.objects.exists()


def test_buyers_and_roles_without_marketing_are_kept_out(client, scene, buyer, make_staff):
    page = page_save(staff=scene.a.owner_staff, title="夏日", slug="summer", modules=modules_for(scene)).page
    client.force_login(make_staff(scene.a, "warehouse"))
    assert client.get("/seller/pages/").status_code == 403
    assert client.post(f"/seller/pages/{page.pk}/publish/").status_code == 403
    client.force_login(buyer)
    assert client.get(f"/shop/{scene.a.slug}/preview/{page.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/shop/{scene.a.slug}/preview/{page.pk}/").status_code == 404


@pytest.mark.parametrize(
    "starts, ends, text",
    [
        (timedelta(days=1), timedelta(days=2), "活动未开始"),
        (timedelta(days=-3), timedelta(days=-1), "活动已结束"),
    ],
)
def test_outside_its_window_the_page_says_so(client, scene, starts, ends, text):
    now = timezone.now()
    page = page_save(
        staff=scene.a.owner_staff,
        title="夏日",
        slug="summer",
        modules=modules_for(scene),
        starts_at=now + starts,
    ).page
    page_publish(staff=scene.a.owner_staff, page_id=page.pk)
    ShopPage.objects.filter(pk=page.pk).update(starts_at=now + starts, ends_at=now + ends)
    r = client.get(f"/shop/{scene.a.slug}/p/summer/")
    body = r.content.decode()
    assert r.status_code == 200 and text in body and "法式碎花连衣裙" not in body
    assert f"/shop/{scene.a.slug}/p/summer/" not in client.get(f"/shop/{scene.a.slug}/").content.decode()


def test_rendering_does_not_query_per_module_or_per_product(client, scene, make_product, make_coupon):
    staff = scene.a.owner_staff
    small = page_save(
        staff=staff,
        title="小页面",
        slug="small",
        modules=[
            {"type": "banner", "image_id": scene.image.pk, "alt": "横幅"},
            {"type": "products", "product_ids": [scene.p1.pk]},
            {"type": "coupons", "coupon_ids": [scene.coupon.pk]},
        ],
    ).page
    more = [make_product(scene.a, prices=(1990, 2990)) for _ in range(6)]
    second = make_coupon(scene.a, name="店铺券满299减40")
    big = page_save(
        staff=staff,
        title="大页面",
        slug="big",
        modules=[
            {"type": "banner", "image_id": scene.image.pk, "alt": "横幅"},
            {"type": "banner", "image_id": scene.image.pk, "alt": "横幅二"},
            {"type": "products", "product_ids": [scene.p1.pk, scene.p2.pk, *(p.pk for p in more[:3])]},
            {"type": "products", "product_ids": [p.pk for p in more[3:]]},
            {"type": "coupons", "coupon_ids": [scene.coupon.pk, second.pk]},
            {"type": "button", "label": "看看新品", "target": {"kind": "product", "id": more[0].pk}},
            {"type": "heading", "text": "更多"},
        ],
    ).page
    for page in (small, big):
        page_publish(staff=staff, page_id=page.pk)

    def count(slug):
        client.get(f"/shop/{scene.a.slug}/p/{slug}/")  # warm the caches both pages share
        with CaptureQueriesContext(connection) as queries:
            r = client.get(f"/shop/{scene.a.slug}/p/{slug}/")
        assert r.status_code == 200
        return len(queries)

    assert count("big") == count("small")
