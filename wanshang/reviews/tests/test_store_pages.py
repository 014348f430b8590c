"""The buyer's review pages through the Django test client: order buttons, the form, the product page, the shop."""

import pytest
from django.urls import reverse

from wanshang.reviews.models import Review, ReviewVote, ShopRating
from wanshang.reviews.services import review_create
from wanshang.reviews.tests.conftest import DSR

pytestmark = pytest.mark.django_db


def form_data(**extra):
    return {
        "stars": "5",
        "text": "颜色正，面料软",
        "description": "5",
        "service": "4",
        "logistics": "5",
        **extra,
    }


def test_order_pages_offer_the_review_button_per_received_line(login_client, buyer, order):
    client = login_client(buyer)
    detail = client.get(reverse("storefront:order_detail", args=[order.pk])).content.decode()
    listing = client.get(reverse("storefront:orders")).content.decode()
    for line in order.lines.all():
        url = reverse("storefront:review_new", args=[line.pk])
        assert url in detail and url in listing


def test_buyer_reviews_with_an_image_and_it_shows_on_the_product_page(login_client, buyer, line, img, client):
    c = login_client(buyer)
    url = reverse("storefront:review_new", args=[line.pk])
    page = c.get(url)
    assert page.status_code == 200 and "描述相符" in page.content.decode()
    response = c.post(url, {**form_data(is_anonymous="on"), "images": [img(), img(color=(9, 9, 9))]})
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.is_anonymous and review.images.count() == 2 and ShopRating.objects.count() == 1
    assert {i.asset.source for i in review.images.all()} == {"buyer"}  # never the shop's to list
    detail = c.get(reverse("storefront:order_detail", args=[line.order_id])).content.decode()
    assert reverse("storefront:review_followup", args=[review.pk]) in detail
    c.logout()
    product_page = client.get(reverse("storefront:product", args=[line.product_id])).content.decode()
    assert "颜色正，面料软" in product_page and "好评率" in product_page and "100.0%" in product_page
    assert review.images.first().asset.url.rsplit(".", 1)[0] in product_page or "<picture" in product_page
    assert buyer.username not in product_page  # anonymous: masked


def test_script_in_the_text_is_a_form_error_and_nothing_is_saved(login_client, buyer, line):
    c = login_client(buyer)
    response = c.post(
        reverse("storefront:review_new", args=[line.pk]), form_data(text="<script>alert(1)</script>")
    )
    assert response.status_code == 400
    assert "不能包含 HTML" in response.content.decode() and not Review.objects.exists()


def test_ten_images_and_missing_stars_are_form_errors(login_client, buyer, line, img):
    c = login_client(buyer)
    url = reverse("storefront:review_new", args=[line.pk])
    response = c.post(url, {**form_data(), "images": [img(color=(i, i, i)) for i in range(10)]})
    assert response.status_code == 400 and "最多上传 9 张" in response.content.decode()
    response = c.post(url, form_data(stars="7"))
    assert response.status_code == 400
    assert not Review.objects.exists()


def test_a_second_review_is_refused_with_409(login_client, buyer, line):
    c = login_client(buyer)
    url = reverse("storefront:review_new", args=[line.pk])
    assert c.post(url, form_data()).status_code == 302
    response = c.post(url, form_data(stars="1"))
    assert response.status_code == 409 and "已经评价过" in response.content.decode()
    assert Review.objects.get().stars == 5


def test_another_buyers_line_is_404(login_client, make_user, line):
    c = login_client(make_user())
    assert c.get(reverse("storefront:review_new", args=[line.pk])).status_code == 404
    assert c.post(reverse("storefront:review_new", args=[line.pk]), form_data()).status_code == 404


