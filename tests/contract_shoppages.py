"""The 店铺活动页 part of tests/test_api_responses.py: a shop's campaign pages through /api/seller/shop-pages…
(create, list, read, edit, publish, offline, delete, with refusals: bad input, a blocking 广告法 term, an
illegal transition, another shop's page) and the public GET of a published page, each answer checked against
the documented schema."""

from datetime import timedelta

from django.utils import timezone


def _scene(shop, product):
    from wanshang.marketing.services import PromotionInput, promotion_save
    from wanshang.media.services import image_upload
    from wanshang.shoppages.tests.conftest import banner_jpeg

    now = timezone.now()
    coupon = promotion_save(
        shop=shop,
        actor=shop.owner,
        data=PromotionInput(
            kind="coupon",
            name="活动页专享券",
            starts_at=now - timedelta(minutes=1),
            ends_at=now + timedelta(days=7),
            config={"type": "amount", "threshold_fen": 19900, "amount_fen": 2000},
            total_quantity=100,
            per_buyer_limit=1,
        ),
    )
    image = image_upload(shop=shop, file=banner_jpeg(), purpose="detail")
    return [
        {
            "type": "banner",
            "image_id": image.pk,
            "alt": "夏日上新",
            "target": {"kind": "product", "id": product.pk},
        },
        {"type": "heading", "text": "夏日清凉专场"},
        {"type": "text", "text": "纯棉面料，透气舒适。"},
        {"type": "products", "product_ids": [product.pk]},
        {"type": "coupons", "coupon_ids": [coupon.pk]},
        {"type": "button", "label": "立即购买", "target": {"kind": "coupon", "id": coupon.pk}},
    ]


def seller_shoppages(contract, owner, B: str, shop, product, stranger) -> None:
    R = f"{B}/shop-pages"
    one = f"{R}/{{page_id}}"
    modules = _scene(shop, product)
    body = {"title": "夏日最佳上新", "slug": "summer", "modules": modules}
    saved = contract.call(owner, "post", R, body=body, expect=201)
    assert saved["adlaw_hits"] and saved["button_findings"]
    p = {"page_id": saved["page"]["id"]}
    contract.call(owner, "post", R, body={**body, "title": "国宴特供"}, expect=400)
    contract.call(owner, "post", R, body={**body, "slug": "summer"}, expect=400)
    contract.call(owner, "post", R, body={**body, "slug": "x2", "modules": [{"type": "video"}]}, expect=400)
    contract.call(
        owner, "post", R, body={**body, "slug": "x3", "modules": [{"type": "heading", "x": 1}]}, expect=422
    )
    contract.call(owner, "get", R, expect=200)
    contract.call(owner, "get", R, query={"state": "bogus"}, expect=400)
    contract.call(owner, "get", one, path=p, expect=200)
    contract.call(owner, "get", one, path={"page_id": 10**9}, expect=404)
    contract.call(owner, "put", one, path=p, body={**body, "title": "夏日上新"}, expect=200)
    contract.call(owner, "post", f"{one}/offline", path=p, expect=409)
    contract.call(owner, "post", f"{one}/publish", path=p, expect=200)
    contract.call(owner, "delete", one, path=p, expect=409)
    contract.call(stranger, "get", one, path=p, expect=404)
    contract.call(stranger, "post", f"{one}/publish", path=p, expect=404)
    spare = contract.call(owner, "post", R, body={**body, "title": "草稿页", "slug": "draft"}, expect=201)
    contract.call(owner, "delete", one, path={"page_id": spare["page"]["id"]}, expect=204)


def store_shoppages(contract, S: str, shop, product) -> None:
    from wanshang.shoppages.services import page_publish, page_save

    page = page_save(
        staff=shop.owner_staff, title="夏日上新", slug="summer", modules=_scene(shop, product)
    ).page
    page_publish(staff=shop.owner_staff, page_id=page.pk)
    from django.test import Client

    anyone = Client()
    T = f"{S}/shops/{{slug}}/pages/{{page_slug}}"
    got = contract.call(anyone, "get", T, path={"slug": shop.slug, "page_slug": "summer"}, expect=200)
    assert got["blocks"][3]["products"]
    contract.call(anyone, "get", T, path={"slug": shop.slug, "page_slug": "nothing"}, expect=404)
