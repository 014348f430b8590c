"""`manage.py load_demo` at a small scale, loaded once for the module (and rolled back afterwards)."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from wanshang.demo import content
from wanshang.demo.people import DEMO_BUYER_PHONE, DEMO_PASSWORD, OPERATOR_PHONE

pytestmark = [
    pytest.mark.slow,  # loads the whole demo marketplace; make test-fast skips it
    pytest.mark.xdist_group("demo-load"),  # one worker runs the module, so the module-scoped load runs once
]

SMALL = [
    "--products-per-shop",
    "6",
    "--orders",
    "40",
    "--buyers",
    "8",
    "--simulate-days",
    "2",
    "--visitors-per-day",
    "60",
]


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Run the command once; every test of the module reads the result inside its own savepoint."""
    from django.conf import settings
    from django.test import override_settings

    out = io.StringIO()
    spool = {  # the module's own spools: a file left in var/ by an earlier run must not be ingested here
        **settings.WANSHANG,
        "ANALYTICS_SPOOL_DIR": str(tmp_path_factory.mktemp("events")),
        "ADS_SPOOL_DIR": str(tmp_path_factory.mktemp("adevents")),
    }
    with override_settings(WANSHANG=spool), django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", *SMALL, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded, db):
    return loaded


def _counts() -> dict:
    from wanshang.accounts.models import Address, User
    from wanshang.aftersales.models import Refund
    from wanshang.catalog.models import Category, PriceHistory, Product, Sku
    from wanshang.inventory.models import Stock, StockMovement
    from wanshang.marketing.models import (
        Coupon,
        FlashSlot,
        MemberLevel,
        PointsEntry,
        Promotion,
        PromotionItem,
    )
    from wanshang.merchants.models import MerchantApplication, Shop, ShopStaff
    from wanshang.orders.models import Order, OrderEvent
    from wanshang.payments.models import Payment, SettlementEntry

    models = [
        User,
        Address,
        Category,
        Product,
        Sku,
        PriceHistory,
        Stock,
        StockMovement,
        MerchantApplication,
        Shop,
        ShopStaff,
        Order,
        OrderEvent,
        Refund,
        Payment,
        SettlementEntry,
        Promotion,
        PromotionItem,
        Coupon,
        FlashSlot,
        MemberLevel,
        PointsEntry,
    ]
    return {m.__name__: m.objects.count() for m in models}


def test_every_demo_shop_is_open_with_its_owner_and_staff(demo):
    from wanshang.merchants.models import Shop, ShopStaff

    for spec in content.SHOPS:
        shop = Shop.objects.get(slug=spec["slug"])
        assert shop.is_open and shop.name == spec["name"] and shop.application.status == "approved"
        roles = {(m.user.phone, m.role) for m in ShopStaff.objects.for_shop(shop).select_related("user")}
        assert (spec["owner"]["phone"], "owner") in roles
        assert {(m["phone"], m["role"]) for m in spec.get("staff", [])} <= roles
        assert shop.warehouses.filter(is_default=True).exclude(district_code="").exists()


def test_products_are_on_sale_across_many_leaf_categories_with_a_few_drafts(demo):
    from wanshang.catalog.models import Product

    on_sale = Product.objects.filter(status="on_sale")
    assert on_sale.count() >= 8 * 3
    assert on_sale.values("category").distinct().count() >= 20
    assert not on_sale.exclude(category__level=3).exists()
    assert Product.objects.filter(status="draft").exists()
    assert Product.objects.filter(status="off_shelf").exists()
    assert Product.objects.filter(brand__isnull=False).exists()


def test_orders_exist_in_every_state_with_open_and_rejected_refunds(demo):
    from wanshang.aftersales.models import Refund
    from wanshang.orders.models import Order

    states = set(Order.objects.values_list("status", flat=True))
    assert {"pending_payment", "paid", "shipped", "completed", "cancelled", "refunded"} <= states
    assert Order.objects.count() >= 40
    refunds = set(Refund.objects.values_list("status", flat=True))
    assert {"requested", "rejected", "refunded"} <= refunds
    for refund in Refund.objects.filter(status="requested"):
        assert refund.order.status == "paid"


