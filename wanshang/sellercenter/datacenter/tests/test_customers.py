"""数据中心 · 客户分析 and 人群包 through the Django test client: the RFM page (definition, chart, segment table,
drill-down with masked logins, window filter), 复购率 and the cohort table, crowd packs saved / refreshed /
deleted / given a coupon from the pages and /api/seller/data/…, bad input refused with a message and nothing
changed, roles (客服 has no data.view: 403; 财务 may look but not issue coupons) and shop isolation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.insights.customers import crowd_packs
from wanshang.insights.tests.test_customers import paid as paid_at
from wanshang.marketing.selectors import claimed_counts, coupon_stats
from wanshang.marketing.services import promotion_end

pytestmark = pytest.mark.django_db

JSON = "application/json"
CUSTOMERS = "/seller/data/customers/"
CROWDS = "/seller/data/crowds/"
API = "/api/seller/data"


def paid(shop, user_id, amount_fen, *, days_ago=0, ts=None, now=None):
    """A `paid` event of the shop, `days_ago` days before now (the analytics tests' helper, relative to now)."""
    return paid_at(shop, user_id, amount_fen, days_ago=days_ago, ts=ts, now=now or timezone.now())


def masked(user) -> str:
    return f"{user.phone[:3]}****{user.phone[-4:]}"


@pytest.fixture
def people(make_user):
    """Five buyers: the same shape as the hand-made RFM set in analytics/tests/test_customers.py."""
    return [make_user() for _ in range(5)]


@pytest.fixture
def sales(shop, people):
    """u1 重要价值, u2 重要发展, u3 一般价值, u4 重要保持, u5 一般挽留 over 365 days (see the analytics tests)."""
    now = timezone.now()
    u1, u2, u3, u4, u5 = (p.pk for p in people)
    for who, fen, days in (
        (u1, 1000, 1),
        (u1, 2000, 10),
        (u1, 3000, 100),
        (u2, 50000, 5),
        (u3, 500, 30),
        (u3, 500, 31),
        (u4, 8000, 200),
        (u4, 8000, 300),
        (u5, 100, 364),
    ):
        paid(shop, who, fen, days_ago=days, now=now)
    return people


@pytest.fixture
def coupon(promo):
    def make(shop, **fields):
        return promo(
            shop,
            "coupon",
            config={"amount_fen": 1000},
            total_quantity=fields.pop("total_quantity", 50),
            **fields,
        )

    return make


def holders(promo, users) -> list[int]:
    return sorted(u.pk for u in users if claimed_counts(buyer=u, promotion_ids=[promo.pk]).get(promo.pk))


# --- 客户分析 page -----------------------------------------------------------------------------------------------


def test_customers_page_shows_definition_segments_chart_and_cohorts(owner_client, sales):
    response = owner_client.get(CUSTOMERS)
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "重要价值",
        "重要发展",
        "重要保持",
        "重要挽留",
        "一般价值",
        "一般发展",
        "一般保持",
        "一般挽留",
        "严格更差的买家数",
        "平均分",
        "近 365 天",
        "vendor/echarts.min.js",
        "rfm-chart-data",
        "复购率",
        "首购月份",
        "建议动作",
    ):
        assert text in body, text
    rows = {r["code"]: r for r in response.context["rows"]}
    assert {c: rows[c]["buyers"] for c in rows if rows[c]["buyers"]} == {
        "important_value": 1,
        "important_develop": 1,
        "general_value": 1,
        "important_keep": 1,
        "general_retain": 1,
    }
    assert rows["important_develop"]["amount_fen"] == 50000 and "500.00" in body
    assert response.context["repurchase_rate"] == "60.0%"  # 3 of 5 paid twice or more


def test_window_filter_and_bad_window(owner_client, sales):
    page = owner_client.get(CUSTOMERS + "?window=90")
    assert page.status_code == 200 and page.context["rfm"].n == 3
    assert {r["code"] for r in page.context["rows"] if r["buyers"]} == {
        "general_value",
        "important_retain",
        "general_keep",
    }
    bad = owner_client.get(CUSTOMERS + "?window=30")
    assert bad.status_code == 400 and "统计窗口只能是 90 / 180 / 365 天" in bad.content.decode()
    assert owner_client.get(CUSTOMERS + "?segment=vip").status_code == 400


