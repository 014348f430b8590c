"""Addresses: create/edit with the region picker, set default, delete; bad district → form error."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def user_client(buyer, client):
    client.force_login(buyer)
    return client


def form_data(**changes):
    data = {
        "receiver": "李雷",
        "phone": "13812345678",
        "province_code": "110000",
        "city_code": "110100",
        "district_code": "110108",
        "detail": "中关村大街 1 号",
        "is_default": "",
    }
    data.update(changes)
    return data


def test_create_address(user_client, buyer):
    from wanshang.accounts.selectors import address_list

    response = user_client.post(reverse("accounts:address_create"), form_data())
    assert response.status_code == 302
    [address] = address_list(user=buyer)
    assert address.region_text == "北京市 市辖区 海淀区" and address.is_default


def test_bad_district_is_a_form_error_and_nothing_is_saved(user_client, buyer):
    from wanshang.accounts.selectors import address_list

    response = user_client.post(reverse("accounts:address_create"), form_data(district_code="110100"))
    assert response.status_code == 200
    assert response.context["form"].errors["district_code"] == ["请选择省/市/区"]
    assert address_list(user=buyer) == []
    # The picker keeps what was chosen: the province's cities and the city's districts are listed.
    assert any(r.code == "110100" for r in response.context["cities"])
    assert any(r.code == "110108" for r in response.context["districts"])

    response = user_client.post(reverse("accounts:address_create"), form_data(phone="123"))
    assert "请输入 11 位中国大陆手机号" in response.content.decode()
    assert address_list(user=buyer) == []


def test_edit_set_default_and_delete(user_client, buyer, make_address):
    from wanshang.accounts.selectors import address_list

    first = make_address(buyer)
    second = make_address(buyer, detail="另一个地址 2 号")
    page = user_client.get(reverse("accounts:address_edit", args=[second.pk]))
    assert page.status_code == 200 and page.context["district"] == "110105"

    user_client.post(reverse("accounts:address_edit", args=[second.pk]), form_data(detail="改过的地址 3 号"))
    user_client.post(reverse("accounts:address_default", args=[second.pk]))
    by_id = {a.pk: a for a in address_list(user=buyer)}
    assert by_id[second.pk].detail == "改过的地址 3 号" and by_id[second.pk].is_default
    assert not by_id[first.pk].is_default

    user_client.post(reverse("accounts:address_delete", args=[second.pk]))
    [left] = address_list(user=buyer)
    assert left.pk == first.pk and left.is_default


def test_another_users_address_is_404(user_client, make_user, make_address):
    theirs = make_address(make_user())
    assert user_client.get(reverse("accounts:address_edit", args=[theirs.pk])).status_code == 404
    assert user_client.post(reverse("accounts:address_delete", args=[theirs.pk])).status_code == 404


def test_create_returns_to_next(user_client):
    response = user_client.post(
        reverse("accounts:address_create") + "?next=/checkout/%3Fsku%3D1", form_data(next="/checkout/?sku=1")
    )
    assert response["Location"] == "/checkout/?sku=1"


def test_region_children_endpoint(client, db):
    provinces = client.get(reverse("accounts:regions")).json()["regions"]
    assert {"code": "110000", "name": "北京市"} in provinces
    districts = client.get(reverse("accounts:regions"), {"parent": "110100"}).json()["regions"]
    assert {"code": "110105", "name": "朝阳区"} in districts
    assert client.get(reverse("accounts:regions"), {"parent": "nope"}).json()["regions"] == []