def test_after_sales_cases_wait_for_shops_buyers_and_the_platform(demo):
    from wanshang.aftersales.models import Case, ReturnAddress

    states = set(Case.objects.values_list("status", flat=True))
    assert {"requested", "awaiting_return", "arbitrating"} <= states
    assert ReturnAddress.objects.filter(is_default=True).count() >= 3
    assert not Case.objects.filter(deadline_at__isnull=True).exclude(status="arbitrating").exists()


def test_the_demo_buyer_has_an_order_in_every_state(demo):
    from wanshang.orders.models import Order

    states = set(Order.objects.filter(buyer__phone=DEMO_BUYER_PHONE).values_list("status", flat=True))
    assert {"pending_payment", "paid", "shipped", "completed", "cancelled", "refunded"} <= states


def test_stock_ledger_of_every_sku_sums_to_its_stock_row(demo):
    from wanshang.inventory.models import Stock, StockMovement

    ledger = {
        (row["sku_id"], row["warehouse_id"]): (row["on_hand"], row["reserved"])
        for row in StockMovement.objects.values("sku_id", "warehouse_id").annotate(
            on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta")
        )
    }
    stocks = list(Stock.objects.all())
    assert stocks
    for stock in stocks:
        assert ledger.get((stock.sku_id, stock.warehouse_id), (0, 0)) == (stock.on_hand, stock.reserved), (
            stock.pk
        )
    assert Stock.objects.filter(reserved__gt=0).exists()  # pending orders hold stock


def test_price_history_records_first_prices_and_later_changes(demo):
    from wanshang.catalog.models import PriceHistory, Sku

    assert PriceHistory.objects.filter(old_price_fen__isnull=True).count() == Sku.objects.count()
    changes = PriceHistory.objects.filter(old_price_fen__isnull=False)
    assert changes.exists()
    for change in changes:
        assert change.changed_at < timezone.now()


def test_completed_orders_have_settlement_entries_some_already_settleable(demo):
    from wanshang.orders.models import Order
    from wanshang.payments.models import SettlementEntry

    completed = Order.objects.filter(status="completed")
    assert completed.exists()
    for order in completed:
        entry = SettlementEntry.objects.get(
            order=order, kind="sale"
        )  # beside it: affiliate commissions (aff)
        assert entry.gross_fen == order.total_fen
        assert entry.net_fen == entry.gross_fen - entry.commission_fen
        assert entry.settleable_at == order.completed_at + timedelta(days=7)
    assert SettlementEntry.objects.filter(status="settleable").exists()
    assert not SettlementEntry.objects.exclude(order__status="completed").exists()


def test_history_is_back_dated_over_the_last_month_in_order(demo):
    from wanshang.orders.models import Order

    now = timezone.now()
    orders = list(Order.objects.prefetch_related("events"))
    created = [o.created_at for o in orders]
    assert max(created) <= now and min(created) >= now - timedelta(days=31)
    assert max(created) - min(created) > timedelta(days=14)
    for order in orders:
        assert order.no[1:7] == f"{timezone.localtime(order.created_at):%y%m%d}"
        steps = [t for t in (order.created_at, order.paid_at, order.shipped_at, order.received_at) if t]
        assert steps == sorted(steps) and steps[-1] <= now
        events = [e.created_at for e in order.events.all()]
        assert events == sorted(events) and events[0] == order.created_at
    for order in Order.objects.filter(status="pending_payment"):
        assert order.pay_deadline > now  # recent: not expired the moment the demo is up


def test_pending_and_rejected_merchant_applications(demo):
    from wanshang.merchants.models import MerchantApplication

    pending = MerchantApplication.objects.filter(status="pending")
    assert set(pending.values_list("shop_name", flat=True)) == {
        a["name"] for a in content.PENDING_APPLICATIONS
    }
    rejected = MerchantApplication.objects.get(status="rejected")
    assert rejected.reject_reason


def test_demo_accounts_log_in_with_the_printed_password(demo, settings):
    from django.contrib.auth import authenticate

    # the demo may have been loaded under the suite's fast hasher or the real argon2: accept either
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]

    assert f"统一密码 {DEMO_PASSWORD}" in demo
    for url in ("http://127.0.0.1:8000/", "/seller/", "/platform/", "/api/docs"):
        assert url in demo
    operator = authenticate(username=OPERATOR_PHONE, password=DEMO_PASSWORD)
    assert operator is not None and operator.is_staff
    assert OPERATOR_PHONE in demo and DEMO_BUYER_PHONE in demo
    assert content.SHOPS[0]["owner"]["phone"] in demo and content.SHOPS[1]["owner"]["phone"] in demo


