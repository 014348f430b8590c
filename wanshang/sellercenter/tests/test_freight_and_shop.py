"""运费模板, 店铺设置, 员工与角色, 结算台账."""

import pytest

from wanshang.fulfillment.selectors import freight_template_list
from wanshang.merchants.selectors import staff_for_user, staff_list

pytestmark = pytest.mark.django_db


def freight_post(**over):
    data = {
        "name": "偏远地区加价",
        "mode": "weight",
        "first_units": "1000",
        "first_price": "8",
        "additional_units": "500",
        "additional_price": "2.5",
        "free_threshold": "",
        "excluded_regions": ["650000", "540000"],
        "rule-1-regions": ["150000", "630000"],
        "rule-1-first_units": "1000",
        "rule-1-first_price": "20",
        "rule-1-additional_units": "500",
        "rule-1-additional_price": "10",
        "rule-0-first_units": "1",
        "rule-0-additional_units": "1",
    }  # the blank row is ignored
    data.update(over)
    return data


def test_create_edit_and_delete_freight_template(owner_client, shop):
    response = owner_client.post("/seller/freight/new/", freight_post())
    assert response.status_code == 302, response.content.decode()[:3000]
    template = next(t for t in freight_template_list(shop=shop) if t.name == "偏远地区加价")
    assert (template.mode, template.first_units, template.first_fen, template.additional_fen) == (
        "weight",
        1000,
        800,
        250,
    )
    assert template.free_threshold_fen is None and template.excluded_regions == ["540000", "650000"]
    rule = template.rules.get()
    assert (rule.regions, rule.first_fen, rule.additional_fen) == (["150000", "630000"], 2000, 1000)
    assert "偏远地区加价" in owner_client.get("/seller/freight/").content.decode()
    edit_page = owner_client.get(f"/seller/freight/{template.pk}/").content.decode()
    assert "8.00" in edit_page and "20.00" in edit_page

    response = owner_client.post(
        f"/seller/freight/{template.pk}/",
        freight_post(
            name="偏远地区加价2",
            free_threshold="199",
            **{"rule-1-regions": []},
            **{"rule-1-first_price": ""},
            **{"rule-1-additional_price": ""},
        ),
    )
    assert response.status_code == 302
    template = next(t for t in freight_template_list(shop=shop) if t.pk == template.pk)
    assert (
        template.name == "偏远地区加价2"
        and template.free_threshold_fen == 19900
        and not template.rules.exists()
    )

    assert owner_client.post(f"/seller/freight/{template.pk}/delete/").status_code == 302
    assert all(t.pk != template.pk for t in freight_template_list(shop=shop))


def test_default_template_cannot_be_deleted(owner_client, shop):
    default = next(t for t in freight_template_list(shop=shop) if t.is_default)
    response = owner_client.post(f"/seller/freight/{default.pk}/delete/", follow=True)
    assert "默认模板不能删除" in response.content.decode()
    assert any(t.pk == default.pk for t in freight_template_list(shop=shop))


@pytest.mark.parametrize(
    "over, message",
    [
        ({"first_price": "-1"}, "金额不能为负数"),
        ({"first_units": "x"}, "请输入整数"),
        ({"rule-1-first_price": "abc"}, "第1条地区规则"),
        ({"rule-1-regions": ["999999"]}, "未知地区编码"),
    ],
)
def test_bad_freight_input_is_refused(owner_client, shop, over, message):
    before = len(freight_template_list(shop=shop))
    response = owner_client.post("/seller/freight/new/", freight_post(**over))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert len(freight_template_list(shop=shop)) == before


def test_shop_settings_update(owner_client, shop):
    response = owner_client.post(
        "/seller/settings/", {"name": "新店名旗舰店", "description": "好物", "logo_url": ""}
    )
    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.name == "新店名旗舰店"
    bad = owner_client.post("/seller/settings/", {"name": "新店名旗舰店", "logo_url": "javascript:alert(1)"})
    assert bad.status_code == 400 and "店铺标志地址" in bad.content.decode()


def test_owner_adds_changes_and_removes_staff(owner_client, shop, make_user):
    user = make_user()
    response = owner_client.post("/seller/staff/", {"login": user.phone, "role": "service"})
    assert response.status_code == 302
    member = staff_for_user(user=user)
    assert member.shop_id == shop.pk and member.role == "service"
    owner_client.post(f"/seller/staff/{member.pk}/role/", {"role": "finance"})
    assert staff_for_user(user=user).role == "finance"
    owner_client.post(f"/seller/staff/{member.pk}/remove/")
    assert staff_for_user(user=user) is None


def test_adding_unknown_login_is_a_form_error(owner_client, shop):
    response = owner_client.post("/seller/staff/", {"login": "13700000000", "role": "service"})
    assert response.status_code == 400 and "找不到该手机号或邮箱" in response.content.decode()


def test_owner_cannot_be_changed(owner_client, shop):
    owner = shop.owner_staff
    response = owner_client.post(f"/seller/staff/{owner.pk}/remove/", follow=True)
    assert "不能修改店主" in response.content.decode()
    assert len(staff_list(shop=shop)) == 1


def test_only_owner_manages_staff(client, shop, make_staff):
    client.force_login(make_staff(shop, "operations"))
    assert client.get("/seller/staff/").status_code == 403


def test_settlement_ledger_shows_completed_orders(owner_client, shop, make_product, paid_order, buyer):
    from wanshang.orders.services import order_confirm_receipt, order_ship

    order = paid_order(make_product(shop, prices=(20000,)))
    order_ship(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF1234567890", actor=shop.owner)
    order_confirm_receipt(buyer=buyer, order_id=order.pk)
    body = owner_client.get("/seller/settlements/").content.decode()
    assert order.no in body and "-¥10.00" in body and "待结算" in body
