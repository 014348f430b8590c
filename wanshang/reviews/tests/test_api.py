"""Reviews through the JSON API of the three faces: the same rules, 4xx with a message, isolation, paging."""

import pytest
from django.test import Client

from wanshang.accounts.services import api_token_create
from wanshang.reviews.models import Review, ReviewReport, ShopRating
from wanshang.reviews.services import review_create, review_edit
from wanshang.reviews.tests.conftest import DSR

pytestmark = pytest.mark.django_db


def bearer(user):
    token = api_token_create(user=user)
    client = Client(enforce_csrf_checks=True)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def post(client, path, data):
    return client.post(path, data, content_type="application/json")


def test_buyer_uploads_a_picture_then_reviews_and_the_product_api_shows_it(buyer, line, img, client):
    api = bearer(buyer)
    up = api.post(f"/api/store/order-lines/{line.pk}/review-images", {"file": img()})
    assert up.status_code == 201, up.content
    image_id = up.json()["id"]
    response = post(
        api,
        f"/api/store/order-lines/{line.pk}/review",
        {"stars": 4, "text": "好穿", "dsr": DSR, "image_ids": [image_id], "is_anonymous": True},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stars"] == 4 and len(body["images"]) == 1 and body["author"].count("*") == 3
    rating = client.get(f"/api/store/products/{line.product_id}/rating").json()
    assert (rating["count"], rating["average"], rating["good_rate"]) == (1, 4.0, 100.0)
    page = client.get(f"/api/store/products/{line.product_id}/reviews", {"kind": "images"}).json()
    assert page["count"] == 1 and page["items"][0]["text"] == "好穿" and page["pages"] == 1
    dsr = client.get(f"/api/store/shops/{line.shop_id}/dsr").json()
    assert [i["value"] for i in dsr["items"]] == [5.0, 4.0, 3.0]


@pytest.mark.parametrize(
    "payload, status, message",
    [
        ({"stars": 6, "dsr": DSR}, 422, "stars"),
        ({"stars": 5, "dsr": DSR, "text": "<script>x</script>"}, 400, "HTML"),
        ({"stars": 5, "dsr": DSR, "image_ids": list(range(1, 11))}, 422, "image_ids"),
        ({"stars": 5}, 400, "描述相符"),
    ],
)
def test_bad_review_input_is_a_4xx_with_a_message_and_nothing_changes(buyer, line, payload, status, message):
    response = post(bearer(buyer), f"/api/store/order-lines/{line.pk}/review", payload)
    assert response.status_code == status and message in response.json()["detail"]
    assert not Review.objects.exists() and not ShopRating.objects.exists()


def test_second_review_409_other_buyer_404_and_someone_elses_picture_refused(buyer, line, make_user, img):
    post(bearer(buyer), f"/api/store/order-lines/{line.pk}/review", {"stars": 5, "dsr": DSR})
    again = post(bearer(buyer), f"/api/store/order-lines/{line.pk}/review", {"stars": 1, "dsr": DSR})
    assert again.status_code == 409 and "已经评价过" in again.json()["detail"]
    other = bearer(make_user())
    assert (
        post(other, f"/api/store/order-lines/{line.pk}/review", {"stars": 1, "dsr": DSR}).status_code == 404
    )
    assert other.post(f"/api/store/order-lines/{line.pk}/review-images", {"file": img()}).status_code == 404
    assert Review.objects.count() == 1


def test_followup_edit_and_helpful_through_the_api(buyer, line, make_user):
    review = review_create(buyer=buyer, line_id=line.pk, stars=5, dsr=DSR)
    api = bearer(buyer)
    assert (
        post(api, f"/api/store/reviews/{review.pk}/followup", {"text": "追评一下"}).json()["followup_text"]
        == "追评一下"
    )
    assert post(api, f"/api/store/reviews/{review.pk}/followup", {"text": "再追"}).status_code == 409
    voter = bearer(make_user())
    assert post(voter, f"/api/store/reviews/{review.pk}/helpful", {}).json() == {"helpful_count": 1}
    assert post(voter, f"/api/store/reviews/{review.pk}/helpful", {}).status_code == 409
    edited = api.put(
        f"/api/store/reviews/{review.pk}", {"stars": 3, "text": "改"}, content_type="application/json"
    )
    assert edited.status_code == 200 and edited.json()["status"] == "pending"


def test_seller_api_lists_replies_reports_and_is_isolated(buyer, line, shop, other_shop):
    review = review_create(buyer=buyer, line_id=line.pk, stars=1, dsr=DSR, text="太差")
    api = bearer(shop.owner)
    page = api.get("/api/seller/reviews", {"kind": "bad"}).json()
    assert page["count"] == 1 and page["items"][0]["text"] == "太差"
    assert post(api, f"/api/seller/reviews/{review.pk}/reply", {"text": "抱歉"}).json()["reply"] == "抱歉"
    assert post(api, f"/api/seller/reviews/{review.pk}/reply", {"text": "再回"}).status_code == 409
    report = post(api, f"/api/seller/reviews/{review.pk}/report", {"reason": "恶意差评"})
    assert report.status_code == 201 and report.json()["status"] == "pending"
    dsr = api.get("/api/seller/reviews-dsr").json()
    assert dsr["counted"] == 1 and len(dsr["trend"]) == 1
    other = bearer(other_shop.owner)
    assert other.get("/api/seller/reviews").json()["count"] == 0
    assert post(other, f"/api/seller/reviews/{review.pk}/reply", {"text": "x"}).status_code == 404
    assert post(other, f"/api/seller/reviews/{review.pk}/report", {"reason": "恶意差评"}).status_code == 404
    assert bearer(buyer).get("/api/seller/reviews").status_code == 403


def test_platform_api_decides_reports_and_moderates_edits(buyer, order, shop, operator):
    first, second = order.lines.order_by("pk")
    reported = review_create(buyer=buyer, line_id=first.pk, stars=1, dsr=DSR, text="加微信")
    edited = review_create(buyer=buyer, line_id=second.pk, stars=3, text="一般")
    review_edit(buyer=buyer, review_id=edited.pk, stars=4, text="还行")
    post(bearer(shop.owner), f"/api/seller/reviews/{reported.pk}/report", {"reason": "含联系方式"})
    api = bearer(operator)
    reports = api.get("/api/platform/reviews/reports").json()
    assert reports["count"] == 1 and reports["items"][0]["review"]["text"] == "加微信"
    report_id = reports["items"][0]["id"]
    bad = post(api, f"/api/platform/reviews/reports/{report_id}/decide", {"decision": "hide", "note": ""})
    assert bad.status_code == 400 and "处理说明" in bad.json()["detail"]
    done = post(
        api, f"/api/platform/reviews/reports/{report_id}/decide", {"decision": "hide", "note": "引流"}
    )
    assert done.json()["status"] == "approved" and done.json()["review"]["status"] == "hidden"
    assert api.get("/api/platform/reviews/edited").json()["items"][0]["text"] == "还行"
    ok = post(api, f"/api/platform/reviews/{edited.pk}/moderate", {"decision": "approve"})
    assert ok.json()["status"] == "published"
    assert ReviewReport.objects.get().status == "approved"
    assert bearer(shop.owner).get("/api/platform/reviews/reports").status_code == 403