def test_running_again_adds_nothing(demo):
    before = _counts()
    out = io.StringIO()
    call_command("load_demo", *SMALL, stdout=out)
    assert _counts() == before
    assert "已加载" in out.getvalue() and "13800000000" in out.getvalue()


def test_every_shop_runs_promotions_of_several_kinds_and_the_platform_a_shared_coupon(demo):
    from wanshang.catalog.models import Product
    from wanshang.marketing.models import MemberLevel, Promotion
    from wanshang.merchants.models import Shop

    now = timezone.now()
    running = [p for p in Promotion.objects.select_related("shop") if p.phase(now) == "running"]
    kinds = {p.kind for p in running}
    assert {
        "coupon",
        "full_reduction",
        "time_discount",
        "member_price",
        "group_buy",
        "bundle",
        "flash_sale",
    } <= kinds
    if Product.objects.filter(status="on_sale", is_wholesale=True).exists():
        assert "wholesale" in kinds
    for shop in Shop.objects.all():
        own = {p.kind for p in running if p.shop_id == shop.pk}
        assert {"coupon", "full_reduction", "time_discount", "member_price"} <= own, shop.slug
        assert own & {"group_buy", "bundle"}, shop.slug
        assert MemberLevel.objects.for_shop(shop).count() == 3
    full = next(p for p in running if p.kind == "full_reduction")
    assert len(full.config["tiers"]) == 3
    member = next(p for p in running if p.kind == "member_price")
    assert all(len(item.level_prices) == 3 for item in member.items.all())

    [platform] = [p for p in running if p.shop_id is None]
    assert platform.kind == "coupon" and platform.platform_share_bps == 5000 and platform.config["public"]
    assert platform.config["threshold_fen"] > platform.config["amount_fen"]
    # every promotion passed the services' rules: item prices below the SKU's price
    for promo in running:
        for item in promo.items.select_related("sku"):
            prices = [item.price_fen] if item.price_fen else []
            prices += list(item.level_prices.values()) + [t[1] for t in item.tiers]
            assert all(p < item.sku.price_fen for p in prices), promo.name


def test_two_flash_slots_one_running_one_later_with_enrolled_flash_sales(demo):
    from wanshang.marketing.selectors import flash_sale_board, flash_slots

    now = timezone.now()
    running, later = flash_slots()
    assert running.starts_at <= now < running.ends_at
    assert now + timedelta(hours=2) < later.starts_at <= now + timedelta(hours=5)
    for slot in (running, later):
        promos = list(slot.promotions.all())
        assert promos and all(p.kind == "flash_sale" and p.status == "active" for p in promos)
        assert all(0 < item.stock and item.sold == 0 for p in promos for item in p.items.all())
    board = flash_sale_board(now=now)
    assert [s["running"] for s in board] == [True, False]


def test_demo_buyers_hold_coupons_and_points(demo):
    from wanshang.accounts.selectors import user_find_by_login
    from wanshang.marketing.selectors import my_coupons, points_of

    buyer = user_find_by_login(login=DEMO_BUYER_PHONE)
    held = my_coupons(buyer=buyer)
    assert any(c.shop_id is None for c in held) and sum(1 for c in held if c.shop_id) >= 1
    balance, entries = points_of(user=buyer)
    assert balance >= 3000 and any(e.note == "新用户注册奖励" for e in entries)
    from wanshang.marketing.models import Coupon

    assert Coupon.objects.exclude(buyer=buyer).exists()  # other buyers claimed some too


def test_the_data_center_has_simulated_history_of_visits_and_payments(demo):
    from wanshang.analytics.models import Event

    now = timezone.now()
    views = Event.objects.filter(kind="pv")
    assert views.filter(ts__lt=now - timedelta(days=1)).exists() and not views.filter(ts__gt=now).exists()
    # simulated buyers ordered (whether they paid depends on where the injected incident falls)
    assert Event.objects.filter(kind="order", visitor__regex=r"^[0-9a-f]{32}$").exists()
    assert "数据中心历史模拟完成" in demo and "注入事故" in demo