def test_drill_down_lists_a_segments_buyers_with_masked_logins(owner_client, sales):
    u1, u2 = sales[0], sales[1]
    body = owner_client.get(CUSTOMERS + "?segment=important_develop").content.decode()
    assert masked(u2) in body and u2.phone not in body
    assert masked(u1) not in body  # another segment
    assert "50000.00" not in body and "500.00" in body  # M in yuan
    assert 'name="segment" value="important_develop"' in body  # save this segment as a pack


def test_real_paid_order_shows_up(owner_client, shop, make_product, paid_order, buyer):
    paid_order(make_product(shop, prices=(9900,)))
    page = owner_client.get(CUSTOMERS)
    assert page.context["rfm"].n == 1 and page.context["rfm"].buyers[0].user_id == buyer.pk


# --- 人群包 pages ------------------------------------------------------------------------------------------------


def test_save_a_segment_then_issue_a_coupon_to_exactly_its_buyers(owner_client, shop, sales, coupon):
    u1, u2, u3, u4, u5 = sales
    response = owner_client.post(
        CROWDS + "new/",
        {"name": "重要发展客户", "source": "rfm", "segment": "important_develop", "window_days": "365"},
    )
    pack = crowd_packs(shop=shop).get()
    assert response.status_code == 302 and response["Location"] == f"{CROWDS}{pack.pk}/"
    assert pack.buyer_ids == [u2.pk] and pack.rule["segment"] == "important_develop"
    detail = owner_client.get(f"{CROWDS}{pack.pk}/").content.decode()
    assert "重要发展客户" in detail and masked(u2) in detail and "定向发放优惠券" in detail
    promo = coupon(shop, name="老客回购券")
    assert "老客回购券" in detail or "老客回购券" in owner_client.get(f"{CROWDS}{pack.pk}/").content.decode()
    done = owner_client.post(f"{CROWDS}{pack.pk}/issue/", {"promotion_id": str(promo.pk)}, follow=True)
    assert "已发放 1 张" in done.content.decode()
    assert holders(promo, sales) == [u2.pk] and coupon_stats(shop=shop, promotion_id=promo.pk)["issued"] == 1


def test_repurchasers_pack_from_the_customers_page(owner_client, shop, sales):
    response = owner_client.post(
        CROWDS + "new/", {"name": "复购买家（近 365 天）", "source": "repurchasers", "window_days": "365"}
    )
    assert response.status_code == 302
    assert crowd_packs(shop=shop).get().buyer_ids == sorted(p.pk for p in (sales[0], sales[2], sales[3]))


def test_bad_pack_input_is_refused_with_a_message(owner_client, shop, sales):
    owner_client.post(CROWDS + "new/", {"name": "复购", "source": "repurchasers", "window_days": "365"})
    cases = [
        ({"name": "复购", "source": "repurchasers", "window_days": "365"}, 409, "已存在"),
        ({"name": "", "source": "repurchasers", "window_days": "365"}, 400, "请填写人群包名称"),
        ({"name": "新包", "source": "rfm", "window_days": "365"}, 400, "请选择 RFM 分群"),
        (
            {"name": "新包", "source": "rfm", "segment": "general_develop", "window_days": "365"},
            400,
            "没有买家",
        ),
        ({"name": "新包", "source": "everyone", "window_days": "365"}, 400, "请选择人群来源"),
        ({"name": "新包", "source": "one_time", "window_days": "30"}, 400, "统计窗口"),
    ]
    for data, status, text in cases:
        response = owner_client.post(CROWDS + "new/", data)
        assert response.status_code == status, data
        assert text in response.content.decode(), data
    assert crowd_packs(shop=shop).count() == 1


