"""Image problems of products on generated pictures: size, shape, blur, count, duplicates in the shop,
declarations; opened and closed as the pictures change, counted for the 体检中心, and the job with the clock moved."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import ImageFilter

from wanshang.catalog.models import ImageProblem
from wanshang.catalog.selectors import product_image_problems, shop_image_problem_counts
from wanshang.catalog.services import MediaInput, product_image_problems_refresh, product_media_set
from wanshang.catalog.tasks import image_checks
from wanshang.media.services import declaration_mark, declaration_review, declaration_submit, image_upload
from wanshang.media.tests.conftest import checkerboard, encoded, scene

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _two_main_images(settings):
    settings.WANSHANG = {**settings.WANSHANG, "IMAGE_MIN_MAIN_COUNT": 2}


def picture(shop, image, purpose="gallery"):
    data = SimpleUploadedFile("p.jpg", encoded(image), content_type="image/jpeg")
    return image_upload(shop=shop, file=data, purpose=purpose, by=shop.owner)


def set_gallery(shop, product, *assets):
    return product_media_set(
        staff=shop.owner_staff, product_id=product.pk, media=MediaInput(gallery=[a.pk for a in assets])
    )


def kinds(product) -> set[tuple[str, int | None]]:
    return {(p.kind, p.asset_id) for p in product_image_problems(product_id=product.pk)}


def test_sharp_square_pictures_have_no_problem(make_shop, make_product):
    shop = make_shop()
    product = make_product(shop)
    set_gallery(shop, product, picture(shop, scene(1)), picture(shop, checkerboard()))
    assert kinds(product) == set()


def test_small_odd_and_blurred_pictures_are_problems_and_close_when_replaced(make_shop, make_product):
    shop = make_shop()
    product = make_product(shop)
    main = picture(shop, scene(1))
    small = picture(shop, scene(2, size=(600, 600)))
    wide = picture(shop, scene(3, size=(1200, 800)))
    blurred = picture(shop, checkerboard().filter(ImageFilter.GaussianBlur(4)))
    set_gallery(shop, product, main, small, wide, blurred)
    assert kinds(product) == {
        ("low_resolution", small.pk),
        ("not_square", wide.pk),
        ("blurred", blurred.pk),
    }
    [low] = [p for p in product_image_problems(product_id=product.pk) if p.kind == "low_resolution"]
    assert "第2张主图 600×600" in low.message
    set_gallery(shop, product, main, picture(shop, checkerboard()))
    assert kinds(product) == set()
    closed = ImageProblem.objects.filter(product=product, resolved_at__isnull=False)
    assert closed.count() == 4  # with the "too few" of the new product


def test_too_few_main_images(make_shop, make_product):
    shop = make_shop()
    product = make_product(shop)  # no picture at all
    assert kinds(product) == {("too_few", None)}
    set_gallery(shop, product, picture(shop, scene(1)))
    [problem] = product_image_problems(product_id=product.pk)
    assert problem.detail == {"count": 1, "min_count": 2} and "主图 1 张，至少需要 2 张" in problem.message
    set_gallery(shop, product, picture(shop, scene(1)), picture(shop, scene(2)))
    assert kinds(product) == set()


def test_a_checked_product_checked_again_opens_nothing_twice(make_shop, make_product):
    shop = make_shop()
    product = make_product(shop)
    product_image_problems_refresh(product_ids=[product.pk])
    product_image_problems_refresh(product_ids=[product.pk])
    assert ImageProblem.objects.filter(product=product).count() == 1


def test_the_same_picture_on_two_products_of_a_shop_is_a_warning_on_both(make_shop, make_product):
    shop, other_shop = make_shop(), make_shop()
    one, two, three = make_product(shop), make_product(shop), make_product(other_shop)
    shared, extra = picture(shop, scene(1)), picture(shop, scene(2))
    near = picture(shop, scene(1).resize((820, 820)))  # nearly the same picture, other bytes
    set_gallery(shop, one, shared, extra)
    set_gallery(shop, two, near, picture(shop, scene(3)))
    set_gallery(other_shop, three, picture(other_shop, scene(1)), picture(other_shop, scene(4)))
    assert kinds(one) == {("duplicate", shared.pk)}
    assert kinds(two) == {("duplicate", near.pk)}
    [dup] = product_image_problems(product_id=one.pk)
    assert [o["product_id"] for o in dup.detail["others"]] == [two.pk]
    assert kinds(three) == set()  # another shop's copy is the platform's business, not a shop warning
    set_gallery(shop, two, picture(shop, scene(5)), picture(shop, scene(6)))
    assert kinds(one) == set() and kinds(two) == set()  # the partner's problem closed with it


def test_a_marked_picture_without_approved_authorisation_keeps_the_problem_open(
    make_shop, make_product, operator
):
    shop = make_shop()
    product = make_product(shop)
    logo = picture(shop, scene(1))
    set_gallery(shop, product, logo, picture(shop, scene(2)))
    assert kinds(product) == set()  # nothing is detected without a mark
    declaration = declaration_mark(shop=shop, by=shop.owner, asset_id=logo.pk, kind="brand", subject="某品牌")
    assert kinds(product) == {("declaration", logo.pk)}
    declaration_submit(
        shop=shop, by=shop.owner, declaration_id=declaration.pk, file=SimpleUploadedFile("授权.pdf", PDF)
    )
    assert kinds(product) == set()  # waiting for the platform
    declaration_review(operator=operator, declaration_id=declaration.pk, approve=False, reason="授权已过期")
    [problem] = product_image_problems(product_id=product.pk)
    assert problem.kind == "declaration" and "授权已过期" in problem.message
    declaration_submit(
        shop=shop, by=shop.owner, declaration_id=declaration.pk, file=SimpleUploadedFile("新授权.pdf", PDF)
    )
    declaration_review(operator=operator, declaration_id=declaration.pk, approve=True)
    assert kinds(product) == set()


def test_counts_for_the_health_center(make_shop, make_product):
    shop, clean, other = make_shop(), make_shop(), make_shop()
    on_sale = make_product(shop)  # too few: one problem
    make_product(shop, on_sale=False)  # a draft's problems do not count
    fixed = make_product(shop)
    set_gallery(shop, fixed, picture(shop, scene(1)), picture(shop, scene(2)))  # too_few closed now
    good = make_product(clean)
    set_gallery(clean, good, picture(clean, scene(3)), picture(clean, scene(4)))
    make_product(other)
    since = timezone.now() - timedelta(days=30)
    ids = [shop.pk, clean.pk]
    assert shop_image_problem_counts(shop_ids=ids, since=since) == {shop.pk: 2, clean.pk: 1}
    assert shop_image_problem_counts(shop_ids=ids, since=since, open_only=True) == {shop.pk: 1, clean.pk: 0}
    later = timezone.now() + timedelta(minutes=1)
    assert shop_image_problem_counts(shop_ids=ids, since=later) == {shop.pk: 1, clean.pk: 0}
    assert on_sale.pk in {p.product_id for p in ImageProblem.objects.filter(resolved_at__isnull=True)}


def test_the_job_checks_each_product_once_a_day_and_catches_up(make_shop, make_product, settings):
    shop = make_shop()
    product = make_product(shop)
    ImageProblem.objects.all().delete()
    product.image_check.delete()
    now = timezone.now()
    assert image_checks(now) >= 1  # never checked
    assert kinds(product) == {("too_few", None)}
    assert image_checks(now) == 0  # nothing twice
    assert image_checks(now + timedelta(hours=5)) == 0
    settings.WANSHANG = {**settings.WANSHANG, "IMAGE_MIN_MAIN_COUNT": 0}  # a setting changed
    assert image_checks(now + timedelta(days=3)) >= 1  # the job was down for days: caught up in one run
    assert kinds(product) == set()


def test_a_picture_measured_later_is_checked_again_without_waiting_a_day(make_shop, make_product):
    from wanshang.media.services import assets_analyse_pending

    shop = make_shop()
    product = make_product(shop)
    blurred = picture(shop, checkerboard().filter(ImageFilter.GaussianBlur(4)))
    blurred.__class__.objects.filter(pk=blurred.pk).update(analysed_at=None, blur_score=None)
    set_gallery(shop, product, blurred, picture(shop, scene(2)))
    assert kinds(product) == set()  # not measured yet: nothing to say
    assets_analyse_pending()
    image_checks(timezone.now() + timedelta(minutes=1))
    assert kinds(product) == {("blurred", blurred.pk)}