def test_money_events_are_at_the_times_of_the_back_dated_orders(demo):
    from wanshang.aftersales.models import Refund
    from wanshang.analytics.models import Event
    from wanshang.orders.models import Order

    orders = {o.pk: o for o in Order.objects.all()}
    for event in Event.objects.filter(kind__in=["order", "paid", "item_paid"]):
        order = orders[event.order_id]
        assert event.ts == (order.created_at if event.kind == "order" else order.paid_at), (
            event.kind,
            order.no,
        )
    refunded = {r.order_id: r.refunded_at for r in Refund.objects.filter(status="refunded")}
    for event in Event.objects.filter(kind="refund"):
        assert event.ts == refunded[event.order_id]


def test_every_product_on_sale_has_pictures_stored_as_jpeg(demo, settings, demo_media_root):
    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = demo_media_root  # where the module's load wrote them
    from PIL import Image

    from wanshang.catalog.models import Product

    on_sale = list(Product.objects.filter(status="on_sale").values_list("images", flat=True))
    assert on_sale and all(images for images in on_sale)
    assert sum(len(images) > 1 for images in on_sale) > len(on_sale) / 3  # many have a gallery
    url = on_sale[0][0]
    assert url.startswith(default_storage.base_url)
    with default_storage.open(url.removeprefix(default_storage.base_url)) as f, Image.open(f) as im:
        assert im.format == "JPEG" and im.size == (800, 800)


def test_home_rows_hold_retail_items_and_wholesale_has_its_channel(demo, client):
    from wanshang.catalog.models import Product

    assert Product.objects.filter(status="on_sale", is_wholesale=True, min_order_qty__gte=10).exists()
    page = client.get("/")
    assert page.status_code == 200
    rows = [*page.context["hot"], *page.context["new"], *(p for _r, ps in page.context["floors"] for p in ps)]
    assert rows and not any(p.is_wholesale for p in rows)
    assert page.context["wholesale"] and all(p.is_wholesale for p in page.context["wholesale"])
    assert 'href="/wholesale/"' in page.content.decode()

    channel = client.get("/wholesale/")
    listed = list(channel.context["products"])
    assert listed and all(p.is_wholesale for p in listed)
    assert f"{listed[0].min_order_qty}件起批" in channel.content.decode()

    assert "/search/?sort=sales&amp;channel=retail" in page.content.decode()  # 热销榜单's 更多: retail only
    shop = listed[0].shop
    assert not list(client.get(f"/shop/{shop.slug}/?sort=sales").context["products"])[0].is_wholesale


def test_four_main_categories_have_at_least_three_shops_with_peer_averages(demo):
    from collections import Counter

    from wanshang.insights.metrics import period_for
    from wanshang.insights.peers import category_average, peer_ids
    from wanshang.merchants.models import Shop
    from wanshang.merchants.selectors import shops_main_category

    main = shops_main_category()
    crowded = [cat for cat, n in Counter(main.values()).items() if n >= 3]
    assert len(crowded) >= 4
    for shop in Shop.objects.filter(pk__in=[pk for pk, cat in main.items() if cat in crowded]):
        if len(peer_ids(shop)) >= 3:
            assert category_average(shop=shop, period=period_for("7d")) is not None, shop.slug
    assert sum(len(peer_ids(s)) >= 3 for s in Shop.objects.all()) >= 16  # 4 shops in each of 4 categories


def test_banner_prints_the_address_the_demo_serves(monkeypatch):
    from wanshang.demo.services import demo_banner

    monkeypatch.setenv("DEMO_ADDR", "0.0.0.0:8123")
    assert any("http://127.0.0.1:8123/seller/" in line for line in demo_banner())
    monkeypatch.setenv("DEMO_ADDR", "192.0.2.7:9000")
    assert any("http://192.0.2.7:9000/accounts/login/" in line for line in demo_banner())
    monkeypatch.delenv("DEMO_ADDR")
    assert any("http://127.0.0.1:8000/" in line for line in demo_banner())


