"""入驻审核: approve opens the shop for the applicant; reject tells them why; a decision is made once."""

import pytest
from django.urls import reverse

from wanshang.fulfillment.selectors import freight_template_list
from wanshang.inventory.selectors import warehouse_list
from wanshang.merchants.selectors import application_get, applications_of_user, staff_for_user

pytestmark = pytest.mark.django_db


def test_pending_tab_lists_applications_waiting_for_review(op_client, submit_application):
    app = submit_application(shop_name="山海茶舍")
    html = op_client.get(reverse("platform:applications")).content.decode()
    assert "山海茶舍" in html
    assert "待审核（1）" in html
    assert (
        "山海茶舍"
        not in op_client.get(reverse("platform:applications") + "?status=approved").content.decode()
    )
    detail = op_client.get(reverse("platform:application_detail", args=[app.pk])).content.decode()
    for text in (
        "平台测试公司",
        "91350100M000100Y43",
        "王五",
        "13900002222",
        "服饰内衣",
        "通过并开店",
        "驳回申请",
    ):
        assert text in detail


def test_approve_opens_the_shop_and_makes_the_applicant_its_owner(op_client, operator, submit_application):
    app = submit_application(shop_name="云上良品")
    response = op_client.post(reverse("platform:application_approve", args=[app.pk]), {"slug": "yunshang"})
    app = application_get(application_id=app.pk)
    assert app.status == "approved"
    assert app.reviewed_by == operator
    assert response.status_code == 302
    assert response["Location"] == reverse("platform:shop_detail", args=[app.shop_id])

    staff = staff_for_user(user=app.applicant)
    assert staff is not None and staff.role == "owner"
    shop = staff.shop
    assert (shop.name, shop.slug, shop.status) == ("云上良品", "yunshang", "open")
    assert [w.is_default for w in warehouse_list(shop=shop)] == [True]
    assert [t.is_default for t in freight_template_list(shop=shop)] == [True]
    assert [c.pk for c in shop.categories.all()] == [c.pk for c in app.categories.all()]

    page = op_client.get(response["Location"]).content.decode()
    assert "已通过入驻申请" in page and app.applicant.display_name in page


def test_approve_without_slug_generates_one(op_client, submit_application):
    app = submit_application()
    op_client.post(reverse("platform:application_approve", args=[app.pk]), {"slug": ""})
    shop = staff_for_user(user=app.applicant).shop
    assert shop.slug


def test_reject_needs_a_reason(op_client, submit_application):
    app = submit_application()
    response = op_client.post(reverse("platform:application_reject", args=[app.pk]), {"reason": "  "})
    assert response.status_code == 400
    assert "请填写原因" in response.content.decode()
    assert application_get(application_id=app.pk).status == "pending"


def test_reject_shows_the_reason_to_the_applicant(op_client, submit_application):
    app = submit_application()
    response = op_client.post(
        reverse("platform:application_reject", args=[app.pk]),
        {"reason": "营业执照照片不清晰，请重新上传"},
        follow=True,
    )
    assert "已驳回" in response.content.decode()
    mine = applications_of_user(user=app.applicant)
    assert [(a.status, a.reject_reason) for a in mine] == [("rejected", "营业执照照片不清晰，请重新上传")]
    assert staff_for_user(user=app.applicant) is None


def test_a_decided_application_cannot_be_decided_again(op_client, submit_application):
    app = submit_application()
    op_client.post(reverse("platform:application_reject", args=[app.pk]), {"reason": "资料不全"})

    again = op_client.post(reverse("platform:application_approve", args=[app.pk]), {"slug": ""})
    assert again.status_code == 409
    assert "不能重复审核" in again.content.decode()
    twice = op_client.post(reverse("platform:application_reject", args=[app.pk]), {"reason": "再驳回一次"})
    assert twice.status_code == 409
    assert "不能重复审核" in twice.content.decode()
    app = application_get(application_id=app.pk)
    assert (app.status, app.reject_reason, app.shop_id) == ("rejected", "资料不全", None)


def test_decided_application_page_offers_no_decision_buttons(op_client, submit_application):
    app = submit_application()
    op_client.post(reverse("platform:application_approve", args=[app.pk]), {"slug": ""})
    html = op_client.get(reverse("platform:application_detail", args=[app.pk])).content.decode()
    assert "通过并开店" not in html and "不能重复审核" in html


def test_unknown_application_is_404(op_client):
    assert op_client.get(reverse("platform:application_detail", args=[999999])).status_code == 404
    assert op_client.post(reverse("platform:application_approve", args=[999999]), {}).status_code == 404


# --- API ------------------------------------------------------------------------------------------------------


def test_api_lists_applications_by_status(client, operator, api_token, submit_application):
    pending = submit_application(shop_name="待审店")
    response = client.get("/api/platform/applications?status=pending", **api_token(operator))
    assert response.status_code == 200
    page = response.json()
    assert (page["count"], page["page"], page["pages"]) == (1, 1, 1)
    assert [row["id"] for row in page["items"]] == [pending.pk]
    assert page["items"][0]["status_label"] == "待审核"
    bad = client.get("/api/platform/applications?status=nope", **api_token(operator))
    assert bad.status_code == 400 and "状态只能是" in bad.json()["detail"]


def test_api_approve_then_second_decision_is_409(client, operator, api_token, submit_application):
    app = submit_application()
    headers = api_token(operator)
    ok = client.post(
        f"/api/platform/applications/{app.pk}/approve",
        {"slug": "api-shop"},
        content_type="application/json",
        **headers,
    )
    assert ok.status_code == 200
    assert ok.json()["slug"] == "api-shop" and ok.json()["status"] == "open"
    again = client.post(
        f"/api/platform/applications/{app.pk}/reject",
        {"reason": "改主意了"},
        content_type="application/json",
        **headers,
    )
    assert again.status_code == 409
    assert again.json()["code"] == "conflict" and "不能重复审核" in again.json()["detail"]


def test_api_approve_without_body_works(client, operator, api_token, submit_application):
    app = submit_application()
    response = client.post(
        f"/api/platform/applications/{app.pk}/approve", content_type="application/json", **api_token(operator)
    )
    assert response.status_code == 200, response.content


def test_api_reject_requires_reason_and_forbids_extra_fields(client, operator, api_token, submit_application):
    app = submit_application()
    headers = api_token(operator)
    extra = client.post(
        f"/api/platform/applications/{app.pk}/reject",
        {"reason": "资料不全", "status": "approved"},
        content_type="application/json",
        **headers,
    )
    assert extra.status_code == 422
    short = client.post(
        f"/api/platform/applications/{app.pk}/reject",
        {"reason": "x"},
        content_type="application/json",
        **headers,
    )
    assert short.status_code == 400 and short.json()["field"] == "reason"
    ok = client.post(
        f"/api/platform/applications/{app.pk}/reject",
        {"reason": "资料不全"},
        content_type="application/json",
        **headers,
    )
    assert ok.status_code == 200 and ok.json()["reject_reason"] == "资料不全"
