"""评价管理 (seller) and 评价审核 (platform) through the Django test client: filters, reply, report, moderation,
the DSR board, permissions and isolation."""

import pytest
from django.urls import reverse

from wanshang.merchants.services import staff_add
from wanshang.reviews.models import Review, ReviewReport
from wanshang.reviews.services import review_create, review_edit, review_report
from wanshang.reviews.tests.conftest import DSR

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(buyer, line):
    return review_create(buyer=buyer, line_id=line.pk, stars=2, dsr=DSR, text="掉色严重")


def test_seller_lists_replies_and_reports(login_client, shop, review):
    c = login_client(shop.owner)
    page = c.get(reverse("sellercenter:review_list"))
    body = page.content.decode()
    assert (
        page.status_code == 200
        and "掉色严重" in body
        and "描述相符" in body
        and 'data-echarts="dsr-chart"' in body
    )
    assert "评价管理" in body  # the menu entry
    assert "掉色严重" in c.get(reverse("sellercenter:review_list"), {"kind": "bad"}).content.decode()
    assert "掉色严重" not in c.get(reverse("sellercenter:review_list"), {"kind": "good"}).content.decode()
    c.post(reverse("sellercenter:review_reply", args=[review.pk]), {"text": "抱歉，已为您安排换货"})
    c.post(reverse("sellercenter:review_report", args=[review.pk]), {"reason": "买家已换货仍给差评"})
    review.refresh_from_db()
    assert review.reply == "抱歉，已为您安排换货"
    assert ReviewReport.objects.get().reason == "买家已换货仍给差评"
    again = c.post(reverse("sellercenter:review_reply", args=[review.pk]), {"text": "再回复"}, follow=True)
    assert "只能回复一次" in again.content.decode()


def test_script_in_a_reply_is_refused(login_client, shop, review):
    c = login_client(shop.owner)
    response = c.post(
        reverse("sellercenter:review_reply", args=[review.pk]), {"text": "<b>谢谢</b>"}, follow=True
    )
    assert "不能包含 HTML" in response.content.decode()
    review.refresh_from_db()
    assert review.reply == ""


def test_other_shop_sees_nothing_and_gets_404(login_client, other_shop, review):
    c = login_client(other_shop.owner)
    assert "掉色严重" not in c.get(reverse("sellercenter:review_list")).content.decode()
    assert (
        c.post(reverse("sellercenter:review_reply", args=[review.pk]), {"text": "x回复"}).status_code == 404
    )
    assert (
        c.post(reverse("sellercenter:review_report", args=[review.pk]), {"reason": "恶意差评"}).status_code
        == 404
    )
    review.refresh_from_db()
    assert review.reply == "" and not ReviewReport.objects.exists()


def test_warehouse_staff_may_not_handle_reviews(login_client, shop, make_user, review):
    clerk = make_user()
    staff_add(shop=shop, login=clerk.username, role="warehouse")
    c = login_client(clerk)
    assert c.get(reverse("sellercenter:review_list")).status_code == 403
    assert "评价管理" not in c.get(reverse("sellercenter:dashboard")).content.decode()


def test_data_center_service_board_shows_the_dsr_trend(login_client, shop, review):
    c = login_client(shop.owner)
    page = c.get(reverse("sellercenter:data_service"))
    body = page.content.decode()
    assert page.status_code == 200 and 'data-echarts="dsr-chart"' in body and "好评率" in body


def test_platform_queue_hides_a_reported_review_with_a_reason(login_client, operator, shop, review, client):
    report = review_report(shop=shop, actor=shop.owner, review_id=review.pk, reason="评价含联系方式")
    c = login_client(operator)
    queue = c.get(reverse("platform:reviews")).content.decode()
    assert "评价含联系方式" in queue and "掉色严重" in queue
    url = reverse("platform:review_report_decide", args=[report.pk])
    c.post(url, {"decision": "hide", "note": ""})
    assert Review.objects.get().status == "published"  # no reason: refused
    c.post(url, {"decision": "hide", "note": "含个人联系方式"})
    review.refresh_from_db()
    assert review.status == "hidden"
    product_page = client.get(reverse("storefront:product", args=[review.product_id])).content.decode()
    assert "掉色严重" not in product_page


def test_platform_approves_an_edited_review(login_client, operator, buyer, review):
    review_edit(buyer=buyer, review_id=review.pk, stars=4, text="换货后满意")
    c = login_client(operator)
    assert "换货后满意" in c.get(reverse("platform:reviews"), {"tab": "edited"}).content.decode()
    c.post(reverse("platform:review_moderate", args=[review.pk]), {"decision": "approve"})
    review.refresh_from_db()
    assert review.status == "published" and review.stars == 4


def test_the_queue_is_for_operators_only(login_client, shop, review):
    assert login_client(shop.owner).get(reverse("platform:reviews")).status_code == 403