def test_refresh_and_delete_from_the_pages(owner_client, shop, sales):
    owner_client.post(CROWDS + "new/", {"name": "复购", "source": "repurchasers", "window_days": "90"})
    pack = crowd_packs(shop=shop).get()
    assert pack.size == 2  # u1 and u3 within 90 days
    paid(shop, sales[1].pk, 100)  # u2 comes back
    refreshed = owner_client.post(f"{CROWDS}{pack.pk}/refresh/", follow=True)
    assert "现有 3 位买家" in refreshed.content.decode()
    assert crowd_packs(shop=shop).get().size == 3
    assert owner_client.get(CROWDS).status_code == 200 and "复购" in owner_client.get(CROWDS).content.decode()
    gone = owner_client.post(f"{CROWDS}{pack.pk}/delete/", follow=True)
    assert "已删除" in gone.content.decode() and not crowd_packs(shop=shop).exists()
    assert owner_client.get(f"{CROWDS}{pack.pk}/").status_code == 404


def test_ended_coupon_is_refused_and_nothing_is_issued(owner_client, shop, sales, coupon):
    owner_client.post(CROWDS + "new/", {"name": "复购", "source": "repurchasers", "window_days": "365"})
    pack = crowd_packs(shop=shop).get()
    promo = coupon(shop)
    promotion_end(shop=shop, promotion_id=promo.pk)
    response = owner_client.post(f"{CROWDS}{pack.pk}/issue/", {"promotion_id": str(promo.pk)})
    assert response.status_code == 400 and "请选择一张进行中的优惠券" in response.content.decode()
    too_few = coupon(shop, name="只剩两张", total_quantity=2)
    response = owner_client.post(f"{CROWDS}{pack.pk}/issue/", {"promotion_id": str(too_few.pk)})
    assert response.status_code == 409 and "不够发给 3 位买家" in response.content.decode()
    assert holders(promo, sales) == [] and holders(too_few, sales) == []


# --- roles -------------------------------------------------------------------------------------------------------


def test_service_role_without_data_view_gets_403(client, shop, make_staff, sales):
    client.force_login(make_staff(shop, "service"))
    for url in (CUSTOMERS, CROWDS):
        response = client.get(url)
        assert response.status_code == 403 and "数据中心" in response.content.decode()
    assert client.post(CROWDS + "new/", {"name": "x", "source": "repurchasers"}).status_code == 403
    for url in ("/rfm", "/cohorts", "/crowds", "/rfm/buyers?segment=important_value"):
        assert client.get(API + url).status_code == 403, url
    assert (
        client.post(API + "/crowds", {"name": "x", "source": "repurchasers"}, content_type=JSON).status_code
        == 403
    )
    assert not crowd_packs(shop=shop).exists()


def test_finance_may_look_and_save_but_not_issue_coupons(client, shop, make_staff, sales, coupon):
    client.force_login(make_staff(shop, "finance"))
    assert client.get(CUSTOMERS).status_code == 200
    assert (
        client.post(
            CROWDS + "new/", {"name": "复购", "source": "repurchasers", "window_days": "365"}
        ).status_code
        == 302
    )
    pack = crowd_packs(shop=shop).get()
    assert "定向发放优惠券" not in client.get(f"{CROWDS}{pack.pk}/").content.decode()
    promo = coupon(shop)
    refused = client.post(f"{CROWDS}{pack.pk}/issue/", {"promotion_id": str(promo.pk)})
    assert refused.status_code == 403 and "营销活动" in refused.content.decode()
    api = client.post(f"{API}/crowds/{pack.pk}/issue-coupon", {"promotion_id": promo.pk}, content_type=JSON)
    assert api.status_code == 403
    assert holders(promo, sales) == []


# --- shop isolation ----------------------------------------------------------------------------------------------


