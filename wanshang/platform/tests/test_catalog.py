"""类目, 属性模板, 品牌 and 佣金 pages and API."""

import pytest
from django.urls import reverse

from wanshang.catalog.selectors import attribute_templates, brand_list, category_get, category_tree_all
from wanshang.merchants.selectors import commission_rate_list
from wanshang.platform.forms import parse_percent_to_bps

pytestmark = pytest.mark.django_db


def all_categories():
    out, stack = [], list(category_tree_all())
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(node.kids)
    return out


def test_tree_page_shows_three_levels(op_client, make_category):
    leaf = make_category(("家用电器", "厨房小电", "电饭煲"))
    html = op_client.get(reverse("platform:categories")).content.decode()
    assert "家用电器" in html and "厨房小电" in html and "电饭煲" in html
    assert reverse("platform:attributes", args=[leaf.pk]) in html


def test_operator_creates_top_level_and_child_categories(op_client):
    response = op_client.post(
        reverse("platform:category_new"), {"name": "运动户外", "slug": "sports", "sort": "1"}
    )
    assert response.status_code == 302
    top = category_get(slug="sports")
    assert top.level == 1
    op_client.post(reverse("platform:category_new"), {"parent_id": top.pk, "name": "跑步", "slug": "running"})
    child = category_get(slug="running")
    assert (child.level, child.parent_id) == (2, top.pk)


def test_category_beyond_level_three_is_refused(op_client, make_category):
    leaf = make_category()
    before = len(all_categories())
    page = op_client.get(reverse("platform:category_new") + f"?parent={leaf.pk}").content.decode()
    assert "类目最多三级" in page
    response = op_client.post(
        reverse("platform:category_new"), {"parent_id": leaf.pk, "name": "四级", "slug": "lvl4"}
    )
    assert response.status_code == 400
    assert "类目最多三级" in response.content.decode()
    assert len(all_categories()) == before


def test_duplicate_slug_is_shown_on_the_field(op_client, make_category):
    leaf = make_category()
    response = op_client.post(reverse("platform:category_new"), {"name": "重复", "slug": leaf.slug})
    assert response.status_code == 400
    assert "标识已被使用" in response.content.decode()


def test_rename_and_disable_a_category(op_client, make_category):
    leaf = make_category()
    response = op_client.post(reverse("platform:category_edit", args=[leaf.pk]), {"name": "半身裙"})
    assert response.status_code == 302
    leaf = category_get(category_id=leaf.pk)
    assert (leaf.name, leaf.is_active) == ("半身裙", False)
    html = op_client.get(reverse("platform:categories")).content.decode()
    assert "半身裙" in html and "停用" in html  # disabled categories stay visible to operators
    op_client.post(reverse("platform:category_edit", args=[leaf.pk]), {"name": "半身裙", "is_active": "on"})
    assert category_get(category_id=leaf.pk).is_active


def test_attribute_templates_add_edit_delete(op_client, make_category):
    leaf = make_category()
    url = reverse("platform:attributes", args=[leaf.pk])
    response = op_client.post(url, {"name": "材质", "options": "纯棉， 真丝,涤纶、", "required": "on"})
    assert response.status_code == 302
    [tpl] = attribute_templates(category=leaf)
    assert (tpl.name, tpl.options, tpl.required) == ("材质", ["纯棉", "真丝", "涤纶"], True)
    html = op_client.get(url).content.decode()
    assert "纯棉" in html and "必填" in html

    edit = reverse("platform:attribute_edit", args=[leaf.pk, tpl.pk])
    assert "纯棉, 真丝, 涤纶" in op_client.get(edit).content.decode()
    op_client.post(edit, {"name": "面料", "options": ""})
    [tpl] = attribute_templates(category=leaf)
    assert (tpl.name, tpl.options, tpl.required) == ("面料", [], False)

    dup = op_client.post(url, {"name": "面料", "options": ""})
    assert dup.status_code == 400 and "该类目已有同名属性" in dup.content.decode()

    op_client.post(reverse("platform:attribute_delete", args=[leaf.pk, tpl.pk]))
    assert attribute_templates(category=leaf) == []


