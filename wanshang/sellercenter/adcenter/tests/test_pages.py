"""推广中心 pages: the account and its sandbox top-up end to end, plans, groups, keywords, negatives, creatives;
every page and action answers 404 for another shop's ids and refuses bad input with a form error, changing
nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from wanshang.ads import selectors

# the face reads through the selectors (it never imports models, tests included)


def _plans(shop):
    return list(selectors.plan_list(shop=shop))


def _groups(shop, plan):
    return list(selectors.group_list(shop=shop, plan_id=plan.pk))


def _keywords(shop, group):
    return list(selectors.keyword_list(shop=shop, group_id=group.pk))


pytestmark = pytest.mark.django_db


def test_top_up_end_to_end_through_the_sandbox(shop, login_client):
    client = login_client(shop.owner)
    page = client.get(reverse("sellercenter:ads_account"))
    assert page.status_code == 200 and "推广账户" in page.text

    response = client.post(reverse("sellercenter:ads_account"), {"amount": "88.50"})
    assert response.status_code == 302
    cashier = client.get(response["Location"])
    assert cashier.status_code == 200 and "确认支付（沙箱）" in cashier.text
    payment_no = response["Location"].rstrip("/").split("/")[-1]

    done = client.post(reverse("sellercenter:ads_topup_pay", args=[payment_no]), {"gateway": "sandbox"})
    assert done.status_code == 302 and done["Location"] == reverse("sellercenter:ads_account")
    assert selectors.account_balance(shop=shop) == 8850
    assert "88.50" in client.get(reverse("sellercenter:ads_account")).text
    again = client.post(
        reverse("sellercenter:ads_topup_pay", args=[payment_no]), {"gateway": "sandbox"}, follow=True
    )
    assert "已到账" in again.text
    assert selectors.account_balance(shop=shop) == 8850


@pytest.mark.parametrize("amount", ["-5", "abc", "0", "99999999"])
def test_bad_top_up_amounts_are_form_errors(shop, login_client, amount):
    client = login_client(shop.owner)
    response = client.post(reverse("sellercenter:ads_account"), {"amount": amount})
    assert response.status_code == 400
    assert response.context["form"].errors
    assert selectors.account_balance(shop=shop) == 0


def _plan_post(**changes):
    today = timezone.localdate()
    data = {
        "name": "春季上新",
        "daily_budget": "50",
        "total_budget": "",
        "start_date": today.isoformat(),
        "end_date": (today + timedelta(days=10)).isoformat(),
        "pacing": "standard",
        "on_pc": "on",
        "on_mobile": "on",
        "hours": "",
        "region_310000": "120",
        "region_650000": "0",
    }
    data.update(changes)
    return data


def test_create_plan_group_keywords_and_creative(shop, login_client, make_product):
    client = login_client(shop.owner)
    response = client.post(reverse("sellercenter:ads_plan_create"), _plan_post())
    assert response.status_code == 302, response.context["form"].errors
    [plan] = _plans(shop)
    assert plan.region_multipliers == {"310000": 120, "650000": 0} and plan.hour_multipliers == [100] * 24

    product = make_product(shop, title="纯棉短袖T恤", images=["/media/x.jpg"])
    response = client.post(
        reverse("sellercenter:ads_group_create", args=[plan.pk]),
        {"product_id": product.pk, "default_bid": "1.20"},
    )
    [group] = _groups(shop, plan)
    assert response["Location"] == reverse("sellercenter:ads_group", args=[group.pk])

    response = client.post(
        reverse("sellercenter:ads_keywords_add", args=[group.pk]),
        {"lines": "纯棉T恤,1.50,精确\n短袖 男,,短语\n夏季ｔ恤", "match_type": "broad"},
    )
    assert response.status_code == 302
    words = {(k.word, k.bid_fen, k.match_type) for k in _keywords(shop, group)}
    assert words == {("纯棉t恤", 150, "exact"), ("短袖 男", None, "phrase"), ("夏季t恤", None, "broad")}

    response = client.post(
        reverse("sellercenter:ads_creative_add", args=[group.pk]),
        {"title": "夏日T恤", "image_url": "/media/x.jpg"},
    )
    assert response.status_code == 302
    page = client.get(reverse("sellercenter:ads_group", args=[group.pk]))
    assert "标题里没有信任背书" in page.text and "夏日T恤" in page.text
    check = client.get(
        reverse("sellercenter:ads_creative_check", args=[group.pk]), {"title": "官方正品纯棉T恤 " + shop.name}
    )
    assert "✓" in check.text

    for status in ("active", "paused", "active", "ended"):
        client.post(reverse("sellercenter:ads_plan_status", args=[plan.pk]), {"status": status})
        assert selectors.plan_get(shop=shop, plan_id=plan.pk).status == status
    response = client.post(
        reverse("sellercenter:ads_plan_status", args=[plan.pk]), {"status": "active"}, follow=True
    )
    assert "不能改为" in response.text
    assert selectors.plan_get(shop=shop, plan_id=plan.pk).status == "ended"


def test_keyword_row_edit_with_htmx(shop, login_client, ad_tree):
    tree = ad_tree(shop)
    client = login_client(shop.owner)
    url = reverse("sellercenter:ads_keyword_edit", args=[tree["keyword"].pk])
    response = client.post(
        url, {"bid": "2.00", "match_type": "phrase", "status": "paused"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "已保存" in response.text
    keyword = selectors.keyword_get(shop=shop, keyword_id=tree["keyword"].pk)
    assert (keyword.bid_fen, keyword.match_type, keyword.status) == (200, "phrase", "paused")
    response = client.post(url, {"bid": "999999", "match_type": "phrase"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and "出价不能高于" in response.text
    assert selectors.keyword_get(shop=shop, keyword_id=keyword.pk).bid_fen == 200


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"daily_budget": "-3"}, "daily_budget", "负数"),
        ({"daily_budget": "0.01"}, "daily_budget", "一次点击"),
        ({"end_date": "2000-01-01"}, "end_date", "结束日期不能早于开始日期"),
        ({"hours": "100,50"}, "hours", "24"),
        ({"region_999999": "120"}, None, "未知的省级地区编码"),
        ({"region_310000": "501"}, "region_310000", "地域溢价不能超过 500%"),
        ({"region_310000": "-1"}, "region_310000", "地域溢价不能小于 0%"),
        ({"on_pc": "", "on_mobile": ""}, None, "终端"),
        ({"total_budget": "10"}, "total_budget", "总预算不能低于日预算"),
    ],
)
def test_bad_plan_input_is_a_form_error_and_nothing_is_saved(shop, login_client, changes, field, message):
    client = login_client(shop.owner)
    response = client.post(reverse("sellercenter:ads_plan_create"), _plan_post(**changes))
    assert response.status_code == 400
    assert message in response.text
    assert not _plans(shop)


def test_bad_group_and_keyword_input(shop, other_shop, login_client, ad_tree, make_product):
    tree = ad_tree(shop)
    plan, group = tree["plan"], tree["group"]
    client = login_client(shop.owner)
    foreign = make_product(other_shop)
    response = client.post(
        reverse("sellercenter:ads_group_create", args=[plan.pk]),
        {"product_id": foreign.pk, "default_bid": "1"},
    )
    assert response.status_code == 404 and "商品不存在" in response.text
    for bid, message in (
        ("-1", "负数"),
        ("0", "出价必须大于 0"),
        ("5000", "出价不能高于"),
        ("60", "高于计划日预算"),
    ):
        response = client.post(
            reverse("sellercenter:ads_group_create", args=[plan.pk]),
            {"product_id": make_product(shop).pk, "default_bid": bid},
        )
        assert response.status_code == 400 and message in response.text, (bid, response.status_code)
    assert len(_groups(shop, plan)) == 1

    url = reverse("sellercenter:ads_keywords_add", args=[group.pk])
    for lines, message in (
        ("一二三四五六七八九十一二三四五六七八九十一", "超过 20 个字"),
        ("纯棉T恤", "已存在"),
        ("新词,1.00\n新词", "已存在"),
        ("好词,-2", "负数"),
        ("好词,9999", "出价不能高于"),
        ("好词,1,模糊", "匹配方式"),
    ):
        response = client.post(url, {"lines": lines, "match_type": "broad"})
        assert response.status_code == 400 and message in response.text, lines
    assert len(_keywords(shop, group)) == 1


def test_plan_budget_below_the_highest_bid_is_refused(shop, login_client, ad_tree):
    tree = ad_tree(shop)
    client = login_client(shop.owner)
    response = client.post(
        reverse("sellercenter:ads_plan_edit", args=[tree["plan"].pk]), _plan_post(daily_budget="1.00")
    )
    assert response.status_code == 400 and "一次点击" in response.text
    assert selectors.plan_get(shop=shop, plan_id=tree["plan"].pk).daily_budget_fen == 5_000


def test_creative_limits(shop, login_client, ad_tree):
    tree = ad_tree(shop)
    client = login_client(shop.owner)
    url = reverse("sellercenter:ads_creative_add", args=[tree["group"].pk])
    response = client.post(url, {"title": "标题", "image_url": "/media/elsewhere.jpg"})
    assert response.status_code == 400
    for n in range(3):
        assert client.post(url, {"title": f"官方T恤{n}", "image_url": "/media/demo/b.jpg"}).status_code == 302
    response = client.post(url, {"title": "第五个", "image_url": "/media/demo/b.jpg"})
    assert response.status_code == 400 and "最多 4 个创意" in response.text
    assert len(selectors.creative_list(shop=shop, group=tree["group"])) == 4


def _urls(tree):
    plan, group = tree["plan"].pk, tree["group"].pk
    return [
        ("get", reverse("sellercenter:ads_plan", args=[plan]), {}),
        ("get", reverse("sellercenter:ads_plan_edit", args=[plan]), {}),
        ("post", reverse("sellercenter:ads_plan_edit", args=[plan]), _plan_post()),
        ("post", reverse("sellercenter:ads_plan_status", args=[plan]), {"status": "active"}),
        (
            "post",
            reverse("sellercenter:ads_group_create", args=[plan]),
            {"product_id": tree["product"].pk, "default_bid": "1"},
        ),
        (
            "post",
            reverse("sellercenter:ads_plan_negative_add", args=[plan]),
            {"word": "x", "match_type": "exact"},
        ),
        ("get", reverse("sellercenter:ads_group", args=[group]), {}),
        ("post", reverse("sellercenter:ads_group_bid", args=[group]), {"default_bid": "1"}),
        ("post", reverse("sellercenter:ads_group_status", args=[group]), {"status": "paused"}),
        (
            "post",
            reverse("sellercenter:ads_keywords_add", args=[group]),
            {"lines": "新词", "match_type": "broad"},
        ),
        (
            "post",
            reverse("sellercenter:ads_group_negative_add", args=[group]),
            {"word": "x", "match_type": "exact"},
        ),
        (
            "post",
            reverse("sellercenter:ads_creative_add", args=[group]),
            {"title": "x", "image_url": "/media/demo/a.jpg"},
        ),
        ("get", reverse("sellercenter:ads_creative_check", args=[group]), {"title": "x"}),
        (
            "post",
            reverse("sellercenter:ads_keyword_edit", args=[tree["keyword"].pk]),
            {"bid": "1", "match_type": "exact"},
        ),
        ("post", reverse("sellercenter:ads_keyword_delete", args=[tree["keyword"].pk]), {}),
        ("post", reverse("sellercenter:ads_negative_delete", args=[tree["plan_negative"].pk]), {}),
        ("post", reverse("sellercenter:ads_negative_delete", args=[tree["group_negative"].pk]), {}),
        ("post", reverse("sellercenter:ads_creative_delete", args=[tree["creative"].pk]), {}),
    ]


def test_another_shops_ids_are_404_and_change_nothing(shop, other_shop, login_client, ad_tree):
    tree = ad_tree(other_shop)
    ad_tree(shop)
    [topup] = selectors.topup_list(shop=other_shop)
    payment_no = topup.payment_no
    before = _snapshot(other_shop)
    client = login_client(shop.owner)
    urls = _urls(tree) + [
        ("get", reverse("sellercenter:ads_topup", args=[payment_no]), {}),
        ("post", reverse("sellercenter:ads_topup_pay", args=[payment_no]), {"gateway": "sandbox"}),
    ]
    for method, url, data in urls:
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (url, response.status_code)
    assert _snapshot(other_shop) == before
    # and shop A's own pages show nothing of B's
    for url in (reverse("sellercenter:ads_account"), reverse("sellercenter:ads_plans")):
        text = client.get(url).text
        assert f"click-{other_shop.pk}" not in text and payment_no not in text


def _snapshot(shop):
    plans = _plans(shop)
    groups = [g for p in plans for g in _groups(shop, p)]
    return (
        [(p.pk, p.status, p.daily_budget_fen) for p in plans],
        [(g.pk, g.default_bid_fen, g.status) for g in groups],
        [(k.pk, k.bid_fen, k.match_type, k.status) for g in groups for k in _keywords(shop, g)],
        [n.pk for p in plans for n in selectors.negative_list(shop=shop, plan_id=p.pk)],
        [n.pk for g in groups for n in selectors.negative_list(shop=shop, plan_id=g.plan_id, group_id=g.pk)],
        [c.creative.pk for g in groups for c in selectors.creative_list(shop=shop, group=g)],
        [(e.pk, e.amount_fen) for e in selectors.ledger_list(shop=shop)],
    )


def test_roles_without_the_permission_get_403(shop, make_staff, login_client):
    client = login_client(make_staff(shop, "service"))
    assert client.get(reverse("sellercenter:ads_plans")).status_code == 403
    client = login_client(make_staff(shop, "operations"))
    assert client.get(reverse("sellercenter:ads_plans")).status_code == 200


def test_a_bad_negative_match_type_is_shown_on_the_form(shop, login_client, ad_tree):
    tree = ad_tree(shop)
    client = login_client(shop.owner)
    for url in (
        reverse("sellercenter:ads_plan_negative_add", args=[tree["plan"].pk]),
        reverse("sellercenter:ads_group_negative_add", args=[tree["group"].pk]),
    ):
        response = client.post(url, {"word": "旧款", "match_type": "broad"})
        assert response.status_code == 400
        assert '<ul class="errorlist"' in response.text, url  # the refused choice is named, not a bare 400
    assert "旧款" not in [n.word for n in selectors.negative_list(shop=shop, plan_id=tree["plan"].pk)]


def test_creative_title_warnings_carry_copywritings_suggestions(shop, login_client, ad_tree):
    """The formula is copywriting's rule: each warning says how to fix it, in the live check and the list."""
    tree = ad_tree(shop)
    client = login_client(shop.owner)
    check = client.get(
        reverse("sellercenter:ads_creative_check", args=[tree["group"].pk]), {"title": "夏日好物"}
    )
    assert "加一个背书词" in check.text and "在开头加上品牌词" in check.text
    page = client.get(reverse("sellercenter:ads_group", args=[tree["group"].pk]))
    assert page.status_code == 200