def test_other_shops_crowd_is_404_and_its_buyers_never_show(
    owner_client, shop, other_shop, sales, make_user, coupon
):
    stranger = make_user()
    paid(other_shop, stranger.pk, 99900)
    paid(other_shop, stranger.pk, 99900)
    theirs = _pack_of(other_shop)
    mine_coupon = coupon(shop)
    for url in (f"{CROWDS}{theirs.pk}/",):
        assert owner_client.get(url).status_code == 404
    for url in (f"{CROWDS}{theirs.pk}/refresh/", f"{CROWDS}{theirs.pk}/delete/"):
        assert owner_client.post(url).status_code == 404
    assert (
        owner_client.post(f"{CROWDS}{theirs.pk}/issue/", {"promotion_id": str(mine_coupon.pk)}).status_code
        == 404
    )
    assert owner_client.get(f"{API}/crowds/{theirs.pk}").status_code == 404
    assert owner_client.post(f"{API}/crowds/{theirs.pk}/refresh").status_code == 404
    assert owner_client.delete(f"{API}/crowds/{theirs.pk}").status_code == 404
    assert (
        owner_client.post(
            f"{API}/crowds/{theirs.pk}/issue-coupon", {"promotion_id": mine_coupon.pk}, content_type=JSON
        ).status_code
        == 404
    )
    assert crowd_packs(shop=other_shop).get().pk == theirs.pk and holders(mine_coupon, [stranger]) == []
    assert owner_client.get(f"{API}/crowds").json() == []
    body = (
        owner_client.get(CUSTOMERS).content.decode()
        + owner_client.get(CUSTOMERS + "?segment=important_value").content.decode()
    )
    assert masked(stranger) not in body and "999.00" not in body
    assert owner_client.get(f"{API}/rfm").json()["buyers"] == 5
    ids = {
        b["user_id"]
        for seg in (
            "important_value",
            "important_develop",
            "general_value",
            "important_keep",
            "general_retain",
        )
        for b in owner_client.get(f"{API}/rfm/buyers?segment={seg}").json()["items"]
    }
    assert stranger.pk not in ids and ids == {p.pk for p in sales}


def _pack_of(shop):
    from wanshang.insights.crowds import crowd_pack_create

    return crowd_pack_create(shop=shop, actor=shop.owner, name="别家复购", source="repurchasers")


# --- API ---------------------------------------------------------------------------------------------------------


def test_api_rfm_and_buyers(owner_client, sales):
    body = owner_client.get(f"{API}/rfm?window=365").json()
    assert body["window_days"] == 365 and body["buyers"] == 5
    assert body["means"] == {"r": 3.0, "f": 2.6, "m": 3.0}
    assert "严格更差" in body["definition"]["score"] and "平均分" in body["definition"]["high"]
    segs = {s["code"]: s for s in body["segments"]}
    assert (
        len(segs) == 8 and segs["important_value"]["buyers"] == 1 and segs["important_value"]["share"] == 0.2
    )
    assert segs["important_value"]["amount_fen"] == 6000 and segs["important_value"]["action"]
    page = owner_client.get(f"{API}/rfm/buyers?segment=important_keep").json()
    assert page["count"] == 1 and page["segment_name"] == "重要保持"
    item = page["items"][0]
    assert (item["user_id"], item["r_days"], item["f"], item["m_fen"]) == (sales[3].pk, 200, 2, 16000)
    assert (item["r_score"], item["f_score"], item["m_score"]) == (2, 3, 4) and item["login"] == masked(
        sales[3]
    )
    assert owner_client.get(f"{API}/rfm/buyers?segment=重要保持").json()["count"] == 1
    for url in ("/rfm?window=30", "/rfm/buyers?segment=vip", "/rfm/buyers"):
        response = owner_client.get(API + url)
        assert 400 <= response.status_code < 500 and response.json()["detail"], url


def test_api_cohorts_and_repurchase(owner_client, shop, people):
    u1, u2 = people[0], people[1]
    now = timezone.now()
    paid(shop, u1.pk, 100, ts=now - timedelta(seconds=3))  # this month: a first order…
    paid(shop, u1.pk, 100, ts=now - timedelta(seconds=2))  # …and a second one in the same month: +0
    paid(shop, u2.pk, 100, ts=now - timedelta(seconds=3))
    body = owner_client.get(f"{API}/cohorts?window=90&months=6").json()
    assert body["repurchase"]["buyers"] == 2 and body["repurchase"]["repeat_buyers"] == 1
    assert body["repurchase"]["rate"] == 0.5 and body["repurchase"]["window_days"] == 90
    this_month = body["cohorts"][-1]
    assert this_month["size"] == 2 and this_month["cells"][0] == {"offset": 0, "buyers": 1, "rate": 0.5}
    assert this_month["cells"][1]["rate"] is None and len(body["cohorts"]) == 6
    assert this_month["month"] == timezone.localtime(now).strftime("%Y-%m")
    assert owner_client.get(f"{API}/cohorts?months=7").status_code == 400


