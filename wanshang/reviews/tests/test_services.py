"""Reviews through the real services: the rules, the bad input that changes nothing, isolation, moderation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.common.errors import Conflict, NotFound, PermissionDenied, ValidationError
from wanshang.media.models import MediaAsset
from wanshang.reviews.models import (
    ProductRating,
    Review,
    ReviewEvent,
    ReviewImage,
    ReviewReport,
    ReviewVote,
    ShopRating,
    ShopScore,
)
from wanshang.reviews.selectors import author_name, product_rating, product_review_list, shop_dsr
from wanshang.reviews.services import (
    report_decide,
    review_create,
    review_edit,
    review_followup,
    review_moderate,
    review_reply,
    review_report,
    review_vote,
)
from wanshang.reviews.tests.conftest import DSR

pytestmark = pytest.mark.django_db


def nothing_written():
    return not (Review.objects.exists() or ShopRating.objects.exists() or ReviewImage.objects.exists())


def test_review_with_images_and_dsr_updates_rating_and_shop_score(buyer, line, img, shop):
    review = review_create(
        buyer=buyer,
        line_id=line.pk,
        stars=4,
        text="很好看，面料舒服",
        dsr=DSR,
        images=[img(), img(color=(1, 2, 3))],
    )
    assert review.has_images and review.spec_text == line.spec_text and review.sku_id == line.sku_id
    assets = MediaAsset.objects.filter(pk__in=review.images.values("asset_id"))
    assert assets.count() == 2
    assert {a.shop_id for a in assets} == {shop.pk} and {a.uploaded_by_id for a in assets} == {buyer.pk}
    rating = ProductRating.objects.get(product_id=line.product_id)
    assert (rating.count, rating.written, rating.average, rating.good_rate) == (1, 1, 4.0, 100.0)
    score = ShopScore.objects.get(shop=shop)
    assert (score.counted, score.description, score.service, score.logistics) == (1, 5.0, 4.0, 3.0)
    assert list(ReviewEvent.objects.filter(review=review).values_list("action", flat=True)) == ["created"]


def test_the_second_line_of_an_order_does_not_ask_for_the_dsr_again(buyer, order):
    first, second = order.lines.order_by("pk")
    review_create(buyer=buyer, line_id=first.pk, stars=5, dsr=DSR)
    review_create(buyer=buyer, line_id=second.pk, stars=3)
    assert ShopRating.objects.count() == 1
    assert product_rating(product_id=first.product_id).count == 2


def test_the_first_review_of_an_order_needs_the_dsr(buyer, line):
    with pytest.raises(ValidationError, match="描述相符"):
        review_create(buyer=buyer, line_id=line.pk, stars=5)
    assert nothing_written()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"stars": 0}, "1–5"),
        ({"stars": 6}, "1–5"),
        ({"stars": "五"}, "1–5"),
        ({"stars": 5, "text": "<script>alert(1)</script>"}, "HTML"),
        ({"stars": 5, "text": '好看<img src=x onerror="alert(1)">'}, "HTML"),
        ({"stars": 5, "text": "好" * 501}, "500"),
        ({"stars": 5, "dsr": {**DSR, "service": 9}}, "服务态度"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(buyer, line, kwargs, message):
    kwargs.setdefault("dsr", DSR)
    with pytest.raises(ValidationError, match=message):
        review_create(buyer=buyer, line_id=line.pk, **kwargs)
    assert nothing_written()


def test_ten_images_are_refused_before_anything_is_stored(buyer, line, img):
    with pytest.raises(ValidationError, match="最多上传 9 张"):
        review_create(buyer=buyer, line_id=line.pk, stars=5, dsr=DSR, images=[img() for _ in range(10)])
    assert nothing_written() and not MediaAsset.objects.exists()


def test_a_file_that_is_not_an_image_is_refused_and_changes_nothing(buyer, line):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="不是有效的图片"):
        review_create(buyer=buyer, line_id=line.pk, stars=5, dsr=DSR, images=[fake])
    assert nothing_written()


def test_text_is_kept_as_plain_text(buyer, line):
    review = review_create(buyer=buyer, line_id=line.pk, stars=5, dsr=DSR, text="  尺码 < 预期，\x00还行  ")
    assert review.text == "尺码 < 预期，还行"


def test_an_order_not_received_cannot_be_reviewed(buyer, address, shop, product, receive):
    order = receive(buyer, address, shop, [(product.skus.first(), 1)], received=False)
    with pytest.raises(ValidationError, match="确认收货后"):
        review_create(buyer=buyer, line_id=order.lines.get().pk, stars=5, dsr=DSR)
    assert nothing_written()


def test_a_second_review_of_the_same_line_is_a_conflict(buyer, line):
    review_create(buyer=buyer, line_id=line.pk, stars=5, dsr=DSR)
    with pytest.raises(Conflict, match="已经评价过"):
        review_create(buyer=buyer, line_id=line.pk, stars=1, dsr=DSR)
    assert Review.objects.get().stars == 5


def test_the_review_window_closes(buyer, line, order):
    later = order.received_at + timedelta(days=15, minutes=1)
    with pytest.raises(ValidationError, match="评价期限"):
        review_create(buyer=buyer, line_id=line.pk, stars=5, dsr=DSR, now=later)


def test_buyer_a_cannot_review_buyer_bs_line(make_user, line):
    with pytest.raises(NotFound):
        review_create(buyer=make_user(), line_id=line.pk, stars=5, dsr=DSR)
    assert nothing_written()


def test_followup_once_within_180_days(buyer, line, img):
    review = review_create(buyer=buyer, line_id=line.pk, stars=5, dsr=DSR)
    with pytest.raises(ValidationError, match="追评期限"):
        review_followup(
            buyer=buyer, review_id=review.pk, text="穿了半年", now=review.created_at + timedelta(days=181)
        )
    review_followup(buyer=buyer, review_id=review.pk, text="洗了几次不变形", images=[img()])
    with pytest.raises(Conflict, match="只能追评一次"):
        review_followup(buyer=buyer, review_id=review.pk, text="再追一次")
    review.refresh_from_db()
    assert review.followup_text == "洗了几次不变形" and review.has_images
    assert ReviewImage.objects.filter(review=review, followup=True).count() == 1
    assert ProductRating.objects.get(product_id=line.product_id).with_followup == 1


def test_edit_once_sends_the_review_to_moderation_and_out_of_the_page(buyer, line, operator):
    review = review_create(buyer=buyer, line_id=line.pk, stars=5, dsr=DSR, text="不错")
    review_edit(buyer=buyer, review_id=review.pk, stars=2, text="洗了掉色")
    review.refresh_from_db()
    assert review.status == "pending" and review.stars == 2
    assert list(product_review_list(product_id=line.product_id)) == []
    assert product_rating(product_id=line.product_id).count == 0
    with pytest.raises(Conflict, match="只能修改一次"):
        review_edit(buyer=buyer, review_id=review.pk, stars=3, text="再改")
    review_moderate(operator=operator, review_id=review.pk, approve=True)
    assert [r.pk for r in product_review_list(product_id=line.product_id)] == [review.pk]
    assert product_rating(product_id=line.product_id).average == 2.0


def test_replies_once_per_review_and_per_followup(buyer, line, shop):
    review = review_create(buyer=buyer, line_id=line.pk, stars=5, dsr=DSR)
    with pytest.raises(ValidationError, match="还没有追评"):
        review_reply(shop=shop, actor=shop.owner, review_id=review.pk, text="谢谢", followup=True)
    review_reply(shop=shop, actor=shop.owner, review_id=review.pk, text="感谢支持")
    with pytest.raises(Conflict, match="只能回复一次"):
        review_reply(shop=shop, actor=shop.owner, review_id=review.pk, text="再谢")
    review_followup(buyer=buyer, review_id=review.pk, text="还不错")
    review_reply(shop=shop, actor=shop.owner, review_id=review.pk, text="欢迎再来", followup=True)
    review.refresh_from_db()
    assert (review.reply, review.followup_reply) == ("感谢支持", "欢迎再来")


def test_shop_a_cannot_see_reply_or_report_shop_bs_reviews(buyer, line, other_shop):
    review = review_create(buyer=buyer, line_id=line.pk, stars=1, dsr=DSR, text="差")
    with pytest.raises(NotFound):
        review_reply(shop=other_shop, actor=other_shop.owner, review_id=review.pk, text="回复")
    with pytest.raises(NotFound):
        review_report(shop=other_shop, actor=other_shop.owner, review_id=review.pk, reason="恶意差评骚扰")
    review.refresh_from_db()
    assert review.reply == "" and not ReviewReport.objects.exists()


def test_hiding_goes_through_a_report_the_platform_decides(buyer, line, shop, operator):
    review = review_create(buyer=buyer, line_id=line.pk, stars=1, dsr=DSR, text="广告 加微信")
    with pytest.raises(ValidationError, match="举报理由"):
        review_report(shop=shop, actor=shop.owner, review_id=review.pk, reason="")
    report = review_report(shop=shop, actor=shop.owner, review_id=review.pk, reason="评价内容是广告")
    with pytest.raises(Conflict, match="待处理的举报"):
        review_report(shop=shop, actor=shop.owner, review_id=review.pk, reason="评价内容是广告")
    with pytest.raises(PermissionDenied):
        report_decide(operator=shop.owner, report_id=report.pk, approve=True, note="x")
    assert Review.objects.get().status == "published"
    report_decide(operator=operator, report_id=report.pk, approve=True, note="含广告引流")
    review.refresh_from_db()
    assert review.status == "hidden"
    assert product_rating(product_id=line.product_id).count == 0
    assert ShopScore.objects.get(shop=shop).counted == 1  # the DSR is the buyer's score of the order, kept
    with pytest.raises(Conflict, match="已处理"):
        report_decide(operator=operator, report_id=report.pk, approve=False, note="重复")


def test_a_rejected_report_leaves_the_review_shown(buyer, line, shop, operator):
    review = review_create(buyer=buyer, line_id=line.pk, stars=2, dsr=DSR, text="一般")
    report = review_report(shop=shop, actor=shop.owner, review_id=review.pk, reason="不喜欢这条")
    report_decide(operator=operator, report_id=report.pk, approve=False, note="属于正常评价")
    review.refresh_from_db()
    assert review.status == "published"
    assert ReviewReport.objects.get().status == "rejected"


def test_helpful_votes_one_per_user(buyer, line, make_user):
    review = review_create(buyer=buyer, line_id=line.pk, stars=5, dsr=DSR)
    voter = make_user()
    assert review_vote(user=voter, review_id=review.pk) == 1
    with pytest.raises(Conflict, match="已经点过"):
        review_vote(user=voter, review_id=review.pk)
    with pytest.raises(ValidationError, match="自己的评价"):
        review_vote(user=buyer, review_id=review.pk)
    assert ReviewVote.objects.count() == 1 and Review.objects.get().helpful_count == 1


def test_anonymous_names_are_masked(make_user):
    user = make_user(login="13912345678", nickname="")
    assert author_name(user, anonymous=False) == "139****5678"
    assert author_name(user, anonymous=True) == "1***8"
    user.nickname = "小红帽"
    assert author_name(user, anonymous=True) == "小***帽"


def test_shop_dsr_against_the_category_average(
    buyer, line, shop, make_shop, make_user, make_address, receive, make_product
):
    review_create(buyer=buyer, line_id=line.pk, stars=5, dsr={"description": 5, "service": 5, "logistics": 5})

    def scored_peer(score):
        peer = make_shop(category=shop.test_category)
        other = make_user()
        order = receive(other, make_address(other), peer, [(make_product(peer).skus.first(), 1)])
        dsr = {"description": score, "service": score, "logistics": score}
        review_create(buyer=other, line_id=order.lines.get().pk, stars=3, dsr=dsr)
        return peer

    low = scored_peer(3)
    assert shop_dsr(shop_id=shop.pk).items[0].trend == ""  # two scored shops: no comparison yet
    scored_peer(4)
    card = shop_dsr(shop_id=shop.pk)
    assert card.peers == 3
    first = card.items[0]
    assert (first.value, first.peer, first.trend, first.percent) == (5.0, 4.0, "higher", 25.0)
    assert shop_dsr(shop_id=low.pk).items[0].trend == "lower"


def test_rating_change_reindexes_search_after_commit(buyer, line, django_capture_on_commit_callbacks):
    from wanshang.search.models import SearchDoc

    with django_capture_on_commit_callbacks(execute=True):
        review_create(buyer=buyer, line_id=line.pk, stars=3, dsr=DSR)
    doc = SearchDoc.objects.get(product_id=line.product_id)
    assert doc.rating == 3.0


def test_review_created_at_defaults_to_now(buyer, line):
    review = review_create(buyer=buyer, line_id=line.pk, stars=5, dsr=DSR)
    assert abs((review.created_at - timezone.now()).total_seconds()) < 60
