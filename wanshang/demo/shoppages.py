"""Demo 店铺活动页: every demo shop publishes one campaign page — a banner composed from its category's artwork
(uploaded into its picture library through media.services.image_upload), a heading, a paragraph, a grid of its
retail products on sale, its claimable coupons and a call-to-action button — through the shoppages services,
so every text passes the 广告法 scanner (a warning is reported in the log; a blocking term would fail the load)."""

from datetime import timedelta

from wanshang.demo.artwork import banner_picture
from wanshang.marketing.selectors import coupon_center
from wanshang.media.services import image_upload
from wanshang.shoppages.services import page_publish, page_save

SLUG = "weekly-picks"
GRID = 8


def _modules(demo, *, image_id: int, product_ids: list[int], coupon_ids: list[int]) -> list[dict]:
    brand = (demo.spec.get("brands") or [demo.shop.name])[0]
    modules = [
        {"type": "banner", "image_id": image_id, "alt": f"{brand}本周好物", "target": {"kind": "shop"}},
        {"type": "heading", "text": f"{brand} · 本周主推"},
        {
            "type": "text",
            "text": "店内人气好物一次看全，现货速发。\n先领店铺券再下单，结算时自动抵扣。",
        },
    ]
    if product_ids:
        modules.append({"type": "products", "product_ids": product_ids})
    if coupon_ids:
        modules.append({"type": "coupons", "coupon_ids": coupon_ids})
        modules.append(
            {"type": "button", "label": "领券立减 马上抢", "target": {"kind": "coupon", "id": coupon_ids[0]}}
        )
    else:
        modules.append({"type": "button", "label": "逛逛全店新品", "target": {"kind": "shop"}})
    return modules


def shoppages_create(*, shops, on_sale: dict, now, log) -> int:
    """One published campaign page per shop, running from yesterday for 30 days. Returns how many."""
    made = 0
    for demo in shops:
        shop = demo.shop
        refs = [r for r in on_sale.get(demo.spec["slug"], []) if not r.wholesale_qty]
        product_ids = list(dict.fromkeys(r.product_id for r in refs))[:GRID]
        coupon_ids = [c.pk for c in coupon_center(shop=shop, now=now) if c.shop_id == shop.pk][:2]
        picture = banner_picture(kind=demo.spec["categories"][0], key=demo.spec["slug"])
        image = image_upload(shop=shop, file=picture, purpose="detail")
        result = page_save(
            staff=demo.owner,
            title=f"{(demo.spec.get('brands') or [shop.name])[0]}本周好物专场",
            slug=SLUG,
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=30),
            modules=_modules(demo, image_id=image.pk, product_ids=product_ids, coupon_ids=coupon_ids),
            now=now,
        )
        if result.warnings:
            log(f"  {shop.name} 的活动页有广告法提醒：{sorted(result.warnings)}")
        page_publish(staff=demo.owner, page_id=result.page.pk, now=now)
        made += 1
    log(f"  店铺活动页 {made} 个（每店一个，已发布）")
    return made
