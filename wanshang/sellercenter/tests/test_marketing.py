"""营销中心 pages: create every kind through its form (yuan and 折 typed by a person), refuse bad input on the form
with the service's message, pause / resume / end, price preview with the §16/§17 warnings, coupon 定向发放,
会员等级, 价格合规提醒, shop isolation and the role check."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.catalog.services import sku_price_update
from wanshang.compliance.selectors import price_alerts
from wanshang.marketing.selectors import member_levels, promotion_get, promotion_list
from wanshang.marketing.services import flash_slot_save, member_levels_save

pytestmark = pytest.mark.django_db


def when(delta: timedelta) -> str:
    """A time as the datetime-local input posts it."""
    return timezone.localtime(timezone.now() + delta).strftime("%Y-%m-%dT%H:%M")


def post_data(name="店庆活动", *, starts=timedelta(minutes=-5), ends=timedelta(days=3), **extra) -> dict:
    data = {"name": name, "starts_at": when(starts), "ends_at": when(ends) if ends is not None else ""}
    data.update(extra)
    return data


def rows(*rows_: dict) -> dict:
    """SKU rows as the form posts them: parallel lists item_sku, item_<column>."""
    keys = sorted({k for r in rows_ for k in r})
    return {f"item_{k}" if k != "sku" else "item_sku": [str(r.get(k, "")) for r in rows_] for k in keys}


@pytest.fixture
def goods(shop, make_product):
    """Two SKUs at ¥99 and ¥199 (20 in stock each)."""
    product = make_product(shop, prices=(9900, 19900), stock=20)
    a, b = product.skus.order_by("price_fen")
    return {"product": product, "a": a, "b": b}


def only_promotion(shop):
    promos = list(promotion_list(shop=shop))
    assert len(promos) == 1
    return promotion_get(shop=shop, promotion_id=promos[0].pk)


# --- navigation and overview ---------------------------------------------------------------------------------


def test_owner_sees_marketing_nav_and_new_links(owner_client):
    body = owner_client.get("/seller/").content.decode()
    assert "营销中心" in body and "会员等级" in body and "价格合规提醒" in body
    page = owner_client.get("/seller/marketing/")
    assert page.status_code == 200
    for kind in (
        "coupon",
        "full_reduction",
        "time_discount",
        "member_price",
        "flash_sale",
        "group_buy",
        "bundle",
        "wholesale",
    ):
        assert f"/seller/marketing/new/{kind}/" in page.content.decode()
        assert owner_client.get(f"/seller/marketing/new/{kind}/").status_code == 200, kind


def test_overview_lists_phases_and_filters(owner_client, shop, goods, promo):
    running = promo(shop, "coupon", name="进行中的券", config={"amount_fen": 1000}, total_quantity=10)
    later = promo(
        shop,
        "coupon",
        name="明天的券",
        config={"amount_fen": 500},
        total_quantity=10,
        starts=timezone.now() + timedelta(days=1),
        ends=timezone.now() + timedelta(days=2),
    )
    promo(shop, "time_discount", name="限时九折", items=[{"sku_id": goods["a"].pk, "discount_bps": 9000}])
    body = owner_client.get("/seller/marketing/").content.decode()
    assert "进行中的券" in body and "明天的券" in body and "限时九折" in body
    assert "进行中" in body and "未开始" in body and "优惠券" in body and "限时折扣" in body
    assert f"/seller/marketing/{later.pk}/edit/" in body  # not started: editable
    assert f"/seller/marketing/{running.pk}/edit/" not in body  # started: only view / pause / end
    scheduled = owner_client.get("/seller/marketing/?phase=scheduled").content.decode()
    assert "明天的券" in scheduled and "进行中的券" not in scheduled
    by_kind = owner_client.get("/seller/marketing/?kind=time_discount").content.decode()
    assert "限时九折" in by_kind and "明天的券" not in by_kind


# --- creating each kind through its form ----------------------------------------------------------------------


def test_create_amount_coupon(owner_client, shop):
    response = owner_client.post(
        "/seller/marketing/new/coupon/",
        post_data(
            "满199减20",
            coupon_type="amount",
            amount="20",
            threshold="199",
            total_quantity="100",
            per_buyer_limit="1",
            valid_days="7",
            public="on",
            scope="all",
            combine_with=["full_reduction"],
        ),
    )
    assert response.status_code == 302
    p = only_promotion(shop)
    assert response["Location"] == f"/seller/marketing/{p.pk}/"
    assert p.kind == "coupon" and p.total_quantity == 100 and p.per_buyer_limit == 1
    assert p.config == {
        "type": "amount",
        "amount_fen": 2000,
        "threshold_fen": 19900,
        "valid_days": 7,
        "public": True,
        "combine_with": ["full_reduction"],
    }
    detail = owner_client.get(response["Location"]).content.decode()
    assert "满 ¥199.00 减 ¥20.00" in detail and "已发放" in detail and "定向发放" in detail


def test_create_percent_coupon_for_chosen_products(owner_client, shop, goods):
    pid = goods["product"].pk
    response = owner_client.post(
        "/seller/marketing/new/coupon/",
        post_data(
            "指定商品85折",
            coupon_type="percent",
            discount="8.5",
            cap="30",
            total_quantity="50",
            scope="products",
            scope_ids=f"{pid}",
        ),
    )
    assert response.status_code == 302
    p = only_promotion(shop)
    assert p.config["discount_bps"] == 8500 and p.config["cap_fen"] == 3000 and p.config["public"] is False
    assert p.scope == "products" and p.scope_ids == [pid]
    assert p.config["combine_with"] == []  # nothing ticked: combines with nothing


def test_create_full_reduction_tiers(owner_client, shop):
    response = owner_client.post(
        "/seller/marketing/new/full_reduction/",
        post_data(
            "满300减30",
            mode="tiers",
            tier_threshold=["300", "500", "", "", ""],
            tier_off=["30", "60", "", "", ""],
            scope="all",
            combine_with=["coupon", "platform_coupon"],
        ),
    )
    assert response.status_code == 302
    p = only_promotion(shop)
    assert p.config["mode"] == "tiers" and p.config["tiers"] == [[30000, 3000], [50000, 6000]]
    assert p.config["combine_with"] == ["coupon", "platform_coupon"]


def test_create_full_reduction_every_and_quantity(owner_client, shop):
    assert (
        owner_client.post(
            "/seller/marketing/new/full_reduction/",
            post_data(
                "每满100减10",
                mode="every",
                every="100",
                off="10",
                cap="50",
                scope="all",
                ends=timedelta(days=1),
            ),
        ).status_code
        == 302
    )
    every = only_promotion(shop)
    assert (every.config["every_fen"], every.config["off_fen"], every.config["cap_fen"]) == (
        10000,
        1000,
        5000,
    )
    owner_client.post(f"/seller/marketing/{every.pk}/end/")
    response = owner_client.post(
        "/seller/marketing/new/full_reduction/",
        post_data("满2件9折", mode="qty", qty_count=["2", "3"], qty_discount=["9", "8.5"], scope="all"),
    )
    assert response.status_code == 302
    qty = promotion_get(shop=shop, promotion_id=int(response["Location"].split("/")[-2]))
    assert qty.config["tiers"] == [[2, 9000], [3, 8500]]


def test_create_time_discount_by_price_or_zhe(owner_client, shop, goods):
    a, b = goods["a"], goods["b"]
    response = owner_client.post(
        "/seller/marketing/new/time_discount/",
        post_data(
            "限时特惠",
            per_buyer_limit="2",
            combine_with=["full_reduction", "coupon"],
            **rows(
                {"sku": a.pk, "price": "79", "discount": ""}, {"sku": b.pk, "price": "", "discount": "8.5"}
            ),
        ),
    )
    assert response.status_code == 302, response.content.decode()
    p = only_promotion(shop)
    items = {i.sku_id: i for i in p.items.all()}
    assert items[a.pk].price_fen == 7900 and items[b.pk].discount_bps == 8500 and p.per_buyer_limit == 2
    detail = owner_client.get(response["Location"]).content.decode()
    assert "价格预览" in detail and "79.00" in detail and "169.15" in detail  # ¥199 × 8.5 折


def test_create_flash_sale_with_and_without_platform_slot(owner_client, shop, goods, operator):
    a = goods["a"]
    response = owner_client.post(
        "/seller/marketing/new/flash_sale/",
        post_data(
            "整点秒杀",
            ends=timedelta(hours=2),
            per_buyer_limit="1",
            **rows({"sku": a.pk, "price": "59.9", "stock": "5"}),
        ),
    )
    assert response.status_code == 302, response.content.decode()
    item = only_promotion(shop).items.get()
    assert (item.price_fen, item.stock) == (5990, 5)
    owner_client.post(response["Location"] + "end/")

    starts = timezone.now() + timedelta(days=1)
    slot = flash_slot_save(
        actor=operator, name="明日10点场", starts_at=starts, ends_at=starts + timedelta(hours=2)
    )
    closed = flash_slot_save(
        actor=operator, name="已截止场", starts_at=starts, ends_at=starts + timedelta(hours=1), is_open=False
    )
    page = owner_client.get("/seller/marketing/new/flash_sale/").content.decode()
    assert "明日10点场" in page and "已截止场" not in page
    response = owner_client.post(
        "/seller/marketing/new/flash_sale/",
        {
            "name": "平台场秒杀",
            "slot_id": str(slot.pk),
            "starts_at": "",
            "ends_at": "",
            **rows({"sku": a.pk, "price": "49", "stock": "3"}),
        },
    )
    assert response.status_code == 302, response.content.decode()
    enrolled = promotion_get(shop=shop, promotion_id=int(response["Location"].split("/")[-2]))
    assert (
        enrolled.slot_id == slot.pk
        and enrolled.starts_at == slot.starts_at
        and enrolled.ends_at == slot.ends_at
    )
    refused = owner_client.post(
        "/seller/marketing/new/flash_sale/",
        {"name": "关闭场秒杀", "slot_id": str(closed.pk), **rows({"sku": a.pk, "price": "49", "stock": "3"})},
    )
    assert refused.status_code == 400 and "该秒杀场次不存在或已停止报名" in refused.content.decode()


def test_create_group_buy(owner_client, shop, goods):
    response = owner_client.post(
        "/seller/marketing/new/group_buy/",
        post_data(
            "三人团",
            size="3",
            hours="24",
            per_buyer_limit="1",
            **rows({"sku": goods["b"].pk, "price": "149"}),
        ),
    )
    assert response.status_code == 302, response.content.decode()
    p = only_promotion(shop)
    assert p.config["size"] == 3 and p.config["hours"] == 24 and p.items.get().price_fen == 14900


def test_create_bundle(owner_client, shop, goods):
    response = owner_client.post(
        "/seller/marketing/new/bundle/",
        post_data(
            "超值套餐",
            bundle_price="299",
            **rows({"sku": goods["a"].pk, "quantity": "2"}, {"sku": goods["b"].pk, "quantity": ""}),
        ),
    )
    assert response.status_code == 302, response.content.decode()
    p = only_promotion(shop)
    assert p.config["price_fen"] == 29900
    assert sorted((i.sku_id, i.quantity) for i in p.items.all()) == sorted(
        [(goods["a"].pk, 2), (goods["b"].pk, 1)]
    )


def test_bundle_price_must_be_below_the_set(owner_client, shop, goods):
    response = owner_client.post(
        "/seller/marketing/new/bundle/",
        post_data(
            "不划算套餐",
            bundle_price="400",
            **rows({"sku": goods["a"].pk, "quantity": "1"}, {"sku": goods["b"].pk, "quantity": "1"}),
        ),
    )
    assert response.status_code == 400
    assert "套餐价 ¥400 须低于单买合计 ¥298" in response.content.decode()
    assert not promotion_list(shop=shop).exists()


def test_create_wholesale_tiers_without_end(owner_client, shop, goods):
    response = owner_client.post(
        "/seller/marketing/new/wholesale/",
        post_data(
            "批发价",
            ends=None,
            wholesale_only="on",
            **rows({"sku": goods["a"].pk, "qty1": "10", "price1": "80", "qty2": "50", "price2": "70"}),
        ),
    )
    assert response.status_code == 302, response.content.decode()
    p = only_promotion(shop)
    assert p.config["wholesale_only"] is True and p.items.get().tiers == [[10, 8000], [50, 7000]]


def test_create_member_price_after_setting_levels(owner_client, shop, goods):
    page = owner_client.get("/seller/marketing/new/member_price/").content.decode()
    assert "先去设置会员等级" in page
    assert (
        owner_client.post(
            "/seller/marketing/levels/",
            {
                "level_rank": ["1", "2"],
                "level_name": ["银卡", "金卡"],
                "level_spend": ["0", "1000"],
                "level_points": ["", "500"],
            },
        ).status_code
        == 302
    )
    assert [(lv.rank, lv.name, lv.min_spend_fen, lv.min_points) for lv in member_levels(shop=shop)] == [
        (1, "银卡", 0, 0),
        (2, "金卡", 100000, 500),
    ]
    response = owner_client.post(
        "/seller/marketing/new/member_price/",
        post_data(
            "会员专享",
            ends=None,
            level_1="9.5",
            level_2="",
            **rows({"sku": goods["a"].pk, "lv1": "", "lv2": "88"}),
        ),
    )
    assert response.status_code == 302, response.content.decode()
    p = only_promotion(shop)
    assert p.config["level_bps"] == {"1": 9500} and p.items.get().level_prices == {"2": 8800}


# --- bad input: a form error with the service's message, nothing created ---------------------------------------


def test_discount_price_above_sku_price_is_refused(owner_client, shop, goods):
    response = owner_client.post(
        "/seller/marketing/new/time_discount/",
        post_data("涨价折扣", **rows({"sku": goods["a"].pk, "price": "120"})),
    )
    assert response.status_code == 400
    assert "折扣价 ¥120 须低于售价 ¥99" in response.content.decode()
    assert not promotion_list(shop=shop).exists()


def test_end_before_start_is_refused(owner_client, shop):
    response = owner_client.post(
        "/seller/marketing/new/coupon/",
        post_data(
            "倒着的券",
            starts=timedelta(days=2),
            ends=timedelta(days=1),
            coupon_type="amount",
            amount="5",
            total_quantity="10",
            scope="all",
        ),
    )
    assert response.status_code == 400
    assert "结束时间须晚于开始时间" in response.content.decode()
    assert not promotion_list(shop=shop).exists()


def test_overlapping_same_kind_on_a_sku_is_refused(owner_client, shop, goods, promo):
    promo(shop, "time_discount", name="先来的折扣", items=[{"sku_id": goods["a"].pk, "discount_bps": 9000}])
    response = owner_client.post(
        "/seller/marketing/new/time_discount/",
        post_data("后来的折扣", **rows({"sku": goods["a"].pk, "discount": "8"})),
    )
    assert response.status_code == 409
    assert "已在同类活动“先来的折扣”中" in response.content.decode()
    assert [p.name for p in promotion_list(shop=shop)] == ["先来的折扣"]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"discount": "12"}, "折扣须大于 0 折、小于 10 折"),
        ({"price": "七十"}, "不是有效的金额"),
        ({"price": "70", "discount": "9"}, "折扣价和折扣只填一项"),
        ({}, "请填写折扣价或折扣"),
    ],
)
def test_bad_rows_are_reported_per_row(owner_client, shop, goods, data, message):
    response = owner_client.post(
        "/seller/marketing/new/time_discount/",
        post_data("坏数据", **rows({"sku": goods["a"].pk, "price": "", "discount": "", **data})),
    )
    assert response.status_code == 400
    assert "第1行" in response.content.decode() and message in response.content.decode()
    assert not promotion_list(shop=shop).exists()


def test_missing_fields_and_no_items(owner_client, shop):
    response = owner_client.post("/seller/marketing/new/time_discount/", {"name": "", "starts_at": ""})
    body = response.content.decode()
    assert response.status_code == 400 and "请填写活动名称" in body and "请填写开始时间" in body
    response = owner_client.post(
        "/seller/marketing/new/flash_sale/", post_data("没商品的秒杀", ends=timedelta(hours=1))
    )
    assert response.status_code == 400 and "请选择参加活动的商品规格" in response.content.decode()


def test_coupon_without_amount_and_tiers_out_of_order(owner_client, shop):
    response = owner_client.post(
        "/seller/marketing/new/coupon/",
        post_data("空券", coupon_type="amount", total_quantity="10", scope="all"),
    )
    assert response.status_code == 400 and "请填写面额" in response.content.decode()
    response = owner_client.post(
        "/seller/marketing/new/full_reduction/",
        post_data(
            "乱序满减", mode="tiers", tier_threshold=["500", "300"], tier_off=["50", "30"], scope="all"
        ),
    )
    assert response.status_code == 400 and "须按门槛从低到高排列" in response.content.decode()
    assert not promotion_list(shop=shop).exists()


def test_unknown_kind_is_404(owner_client):
    assert owner_client.get("/seller/marketing/new/lottery/").status_code == 404


# --- edit, pause / resume / end ------------------------------------------------------------------------------


def test_edit_a_scheduled_promotion(owner_client, shop, goods, promo):
    later = promo(
        shop,
        "time_discount",
        name="下周折扣",
        items=[{"sku_id": goods["a"].pk, "price_fen": 8900}],
        starts=timezone.now() + timedelta(days=7),
        ends=timezone.now() + timedelta(days=8),
    )
    page = owner_client.get(f"/seller/marketing/{later.pk}/edit/").content.decode()
    assert "下周折扣" in page and "89.00" in page
    response = owner_client.post(
        f"/seller/marketing/{later.pk}/edit/",
        post_data(
            "下周大折扣",
            starts=timedelta(days=7),
            ends=timedelta(days=9),
            **rows({"sku": goods["a"].pk, "price": "69"}, {"sku": goods["b"].pk, "discount": "7"}),
        ),
    )
    assert response.status_code == 302, response.content.decode()
    p = promotion_get(shop=shop, promotion_id=later.pk)
    assert p.name == "下周大折扣" and sorted(i.sku_id for i in p.items.all()) == sorted(
        [goods["a"].pk, goods["b"].pk]
    )


@pytest.mark.parametrize(
    "kind, config, items, shown",
    [
        (
            "coupon",
            {"type": "percent", "discount_bps": 8500, "cap_fen": 3000, "threshold_fen": 10000},
            None,
            ['value="8.5"', 'value="30.00"', 'value="100.00"'],
        ),
        (
            "full_reduction",
            {"mode": "tiers", "tiers": [[30000, 3000], [50000, 6000]]},
            None,
            ['value="300.00"', 'value="60.00"'],
        ),
        (
            "full_reduction",
            {"mode": "qty", "tiers": [[2, 9000], [3, 8500]]},
            None,
            ['value="3"', 'value="8.5"'],
        ),
        (
            "group_buy",
            {"size": 4, "hours": 12},
            lambda g: [{"sku_id": g["a"].pk, "price_fen": 8800}],
            ['value="4"', "88.00"],
        ),
        (
            "bundle",
            {"price_fen": 25000},
            lambda g: [{"sku_id": g["a"].pk, "quantity": 2}, {"sku_id": g["b"].pk}],
            ['value="250.00"'],
        ),
        (
            "wholesale",
            {},
            lambda g: [{"sku_id": g["a"].pk, "tiers": [[10, 8000], [50, 7000]]}],
            ['"qty2": "50"', '"price2": "70.00"'],
        ),
        (
            "flash_sale",
            {},
            lambda g: [{"sku_id": g["a"].pk, "price_fen": 5990, "stock": 4}],
            ['"price": "59.90"', '"stock": "4"'],
        ),
        (
            "member_price",
            {"level_bps": {"1": 9500}},
            lambda g: [{"sku_id": g["b"].pk, "level_prices": {"1": 16900}}],
            ['value="9.5"', '"lv1": "169.00"'],
        ),
    ],
)
def test_edit_page_shows_saved_rules_in_yuan_and_zhe(
    owner_client, shop, goods, promo, kind, config, items, shown
):
    starts = timezone.now() + timedelta(days=1)
    extra = {"total_quantity": 10} if kind == "coupon" else {}
    member_levels_save(shop=shop, levels=[{"rank": 1, "name": "银卡"}])
    p = promo(
        shop,
        kind,
        name="待编辑活动",
        config=config,
        items=items(goods) if items else (),
        starts=starts,
        ends=starts + timedelta(hours=5),
        **extra,
    )
    body = owner_client.get(f"/seller/marketing/{p.pk}/edit/").content.decode()
    assert "待编辑活动" in body and "不能再修改规则" not in body
    for text in shown:
        assert text in body, text


def test_editing_a_started_promotion_shows_the_service_refusal(owner_client, shop, goods, promo):
    running = promo(
        shop, "time_discount", name="进行中折扣", items=[{"sku_id": goods["a"].pk, "price_fen": 8900}]
    )
    page = owner_client.get(f"/seller/marketing/{running.pk}/edit/").content.decode()
    assert "不能再修改规则" in page
    response = owner_client.post(
        f"/seller/marketing/{running.pk}/edit/",
        post_data("偷偷改价", **rows({"sku": goods["a"].pk, "price": "1"})),
    )
    assert response.status_code == 409
    assert "活动已开始或已结束，不能修改" in response.content.decode()
    p = promotion_get(shop=shop, promotion_id=running.pk)
    assert p.name == "进行中折扣" and p.items.get().price_fen == 8900


def test_pause_resume_end(owner_client, shop, promo):
    p = promo(shop, "coupon", name="可暂停的券", config={"amount_fen": 1000}, total_quantity=10)
    response = owner_client.post(f"/seller/marketing/{p.pk}/pause/", {"next": "/seller/marketing/"})
    assert response.status_code == 302 and response["Location"] == "/seller/marketing/"
    assert promotion_get(shop=shop, promotion_id=p.pk).status == "paused"
    assert "已暂停" in owner_client.get("/seller/marketing/?phase=paused").content.decode()
    owner_client.post(f"/seller/marketing/{p.pk}/resume/")
    assert promotion_get(shop=shop, promotion_id=p.pk).status == "active"
    response = owner_client.post(f"/seller/marketing/{p.pk}/end/", follow=True)
    assert promotion_get(shop=shop, promotion_id=p.pk).status == "ended"
    assert "已结束" in response.content.decode()
    again = owner_client.post(f"/seller/marketing/{p.pk}/resume/", follow=True)
    assert "操作未完成" in again.content.decode()
    assert owner_client.get(f"/seller/marketing/{p.pk}/pause/").status_code == 405


# --- preview and price-rule warnings ---------------------------------------------------------------------------


def test_preview_warns_when_strike_price_is_above_the_reference(owner_client, shop, goods, promo):
    a = goods["a"]
    sku_price_update(staff=shop.owner_staff, sku_id=a.pk, price_fen=9900, original_price_fen=12900)
    p = promo(shop, "time_discount", name="划线价折扣", items=[{"sku_id": a.pk, "price_fen": 7900}])
    body = owner_client.get(f"/seller/marketing/{p.pk}/").content.decode()
    assert "129.00" in body and "99.00" in body and "79.00" in body
    assert "划线价高于活动前7日最低成交价，前台将不显示划线价（§16）" in body


def test_price_rise_before_discount_is_flagged_and_resolved(owner_client, shop, goods, promo):
    a = goods["a"]
    sku_price_update(staff=shop.owner_staff, sku_id=a.pk, price_fen=15000)
    p = promo(
        shop,
        "time_discount",
        name="先涨后降",
        items=[{"sku_id": a.pk, "discount_bps": 7000}],
        starts=timezone.now() + timedelta(hours=1),
        ends=timezone.now() + timedelta(days=1),
    )
    detail = owner_client.get(f"/seller/marketing/{p.pk}/").content.decode()
    assert "疑似先提价后打折（§17）" in detail
    alerts_page = owner_client.get("/seller/marketing/alerts/").content.decode()
    assert "疑似先提价后打折" in alerts_page and "150.00" in alerts_page and "99.00" in alerts_page
    alert = price_alerts(shop=shop)[0]
    response = owner_client.post(f"/seller/marketing/alerts/{alert.pk}/resolve/", follow=True)
    assert "已标记为已处理" in response.content.decode() and price_alerts(shop=shop) == []
    assert "没有待处理的价格提醒" in response.content.decode()


# --- coupons: 定向发放 --------------------------------------------------------------------------------------------


def test_coupon_issue_to_buyers(owner_client, shop, promo, make_user):
    p = promo(
        shop,
        "coupon",
        name="老客券",
        config={"amount_fen": 1000, "public": False},
        total_quantity=5,
        per_buyer_limit=1,
    )
    u1, u2 = make_user(), make_user()
    response = owner_client.post(
        f"/seller/marketing/{p.pk}/issue/", {"buyer_ids": f"{u1.pk}，{u2.pk}\n{u1.pk}"}, follow=True
    )
    body = response.content.decode()
    assert "已发放 2 张" in body
    assert promotion_get(shop=shop, promotion_id=p.pk).issued_count == 2
    again = owner_client.post(f"/seller/marketing/{p.pk}/issue/", {"buyer_ids": str(u1.pk)}, follow=True)
    assert "已发放 0 张" in again.content.decode() and "已达每人限领数" in again.content.decode()


@pytest.mark.parametrize(
    "text, status, message",
    [
        ("张三", 400, "编号须为数字"),
        ("", 400, "请填写买家编号"),
        ("999999", 400, "买家不存在：999999"),
    ],
)
def test_coupon_issue_bad_input(owner_client, shop, promo, text, status, message):
    p = promo(shop, "coupon", name="发放测试", config={"amount_fen": 1000}, total_quantity=5)
    response = owner_client.post(f"/seller/marketing/{p.pk}/issue/", {"buyer_ids": text})
    assert response.status_code == status and message in response.content.decode()
    assert promotion_get(shop=shop, promotion_id=p.pk).issued_count == 0


def test_coupon_issue_beyond_quantity_is_refused(owner_client, shop, promo, make_user):
    p = promo(shop, "coupon", name="限量券", config={"amount_fen": 1000}, total_quantity=1)
    ids = f"{make_user().pk},{make_user().pk}"
    response = owner_client.post(f"/seller/marketing/{p.pk}/issue/", {"buyer_ids": ids})
    assert response.status_code == 409 and "剩余可发 1 张" in response.content.decode()


# --- 会员等级 ------------------------------------------------------------------------------------------------------


def test_member_levels_page_refuses_bad_levels(owner_client, shop):
    member_levels_save(shop=shop, levels=[{"rank": 1, "name": "普通会员"}])
    page = owner_client.get("/seller/marketing/levels/").content.decode()
    assert "普通会员" in page
    response = owner_client.post(
        "/seller/marketing/levels/",
        {
            "level_rank": ["1", "1"],
            "level_name": ["银卡", "金卡"],
            "level_spend": ["", ""],
            "level_points": ["", ""],
        },
    )
    assert response.status_code == 400 and "会员等级不能重复" in response.content.decode()
    response = owner_client.post(
        "/seller/marketing/levels/",
        {"level_rank": ["1"], "level_name": ["银卡"], "level_spend": ["一百"], "level_points": [""]},
    )
    assert response.status_code == 400 and "第1行：累计消费" in response.content.decode()
    assert [lv.name for lv in member_levels(shop=shop)] == ["普通会员"]


# --- SKU picker ------------------------------------------------------------------------------------------------


def test_sku_search_lists_only_own_products(owner_client, shop, other_shop, make_product):
    mine = make_product(shop, title="我的连衣裙", prices=(9900, 10900))
    make_product(other_shop, title="别人的连衣裙")
    body = owner_client.get("/seller/marketing/skus/?q=连衣裙").json()
    assert [p["title"] for p in body["products"]] == ["我的连衣裙"]
    assert sorted(s["id"] for s in body["products"][0]["skus"]) == sorted(s.pk for s in mine.skus.all())


# --- isolation and roles ---------------------------------------------------------------------------------------


@pytest.fixture
def b_promos(other_shop, make_product, promo):
    """Shop B: a running coupon, a scheduled time discount and an open §17 alert."""
    product = make_product(other_shop, title="B店商品", prices=(5000,))
    sku = product.skus.get()
    coupon = promo(other_shop, "coupon", name="B店的券", config={"amount_fen": 500}, total_quantity=10)
    sku_price_update(staff=other_shop.owner_staff, sku_id=sku.pk, price_fen=9000)
    later = promo(
        other_shop,
        "time_discount",
        name="B店的折扣",
        items=[{"sku_id": sku.pk, "discount_bps": 5000}],
        starts=timezone.now() + timedelta(days=1),
        ends=timezone.now() + timedelta(days=2),
    )
    alert = price_alerts(shop=other_shop)[0]
    return {"shop": other_shop, "sku": sku, "coupon": coupon, "later": later, "alert": alert}


def test_other_shops_promotions_are_404_on_every_page(owner_client, shop, b_promos, make_user):
    b = b_promos
    for p in (b["coupon"], b["later"]):
        for url in (f"/seller/marketing/{p.pk}/", f"/seller/marketing/{p.pk}/edit/"):
            response = owner_client.get(url)
            assert response.status_code == 404, url
            assert p.name not in response.content.decode()
        for action in ("pause", "resume", "end"):
            assert owner_client.post(f"/seller/marketing/{p.pk}/{action}/").status_code == 404, action
    assert (
        owner_client.post(
            f"/seller/marketing/{b['later'].pk}/edit/",
            post_data("抢走", **rows({"sku": b["sku"].pk, "discount": "1"})),
        ).status_code
        == 404
    )
    assert (
        owner_client.post(
            f"/seller/marketing/{b['coupon'].pk}/issue/", {"buyer_ids": str(make_user().pk)}
        ).status_code
        == 404
    )
    assert owner_client.post(f"/seller/marketing/alerts/{b['alert'].pk}/resolve/").status_code == 404
    assert "B店" not in owner_client.get("/seller/marketing/").content.decode()
    assert "B店" not in owner_client.get("/seller/marketing/alerts/").content.decode()
    coupon = promotion_get(shop=b["shop"], promotion_id=b["coupon"].pk)
    assert coupon.status == "active" and coupon.issued_count == 0
    assert promotion_get(shop=b["shop"], promotion_id=b["later"].pk).name == "B店的折扣"
    assert [a.pk for a in price_alerts(shop=b["shop"])] == [b["alert"].pk]


def test_other_shops_sku_in_a_form_is_a_form_error(owner_client, shop, b_promos):
    response = owner_client.post(
        "/seller/marketing/new/group_buy/",
        post_data("借别人的商品", size="2", hours="24", **rows({"sku": b_promos["sku"].pk, "price": "1"})),
    )
    assert response.status_code == 404
    body = response.content.decode()
    assert (
        f"商品规格 {b_promos['sku'].pk} 不存在" in body and 'name="name"' in body
    )  # the form, not an error page
    assert not promotion_list(shop=shop).exists()


def test_service_role_is_refused_and_operations_may_enter(client, shop, make_staff, promo):
    p = promo(shop, "coupon", name="角色测试券", config={"amount_fen": 500}, total_quantity=10)
    client.force_login(make_staff(shop, "service"))
    assert "营销中心" not in client.get("/seller/").content.decode()
    for url in (
        "/seller/marketing/",
        "/seller/marketing/new/coupon/",
        f"/seller/marketing/{p.pk}/",
        "/seller/marketing/levels/",
        "/seller/marketing/alerts/",
        "/seller/marketing/skus/",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "没有“营销活动”权限" in response.content.decode()
    assert client.post(f"/seller/marketing/{p.pk}/end/").status_code == 403
    assert promotion_get(shop=shop, promotion_id=p.pk).status == "active"
    client.force_login(make_staff(shop, "operations"))
    assert client.get("/seller/marketing/").status_code == 200
    assert client.get(f"/seller/marketing/{p.pk}/").status_code == 200
