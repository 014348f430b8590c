"""入驻申请 → platform approval → the new owner lands on the seller dashboard."""

import pytest

from wanshang.merchants.selectors import applications_of_user

pytestmark = pytest.mark.django_db

CODE = "91350100M000100Y43"


def apply_data(category, **over):
    data = {
        "company_name": "福州万象贸易有限公司",
        "credit_code": CODE,
        "contact_name": "王五",
        "contact_phone": "13912345678",
        "shop_name": "万象旗舰店",
        "category_ids": [str(category.pk)],
    }
    data.update(over)
    return data


def test_anonymous_apply_goes_to_login(client):
    response = client.get("/seller/apply/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_apply_then_approve_then_dashboard(client, buyer, operator, make_category):
    from wanshang.merchants.services import application_approve

    top = make_category().parent.parent
    client.force_login(buyer)
    form = client.get("/seller/apply/")
    assert form.status_code == 200 and top.name in form.content.decode()

    response = client.post("/seller/apply/", apply_data(top))
    assert response.status_code == 302 and response["Location"] == "/seller/apply/status/"
    status_page = client.get("/seller/apply/status/").content.decode()
    assert "万象旗舰店" in status_page and "待审核" in status_page
    # a pending application sends the form back to the status page
    assert client.get("/seller/apply/")["Location"] == "/seller/apply/status/"

    app = applications_of_user(user=buyer)[0]
    application_approve(application_id=app.pk, reviewer=operator)

    dashboard = client.get("/seller/")
    assert dashboard.status_code == 200
    body = dashboard.content.decode()
    assert "工作台" in body and "万象旗舰店" in body and "今日支付金额" in body
    # staff are not offered the application form any more
    assert client.get("/seller/apply/")["Location"] == "/seller/"


def test_rejected_application_shows_reason_and_allows_reapply(client, buyer, operator, make_category):
    from wanshang.merchants.services import application_reject

    top = make_category().parent.parent
    client.force_login(buyer)
    client.post("/seller/apply/", apply_data(top))
    app = applications_of_user(user=buyer)[0]
    application_reject(application_id=app.pk, reviewer=operator, reason="营业执照照片不清晰")

    body = client.get("/seller/apply/status/").content.decode()
    assert "已驳回" in body and "营业执照照片不清晰" in body and "重新申请" in body
    assert client.get("/seller/apply/").status_code == 200


def test_bad_credit_code_is_a_form_error_and_nothing_is_saved(client, buyer, make_category):
    top = make_category().parent.parent
    client.force_login(buyer)
    response = client.post("/seller/apply/", apply_data(top, credit_code="91350100M000100Y44"))
    assert response.status_code == 400
    assert "统一社会信用代码" in response.content.decode()
    assert applications_of_user(user=buyer) == []


def test_no_category_chosen_is_refused(client, buyer, make_category):
    make_category()
    client.force_login(buyer)
    response = client.post("/seller/apply/", apply_data(make_category().parent.parent, category_ids=[]))
    assert response.status_code == 400
    assert "请至少选择一个经营类目" in response.content.decode()
