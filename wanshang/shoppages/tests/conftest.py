import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image, ImageDraw

from wanshang.merchants.tests.conftest import make_staff  # noqa: F401


def banner_jpeg(size=(1200, 500), colour=(230, 80, 60)) -> bytes:
    image = Image.new("RGB", size, (255, 240, 230))
    w, h = size
    ImageDraw.Draw(image).rectangle((w // 6, h // 5, 5 * w // 6, 4 * h // 5), fill=colour)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


@pytest.fixture
def upload():
    from wanshang.media.services import image_upload

    def make(shop):
        return image_upload(shop=shop, file=banner_jpeg(), purpose="detail")

    return make


@pytest.fixture
def make_coupon():
    from wanshang.marketing.services import PromotionInput, promotion_save

    def make(shop, name="店铺券满199减20", **fields):
        now = timezone.now()
        data = PromotionInput(
            kind="coupon",
            name=name,
            starts_at=fields.pop("starts_at", now - timedelta(minutes=1)),
            ends_at=fields.pop("ends_at", now + timedelta(days=7)),
            config={"type": "amount", "threshold_fen": 19900, "amount_fen": 2000},
            total_quantity=fields.pop("total_quantity", 100),
            per_buyer_limit=fields.pop("per_buyer_limit", 1),
            **fields,
        )
        return promotion_save(shop=shop, actor=shop.owner, data=data)

    return make


@pytest.fixture
def scene(make_shop, make_product, make_coupon, upload):
    """Shop A with two products, a coupon and a picture; shop B with the same; A's owner."""

    class Scene:
        pass

    s = Scene()
    s.a = make_shop(name="青禾服饰旗舰店")
    s.b = make_shop(name="别家店铺")
    s.p1 = make_product(s.a, title="法式碎花连衣裙", prices=(15900,), stock=20)
    s.p2 = make_product(s.a, title="纯棉宽松短袖T恤", prices=(5900,), stock=3)
    s.coupon = make_coupon(s.a)
    s.image = upload(s.a)
    s.b_product = make_product(s.b, title="别家商品", prices=(9900,))
    s.b_coupon = make_coupon(s.b, name="别家券")
    s.b_image = upload(s.b)
    return s


def modules_for(s) -> list[dict]:
    return [
        {"type": "banner", "image_id": s.image.pk, "alt": "夏日上新", "target": {"kind": "shop"}},
        {"type": "heading", "text": "夏日清凉专场"},
        {"type": "text", "text": "纯棉面料，透气舒适。\n满199减20，先领券再下单。"},
        {"type": "products", "product_ids": [s.p1.pk, s.p2.pk]},
        {"type": "coupons", "coupon_ids": [s.coupon.pk]},
        {"type": "button", "label": "领券立减 马上抢", "target": {"kind": "coupon", "id": s.coupon.pk}},
    ]