def test_received_demo_orders_have_reviews_ratings_and_shop_scores(demo, client):
    from wanshang.reviews.models import ProductRating, Review, ShopRating, ShopScore, ShopScoreDay

    written = Review.objects.filter(is_default=False)
    assert written.count() >= 5 and ShopRating.objects.exists()
    assert (
        not ShopRating.objects.filter(order_id__in=Review.objects.filter(is_default=True).values("order_id"))
        .exclude(order_id__in=written.values("order_id"))
        .exists()
    )  # a default review never scores the shop
    for review in written[:20]:
        assert review.created_at > review.order.received_at
    rated = ProductRating.objects.filter(written__gt=0).first()
    page = client.get(f"/p/{rated.product_id}/").content.decode()
    assert "好评率" in page and 'id="reviews"' in page
    assert (
        ShopScore.objects.filter(counted__gt=0).exists()
        and ShopScoreDay.objects.count() > ShopScore.objects.count()
    )


def test_stock_planning_has_receipts_in_transit_reorders_and_a_campaign_alert(demo):
    from wanshang.insights.models import Alert
    from wanshang.inventory.models import InboundReceipt
    from wanshang.inventory.selectors import in_transit_by_sku, stock_plan
    from wanshang.merchants.models import Shop

    statuses = set(InboundReceipt.objects.values_list("status", flat=True))
    assert {"in_transit", "partly_received", "received", "draft"} <= statuses
    shops = [s for s in Shop.objects.all() if InboundReceipt.objects.filter(shop=s).exists()]
    assert shops
    needing = [r for s in shops for r in stock_plan(shop=s, needs_only=True)]
    assert needing and all(r.suggested > 0 for r in needing)
    shop = shops[0]
    skus = InboundReceipt.objects.filter(shop=shop, status="in_transit").values_list(
        "lines__sku_id", flat=True
    )
    assert in_transit_by_sku(shop=shop, sku_ids=list(skus))
    alert = Alert.objects.get(kind=Alert.Kind.STOCK_COVER)
    assert "周末爆款限时折扣" in alert.detail


def test_demo_has_pickup_stores_a_waiting_code_and_a_verified_pickup(demo):
    from wanshang.demo.services import demo_banner
    from wanshang.demo.stores import store_clerk_login
    from wanshang.stores.models import Pickup, Store

    assert Store.objects.filter(pickup_enabled=True).count() >= 3
    assert Store.objects.filter(pickup_enabled=False).exists()
    waiting = Pickup.objects.get(status="waiting")
    assert waiting.order.status == "paid" and len(waiting.code) == 8 and waiting.order.freight_fen == 0
    done = Pickup.objects.get(status="picked_up")
    assert done.order.status == "completed" and done.picked_up_by.phone == store_clerk_login()[0]
    assert any(store_clerk_login()[0] in line and "门店" in line for line in demo_banner())


def test_every_demo_shop_has_a_cs_manual_phrases_and_tickets(demo, client):
    from wanshang.helpdesk import selectors as hd
    from wanshang.merchants.selectors import shop_list

    shops = list(shop_list())
    for shop in shops:
        hit = hd.faq_best_answer(shop, "我的订单什么时候发货呀")
        assert hit is not None and "发货" in hit.question
        assert hd.hours_configured(shop) and hd.service_settings(shop).welcome_text.startswith("您好")
        assert {p.code for p in hd.phrases_for(shop, shop.staff.first().user)} >= {"/hi", "/fh"}
        assert hd.ticket_list(shop=shop).count() == 5
        assert hd.ticket_list(shop=shop, breached=True).exists()
        active = hd.ticket_list(shop=shop, status="active")
        assert active.exclude(pk__in=hd.ticket_list(shop=shop, breached=True)).exists()  # a clock still runs
    page = client.get(f"/shop/{shops[0].slug}/").content.decode()
    assert "常见问题" in page and "七天无理由" in page


def test_conversations_with_history_one_waiting_per_shop_and_ratings(demo):
    from wanshang.service.models import Conversation, Message, Satisfaction

    shops = set(Conversation.objects.values_list("shop_id", flat=True))
    assert len(shops) >= 2
    waiting = Conversation.objects.filter(status="waiting")
    assert set(waiting.values_list("shop_id", flat=True)) == shops
    assert Conversation.objects.filter(status="resolved", first_response_at__isnull=False).count() >= 2
    assert Satisfaction.objects.exists()
    assert Message.objects.filter(kind="note").exists()
    (mine,) = Conversation.objects.filter(buyer__phone="13900000000")  # the demo buyer's chat, answered
    assert mine.status == "open" and mine.messages.filter(sender_kind="agent").exists()
    assert (
        Message.objects.filter(sender_kind="auto", auto_rule="welcome").count()
        == Conversation.objects.count()
    )


