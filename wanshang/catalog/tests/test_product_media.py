"""A product's uploaded media: gallery order, main-image size, colour images, video, and shop isolation."""

import pytest

from wanshang.catalog.selectors import product_media, product_sku_images
from wanshang.catalog.services import MediaInput, product_media_set, product_save
from wanshang.common.errors import NotFound, ValidationError
from wanshang.media.services import image_upload, video_upload
from wanshang.media.tests.conftest import image_bytes

pytestmark = pytest.mark.django_db
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


@pytest.fixture
def colours(shop, make_product):
    return make_product(shop, prices=(9900, 9900))  # axis 款式: 款1, 款2


def big(shop, color):
    return image_upload(shop=shop, file=image_bytes((1000, 1000), color=color), purpose="main")


def test_gallery_order_fills_images_pictures_and_the_video(shop, colours):
    a, b = big(shop, (255, 0, 0)), big(shop, (0, 255, 0))
    sku = image_upload(shop=shop, file=image_bytes((300, 300), color=(0, 0, 255)), purpose="sku")
    video = video_upload(shop=shop, file=MP4)
    product = product_media_set(
        staff=shop.owner_staff,
        product_id=colours.pk,
        media=MediaInput(gallery=[b.pk, a.pk], video=video.pk, sku_images={"款2": sku.pk}),
    )
    assert product.images == [b.renditions["detail"]["jpeg"], a.renditions["detail"]["jpeg"]]
    assert product.main_image == b.renditions["detail"]["jpeg"]
    assert product.pictures[product.main_image]["thumb"]["webp"] == b.renditions["thumb"]["webp"]
    assert product.video_url == video.url
    media = product_media(product=product)
    assert [x.pk for x in media.gallery] == [b.pk, a.pk]
    assert media.video == video and media.sku_images == {"款2": sku}
    assert product_sku_images(product=product) == {"款2": sku.renditions["detail"]["jpeg"]}

    # set again with less: the gallery shrinks, the video goes
    product = product_media_set(
        staff=shop.owner_staff, product_id=colours.pk, media=MediaInput(gallery=[a.pk])
    )
    assert product.images == [a.renditions["detail"]["jpeg"]] and product.video_url == ""


def test_pasted_image_urls_stay_after_the_uploaded_ones(shop, colours):
    colours.images = ["https://img.example.com/1.jpg"]
    colours.save()
    a = big(shop, (1, 2, 3))
    product = product_media_set(
        staff=shop.owner_staff, product_id=colours.pk, media=MediaInput(gallery=[a.pk])
    )
    assert product.images == [a.renditions["detail"]["jpeg"], "https://img.example.com/1.jpg"]


def test_a_small_first_image_is_refused_as_the_main_image(shop, colours):
    small = image_upload(shop=shop, file=image_bytes((640, 480)))
    with pytest.raises(ValidationError, match="主图至少 800×800 像素，这张是 640×480"):
        product_media_set(staff=shop.owner_staff, product_id=colours.pk, media=MediaInput(gallery=[small.pk]))
    # second place is fine
    a = big(shop, (9, 9, 9))
    product_media_set(
        staff=shop.owner_staff, product_id=colours.pk, media=MediaInput(gallery=[a.pk, small.pk])
    )


def test_bad_media_input_is_refused(shop, colours):
    a = big(shop, (5, 5, 5))
    video = video_upload(shop=shop, file=MP4)
    staff = shop.owner_staff
    cases = [
        (MediaInput(gallery=[a.pk] * 2), "重复"),
        (MediaInput(gallery=[a.pk, video.pk]), "只能是图片"),
        (MediaInput(video=a.pk), "视频"),
        (MediaInput(sku_images={"紫色": a.pk}), "紫色"),
        (MediaInput(gallery=["x"]), "整数"),
    ]
    for media, words in cases:
        with pytest.raises(ValidationError, match=words):
            product_media_set(staff=staff, product_id=colours.pk, media=media)
    many = [image_upload(shop=shop, file=image_bytes((810, 810), color=(i, 0, 0))).pk for i in range(11)]
    with pytest.raises(ValidationError, match="最多 10 张"):
        product_media_set(staff=staff, product_id=colours.pk, media=MediaInput(gallery=many))


def test_shop_a_cannot_attach_shop_bs_asset_nor_touch_bs_product(shop, other_shop, colours, make_product):
    theirs = big(other_shop, (7, 7, 7))
    with pytest.raises(NotFound):
        product_media_set(
            staff=shop.owner_staff, product_id=colours.pk, media=MediaInput(gallery=[theirs.pk])
        )
    their_product = make_product(other_shop)
    mine = big(shop, (8, 8, 8))
    with pytest.raises(NotFound):
        product_media_set(
            staff=shop.owner_staff, product_id=their_product.pk, media=MediaInput(gallery=[mine.pk])
        )
    their_product.refresh_from_db()
    assert their_product.images == [] and product_media(product=their_product).gallery == []


def test_product_save_takes_media_in_the_same_transaction(shop, colours):
    from wanshang.catalog.services import ProductInput, SkuInput

    a = big(shop, (3, 3, 3))
    data = ProductInput(
        title="带图的商品",
        category_id=shop.test_category.pk,
        skus=[SkuInput(spec_values=[], price_fen=100)],
        media=MediaInput(gallery=[a.pk]),
    )
    product = product_save(staff=shop.owner_staff, data=data)
    assert product.images == [a.renditions["detail"]["jpeg"]]


def test_the_detail_html_keeps_uploaded_image_urls(shop):
    from wanshang.catalog.services import sanitize_html

    a = image_upload(shop=shop, file=image_bytes((300, 200)), purpose="detail")
    url = a.renditions["detail"]["jpeg"]
    html = sanitize_html(f'<p>详情</p><p><img src="{url}" onerror="alert(1)"></p><script>x</script>')
    assert f'<img src="{url}">' in html and "onerror" not in html and "script" not in html


def test_a_buyers_photo_stored_with_the_shop_cannot_go_on_its_products(shop, colours, make_user):
    """Review photos and after-sales evidence are kept as the shop's assets but are the buyer's pictures."""
    photo = image_upload(
        shop=shop, file=image_bytes((1000, 1000), color=(1, 2, 3)), by=make_user(), source="buyer"
    )
    with pytest.raises(NotFound):
        product_media_set(staff=shop.owner_staff, product_id=colours.pk, media=MediaInput(gallery=[photo.pk]))
    colours.refresh_from_db()
    assert product_media(product=colours).gallery == []
    # the shop uploading the same picture itself makes it its own
    own = image_upload(shop=shop, file=image_bytes((1000, 1000), color=(1, 2, 3)), purpose="main")
    assert own.pk == photo.pk and own.source == "shop"
    product = product_media_set(
        staff=shop.owner_staff, product_id=colours.pk, media=MediaInput(gallery=[own.pk])
    )
    assert [a.pk for a in product_media(product=product).gallery] == [own.pk]