def test_followup_and_edit_pages(login_client, buyer, line):
    review = review_create(buyer=buyer, line_id=line.pk, stars=5, dsr=DSR, text="好")
    c = login_client(buyer)
    response = c.post(reverse("storefront:review_followup", args=[review.pk]), {"text": "一个月后依然好"})
    assert response.status_code == 302
    response = c.post(reverse("storefront:review_edit", args=[review.pk]), {"stars": "3", "text": "一般"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.followup_text, review.stars, review.status) == ("一个月后依然好", 3, "pending")
    response = c.post(reverse("storefront:review_edit", args=[review.pk]), {"stars": "4", "text": "再改"})
    assert response.status_code == 409


def test_product_page_filters_sorts_and_helpful_votes(login_client, buyer, order, make_user, client):
    first, second = order.lines.order_by("pk")
    good = review_create(buyer=buyer, line_id=first.pk, stars=5, dsr=DSR, text="好评一条")
    bad = review_create(buyer=buyer, line_id=second.pk, stars=2, text="差评一条")
    url = reverse("storefront:product_reviews", args=[first.product_id])
    page = client.get(url, {"rf": "bad"}, headers={"HX-Request": "true"}).content.decode()
    assert "差评一条" in page and "好评一条" not in page
    voter = login_client(make_user())
    response = voter.post(reverse("storefront:review_helpful", args=[bad.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200 and ReviewVote.objects.count() == 1
    again = voter.post(reverse("storefront:review_helpful", args=[bad.pk]), headers={"HX-Request": "true"})
    assert "已经点过" in again.content.decode() and ReviewVote.objects.count() == 1
    helpful = voter.get(url, {"rs": "helpful"}, headers={"HX-Request": "true"}).content.decode()
    assert helpful.index("差评一条") < helpful.index("好评一条")
    recent = voter.get(url, {"rs": "recent"}).content.decode()
    assert recent.index("差评一条") < recent.index("好评一条") or good.created_at == bad.created_at


def test_shop_page_shows_the_dsr(login_client, buyer, line, shop, client):
    review_create(buyer=buyer, line_id=line.pk, stars=5, dsr=DSR)
    page = client.get(reverse("storefront:shop", args=[shop.slug])).content.decode()
    assert "描述相符" in page and "5.00" in page and "3.00" in page


def test_product_page_reads_the_stored_aggregate_in_a_bounded_number_of_queries(
    buyer, order, client, django_assert_max_num_queries
):
    first, second = order.lines.order_by("pk")
    review_create(buyer=buyer, line_id=first.pk, stars=5, dsr=DSR)
    url = reverse("storefront:product", args=[first.product_id])
    client.get(url)
    with django_assert_max_num_queries(40) as ctx:
        client.get(url)
    review_create(buyer=buyer, line_id=second.pk, stars=4)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        client.get(url)  # another review adds no query


def test_the_form_of_a_line_already_reviewed_goes_back_to_the_order(login_client, buyer, line):
    review_create(buyer=buyer, line_id=line.pk, stars=5, dsr=DSR)
    response = login_client(buyer).get(reverse("storefront:review_new", args=[line.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("storefront:order_detail", args=[line.order_id])
    assert "已经评价过" in response.content.decode()


def test_my_reviews_lists_what_waits_for_a_review_a_followup_and_what_was_written(
    login_client, buyer, order, make_user
):
    c = login_client(buyer)
    url = reverse("storefront:my_reviews")
    first, second = order.lines.order_by("pk")
    todo = c.get(url).content.decode()
    assert reverse("storefront:review_new", args=[first.pk]) in todo
    assert reverse("storefront:review_new", args=[second.pk]) in todo
    review = review_create(buyer=buyer, line_id=first.pk, stars=4, text="版型不错", dsr=DSR)
    todo = c.get(url).content.decode()
    assert reverse("storefront:review_new", args=[first.pk]) not in todo  # reviewed: no longer waiting
    assert reverse("storefront:review_new", args=[second.pk]) in todo
    followup = c.get(url, {"tab": "followup"}).content.decode()
    assert reverse("storefront:review_followup", args=[review.pk]) in followup
    done = c.get(url, {"tab": "done"}).content.decode()
    assert "版型不错" in done and f'data-review="{review.pk}"' in done
    assert c.get(url, {"tab": "bogus"}).status_code == 200  # an unknown tab shows 待评价

    stranger = login_client(make_user())
    for tab in ("todo", "followup", "done"):
        page = stranger.get(url, {"tab": tab}).content.decode()
        assert "版型不错" not in page and f'data-line="{first.pk}"' not in page
    stranger.logout()
    assert stranger.get(url).status_code == 302  # signed out: to the log-in page


def test_my_reviews_tabs_follow_the_language(login_client, buyer, order):
    c = login_client(buyer)
    page = c.get(reverse("storefront:my_reviews"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "To review" in page and "待评价" not in page