def test_every_demo_shop_has_an_ad_account_and_an_active_keyword_plan(demo):
    from wanshang.ads.models import AdAccount, AdKeyword, AdLedgerEntry, AdPlan
    from wanshang.merchants.models import Shop

    shops = Shop.objects.count()
    assert AdAccount.objects.filter(balance_fen__gt=0).count() == shops
    assert AdPlan.objects.filter(status="active", kind="keyword").values("shop").distinct().count() == shops
    assert AdKeyword.objects.count() >= shops
    for account in AdAccount.objects.all():
        entries = AdLedgerEntry.objects.filter(account=account)
        assert sum(entries.values_list("amount_fen", flat=True)) == account.balance_fen
        assert entries.filter(kind="topup").exists()


def test_demo_shops_run_audience_plans_with_crowds_and_some_goal_plans(demo):
    from wanshang.ads.audience_models import AudienceSetup, AudienceTarget
    from wanshang.ads.autoplan_models import AutoPlan
    from wanshang.ads.models import AdGroup, AdPlan

    audience = AdPlan.objects.filter(status="active", kind="audience")
    assert audience.values("shop").distinct().count() >= 10
    for plan in audience:
        assert AdGroup.objects.filter(plan=plan).exists()
        assert AudienceSetup.objects.get(plan=plan).billing == "cpc"
        assert {"similar", "intent"} <= set(
            AudienceTarget.objects.filter(plan=plan).values_list("kind", flat=True)
        )
    goals = AutoPlan.objects.filter(plan__status="active")
    assert goals.count() >= 5
    for goal in goals:
        assert goal.target_roas_centi == 300 and AdGroup.objects.filter(plan=goal.plan).count() >= 1


def test_demo_has_promoters_links_clicks_and_commissions_in_every_state(demo):
    from wanshang.affiliates.models import Click, Commission, CommissionPlan, Promoter, Withdrawal
    from wanshang.demo.affiliates import promoter_login
    from wanshang.demo.services import demo_banner
    from wanshang.payments.models import SettlementEntry

    assert Promoter.objects.filter(status="approved").count() == 2
    assert Promoter.objects.filter(status="pending").count() == 1
    assert CommissionPlan.objects.filter(kind="targeted", status="active").exists()
    assert Click.objects.count() > Commission.objects.count() > 0
    assert {"estimated", "confirmed", "settled"} <= set(Commission.objects.values_list("status", flat=True))
    settled = Commission.objects.filter(status="settled")
    assert SettlementEntry.objects.filter(kind="aff").count() == settled.count()
    assert {"approved", "pending"} <= set(Withdrawal.objects.values_list("status", flat=True))
    assert any(promoter_login()[0] in line and "达人" in line for line in demo_banner())


def test_the_simulated_days_have_ad_auctions_and_every_charge_is_a_click_at_its_time(demo):
    from wanshang.ads.models import AdAccount, AdLedgerEntry, AdPlan
    from wanshang.ads.traffic_models import AdClick, AdImpression

    start = timezone.now() - timedelta(days=3)
    assert AdImpression.objects.filter(ts__gte=start, ts__lt=timezone.now() - timedelta(hours=1)).exists()
    assert all(p.start_date <= timezone.localdate() - timedelta(days=30) for p in AdPlan.objects.all())
    charged = {f"adclick:{c.pk}": c for c in AdClick.objects.filter(status="charged")}
    charges = list(AdLedgerEntry.objects.filter(kind="charge"))
    assert {e.reference for e in charges} == set(charged)  # no charge without its click, none twice
    for entry in charges:
        click = charged[entry.reference]
        assert entry.created_at == click.ts and -entry.amount_fen == click.charged_fen
    for account in AdAccount.objects.all():
        assert (
            AdLedgerEntry.objects.filter(account=account).aggregate(s=Sum("amount_fen"))["s"]
            == account.balance_fen
        )