def test_openapi_describes_the_endpoints(owner_client):
    paths = owner_client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/rfm",
        "/rfm/buyers",
        "/cohorts",
        "/crowds",
        "/crowds/{pack_id}",
        "/crowds/{pack_id}/refresh",
        "/crowds/{pack_id}/issue-coupon",
    ):
        assert f"/api/seller/data{path}" in paths, path


def test_api_crowds_lifecycle_and_issue(owner_client, shop, sales, coupon):
    u1, u2, u3, u4, u5 = sales
    created = owner_client.post(
        f"{API}/crowds", {"name": "复购", "source": "repurchasers", "window_days": 365}, content_type=JSON
    )
    assert created.status_code == 201
    pack = created.json()
    assert pack["size"] == 3 and pack["buyer_ids"] == sorted([u1.pk, u3.pk, u4.pk])
    assert pack["rule"]["source"] == "repurchasers" and "复购买家" in pack["rule_label"]
    listing = owner_client.get(f"{API}/crowds").json()
    assert [p["id"] for p in listing] == [pack["id"]] and "buyer_ids" not in listing[0]
    assert owner_client.get(f"{API}/crowds/{pack['id']}").json()["buyer_ids"] == pack["buyer_ids"]
    promo = coupon(shop)
    issued = owner_client.post(
        f"{API}/crowds/{pack['id']}/issue-coupon", {"promotion_id": promo.pk}, content_type=JSON
    )
    assert issued.status_code == 200 and issued.json() == {"issued": 3, "at_limit": 0, "inactive": 0}
    assert holders(promo, sales) == sorted([u1.pk, u3.pk, u4.pk])
    paid(shop, u5.pk, 100)  # u5's second order: now a repurchaser
    refreshed = owner_client.post(f"{API}/crowds/{pack['id']}/refresh").json()
    assert refreshed["size"] == 4 and u5.pk in refreshed["buyer_ids"]
    assert owner_client.delete(f"{API}/crowds/{pack['id']}").status_code == 204
    assert owner_client.get(f"{API}/crowds/{pack['id']}").status_code == 404


def test_api_bad_input_changes_nothing(owner_client, shop, sales, coupon):
    def post(data):
        return owner_client.post(f"{API}/crowds", data, content_type=JSON)

    assert post({"name": "复购", "source": "repurchasers"}).status_code == 201
    dup = post({"name": "复购", "source": "repurchasers"})
    assert dup.status_code == 409 and "已存在" in dup.json()["detail"]
    empty = post({"name": "空", "source": "rfm", "segment": "general_develop"})
    assert empty.status_code == 400 and "没有买家" in empty.json()["detail"]
    assert post({"name": "x", "source": "everyone"}).status_code == 400
    assert post({"name": "x", "source": "rfm", "segment": "vip"}).status_code == 400
    assert post({"name": "x", "source": "one_time", "window_days": 30}).status_code == 400
    assert post({"name": "x", "source": "one_time", "extra": 1}).status_code == 422
    assert post({"name": "x", "source": "one_time", "window_days": "90"}).status_code == 422  # strict int
    assert crowd_packs(shop=shop).count() == 1
    pack = crowd_packs(shop=shop).get()
    ended = coupon(shop, name="已结束的券")
    promotion_end(shop=shop, promotion_id=ended.pk)
    refused = owner_client.post(
        f"{API}/crowds/{pack.pk}/issue-coupon", {"promotion_id": ended.pk}, content_type=JSON
    )
    assert refused.status_code == 409 and "已结束" in refused.json()["detail"]
    assert (
        owner_client.post(
            f"{API}/crowds/{pack.pk}/issue-coupon", {"promotion_id": 10**9}, content_type=JSON
        ).status_code
        == 404
    )
    assert holders(ended, sales) == []