def test_attribute_templates_only_on_leaf_categories(op_client, make_category):
    leaf = make_category()
    assert op_client.get(reverse("platform:attributes", args=[leaf.parent.pk])).status_code == 404


def test_brand_create_and_duplicate(op_client):
    response = op_client.post(reverse("platform:brands"), {"name": "万商优选", "name_en": "Wanshang Select"})
    assert response.status_code == 302
    assert [b.name for b in brand_list()] == ["万商优选"]
    assert "Wanshang Select" in op_client.get(reverse("platform:brands")).content.decode()
    dup = op_client.post(reverse("platform:brands"), {"name": "万商优选"})
    assert dup.status_code == 400 and "品牌已存在" in dup.content.decode()


# --- 佣金 ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text,bps", [("5.5", 550), ("5.00", 500), ("0", 0), ("50", 5000), ("12.34%", 1234)])
def test_percent_text_becomes_basis_points(text, bps):
    assert parse_percent_to_bps(text) == bps


def test_commission_page_sets_rate_as_percentage(op_client, make_category):
    top = make_category().parent.parent
    page = op_client.get(reverse("platform:commission")).content.decode()
    assert "平台默认佣金：<strong>5.00%</strong>" in page
    response = op_client.post(
        reverse("platform:commission"), {"category_id": top.pk, "rate": "5.5"}, follow=True
    )
    assert "已设为 5.50%" in response.content.decode()
    assert [(r.category_id, r.rate_bps) for r in commission_rate_list()] == [(top.pk, 550)]
    assert "5.50%" in response.content.decode()


@pytest.mark.parametrize(
    "text,message",
    [
        ("abc", "不是有效的百分比"),
        ("60", "佣金比例须在 0%–50% 之间"),
        ("-1", "佣金比例须在 0%–50% 之间"),
        ("5.555", "最多两位小数"),
        ("", "请填写佣金比例"),
        ("1e30", "佣金比例须在 0%–50% 之间"),
        ("1e999999", "佣金比例须在 0%–50% 之间"),
    ],
)
def test_invalid_commission_is_refused_with_a_message(op_client, make_category, text, message):
    top = make_category().parent.parent
    response = op_client.post(reverse("platform:commission"), {"category_id": top.pk, "rate": text})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(commission_rate_list()) == []


# --- API ------------------------------------------------------------------------------------------------------


def test_api_category_tree_and_create(client, operator, api_token, make_category):
    leaf = make_category(("数码", "手机通讯", "手机"))
    headers = api_token(operator)
    tree = client.get("/api/platform/categories", **headers).json()
    assert tree[0]["name"] == "数码"
    assert tree[0]["children"][0]["children"][0]["id"] == leaf.pk

    created = client.post(
        "/api/platform/categories",
        {"name": "耳机", "slug": "earphones", "parent_id": leaf.parent.pk},
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 201 and created.json()["level"] == 3
    too_deep = client.post(
        "/api/platform/categories",
        {"name": "四级", "slug": "deep", "parent_id": leaf.pk},
        content_type="application/json",
        **headers,
    )
    assert too_deep.status_code == 400
    assert too_deep.json() == {"detail": "类目最多三级", "code": "invalid", "field": "parent_id"}
    extra = client.post(
        "/api/platform/categories",
        {"name": "x", "slug": "x", "level": 1},
        content_type="application/json",
        **headers,
    )
    assert extra.status_code == 422


def test_api_sets_commission_in_basis_points(client, operator, api_token, make_category):
    top = make_category().parent.parent
    headers = api_token(operator)
    ok = client.post(
        "/api/platform/commission-rates",
        {"category_id": top.pk, "rate_bps": 550},
        content_type="application/json",
        **headers,
    )
    assert ok.status_code == 200
    assert ok.json() == {"category_id": top.pk, "rate_bps": 550, "rate_percent": "5.50"}
    too_high = client.post(
        "/api/platform/commission-rates",
        {"category_id": top.pk, "rate_bps": 6000},
        content_type="application/json",
        **headers,
    )
    assert too_high.status_code == 400 and "0%–50%" in too_high.json()["detail"]
    missing = client.post(
        "/api/platform/commission-rates",
        {"category_id": 999999, "rate_bps": 100},
        content_type="application/json",
        **headers,
    )
    assert missing.status_code == 404