def test_shop_texts_passed_the_adlaw_scanner_with_a_hit_and_two_claims(demo):
    from wanshang.adlaw.models import Claim, ScannedText

    scanned = ScannedText.objects.filter(source="shop", field="description")
    assert set(scanned.values_list("shop__slug", flat=True)) == {s["slug"] for s in content.SHOPS}
    qinghe = scanned.get(shop__slug="qinghe-apparel")
    assert qinghe.open_count == 1 and [h["term"] for h in qinghe.hits] == ["行业领先"]
    assert qinghe.hits_since is not None  # the shop's "new" mark: the 体检中心 counts it

    pending = Claim.objects.get(shop__slug="lanxin-digital")
    assert pending.status == "pending" and pending.kind == "statistic" and pending.note
    assert sorted(e.name.rsplit(".", 1)[1] for e in pending.evidence.all()) == ["pdf", "png"]
    assert all(e.size > 0 and e.file for e in pending.evidence.all())
    assert scanned.get(shop__slug="lanxin-digital").open_count == 1  # waiting: the hit is still open

    approved = Claim.objects.get(shop__slug="chashanli-tea")
    assert approved.status == "approved" and approved.decision_reason and approved.reviewed_by.is_staff
    tea = scanned.get(shop__slug="chashanli-tea")
    assert tea.open_count == 0 and [(h["term"], h["claim_id"]) for h in tea.hits] == [("至臻", approved.pk)]
    clean = scanned.exclude(shop__slug__in=["qinghe-apparel", "lanxin-digital", "chashanli-tea"])
    assert not clean.filter(open_count__gt=0).exists()


def test_most_products_have_five_main_pictures_and_a_few_show_image_problems(demo):
    from wanshang.catalog.models import ImageProblem, Product

    on_sale = list(Product.objects.filter(status="on_sale").select_related("shop"))
    five = [p for p in on_sale if len(p.images) >= 5]
    assert len(five) >= 0.9 * len(on_sale)
    assert all(len(set(p.images)) == len(p.images) for p in on_sale)

    problems = ImageProblem.objects.filter(resolved_at__isnull=True).select_related("product__shop")
    too_few = problems.filter(kind="too_few")
    assert {p.product.shop.slug for p in too_few} == {"qinghe-apparel", "lanzhi-beauty", "beiya-baby"}
    assert all(len(p.product.images) == 2 and p.detail["count"] == 2 for p in too_few)
    blurred = problems.get(kind="blurred")
    assert blurred.product.shop.slug == "qinghe-apparel" and blurred.detail["position"] == 3
    assert blurred.product.status == "on_sale" and len(blurred.product.images) == 5
    assert (
        blurred.product.media.filter(role__in=["main", "gallery"]).count() == 5
    )  # uploaded like a merchant's
    assert set(problems.values_list("kind", flat=True)) == {"too_few", "blurred"}  # no duplicates, no low-res


def test_a_rules_version_some_shops_acknowledged_and_others_not(demo, client):
    from wanshang.accounts.models import User
    from wanshang.health.models import PlatformRule, RuleAck

    rules = PlatformRule.objects.filter(code="product-info").order_by("version")
    assert [r.version for r in rules] == [1, 2]
    current = rules.last()
    acked = set(RuleAck.objects.filter(rule=current).values_list("shop__slug", flat=True))
    assert 0 < len(acked) < len(content.SHOPS)
    first, second = content.SHOPS[0], content.SHOPS[1]
    assert first["slug"] not in acked and second["slug"] in acked
    client.force_login(User.objects.get(phone=first["owner"]["phone"]))
    page = client.get("/seller/health/rules/").content.decode()
    assert current.title in page and "我已阅读并确认" in page


def test_the_health_center_of_a_demo_shop_shows_open_items(demo, client):
    from wanshang.accounts.models import User
    from wanshang.health.models import HealthItem

    first = content.SHOPS[0]
    items = HealthItem.objects.filter(shop__slug=first["slug"], status="open")
    assert {"adlaw_hits", "image_problems"} <= set(items.values_list("kind", flat=True))
    assert all(i.deadline_at > i.opened_at for i in items)
    client.force_login(User.objects.get(phone=first["owner"]["phone"]))
    page = client.get("/seller/health/").content.decode()
    assert "广告法违规用语" in page and "商品图片问题" in page
