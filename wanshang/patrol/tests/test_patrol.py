"""The daily patrol finds each seeded inconsistency in a demo-like shop, and nothing in a clean one."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.utils import timezone

from wanshang.catalog.models import Product, Sku
from wanshang.common.errors import Conflict, NotFound
from wanshang.common.scheduler import job, run_job
from wanshang.inventory.models import Stock
from wanshang.marketing.models import Promotion
from wanshang.marketing.services import PromotionInput, promotion_save
from wanshang.patrol.checks import stored_name
from wanshang.patrol.models import PatrolFinding, PatrolFix, PatrolReport
from wanshang.patrol.services import due_day, finding_fix, patrol_daily, patrol_run_shop
from wanshang.search.models import SearchDoc

pytestmark = pytest.mark.django_db
K = PatrolFinding.Kind


def kinds(report):
    return sorted((f.kind, f.product_id) for f in report.findings.all())


def test_a_clean_shop_has_no_findings(patrol_shop):
    shop, products = patrol_shop()
    report = patrol_run_shop(shop=shop)
    assert report.products_checked == 3
    assert kinds(report) == []


def test_each_seeded_inconsistency_is_found(patrol_shop, make_product):
    shop, p = patrol_shop()
    dress, shirt, bag = p["dress"], p["shirt"], p["bag"]
    # a product on a running promotion out of stock, sold below cost, with a missing picture
    extra = make_product(shop, title="羊毛围巾", prices=(5000,), stock=0, images=["/media/patrol/gone.jpg"])
    Sku.objects.filter(product=extra).update(cost_fen=6000)
    promotion_save(
        shop=shop,
        actor=shop.owner,
        data=PromotionInput(
            kind="time_discount",
            name="围巾特惠",
            starts_at=timezone.now() - timedelta(seconds=5),
            ends_at=timezone.now() + timedelta(days=1),
            items=[{"sku_id": extra.skus.get().pk, "discount_bps": 9000}],
        ),
    )
    # stale cache: a SKU's price written behind the catalog's back, the product's lowest price not updated
    Sku.objects.filter(product=shirt, price_fen=12900).update(price_fen=11900)
    # stale search document: the title changed without the index hearing of it
    Product.objects.filter(pk=bag.pk).update(title="帆布托特包 大容量")
    # the promotion ended (its row changed directly) while its tag and price are still shown
    Promotion.objects.filter(shop=shop, name="连衣裙限时折扣").update(
        ends_at=timezone.now() - timedelta(minutes=1)
    )
    cache.clear()  # every process reads the promotion rows afresh; the display price rows stay as written
    report = patrol_run_shop(shop=shop)
    found = kinds(report)
    assert (K.STALE_CACHE, shirt.pk) in found
    assert (K.STALE_SEARCH, bag.pk) in found
    assert (K.ENDED_TAG, dress.pk) in found
    assert (K.PROMO_OUT_OF_STOCK, extra.pk) in found
    assert (K.BELOW_COST, extra.pk) in found
    assert (K.IMAGE, extra.pk) in found
    stale = report.findings.get(kind=K.STALE_CACHE)
    assert (
        stale.diffs[0]["values"][0] == ["实际", "¥119.00"] and ["缓存", "¥129.00"] in stale.diffs[0]["values"]
    )
    tag = report.findings.get(kind=K.ENDED_TAG)
    assert ["列表卡片", "限时折扣"] in tag.diffs[0]["values"] and ["实际", "无"] in tag.diffs[0]["values"]
    assert report.findings.get(kind=K.BELOW_COST).message.endswith("低于成本 ¥60.00")


def test_one_click_fixes_clear_the_finding_and_are_audited(patrol_shop, make_user):
    shop, p = patrol_shop()
    Sku.objects.filter(product=p["shirt"], price_fen=12900).update(price_fen=11900)
    Product.objects.filter(pk=p["bag"].pk).update(title="帆布托特包 大容量")
    Promotion.objects.filter(shop=shop).update(ends_at=timezone.now() - timedelta(minutes=1))
    cache.clear()  # every process reads the promotion rows afresh; the display price rows stay as written
    report = patrol_run_shop(shop=shop)
    safe = list(report.findings.exclude(fix=""))
    assert {f.kind for f in safe} == {K.STALE_CACHE, K.STALE_SEARCH, K.ENDED_TAG}
    for finding in safe:
        fixed = finding_fix(shop=shop, finding_id=finding.pk, actor=shop.owner)
        assert fixed.status == "fixed", (finding.kind, fixed.diffs)
        log = PatrolFix.objects.get(finding=finding)
        assert log.resolved and log.actor == shop.owner and log.before == finding.diffs
        with pytest.raises(Conflict):
            finding_fix(shop=shop, finding_id=finding.pk, actor=shop.owner)
    assert SearchDoc.objects.get(product_id=p["shirt"].pk).min_price_fen == 11900  # the cache fix re-indexed
    # the next day's patrol finds the shop clean
    tomorrow = timezone.now() + timedelta(days=1)
    assert kinds(patrol_run_shop(shop=shop, day=due_day(tomorrow), now=tomorrow)) == []


def test_fixes_are_shop_scoped_and_only_safe_ones_are_one_click(patrol_shop, make_shop):
    shop, p = patrol_shop()
    default_storage.delete(stored_name(p["bag"].images[0]))
    Product.objects.filter(pk=p["dress"].pk).update(title="桑蚕丝连衣裙")
    report = patrol_run_shop(shop=shop)
    other = make_shop()
    search = report.findings.get(kind=K.STALE_SEARCH)
    with pytest.raises(NotFound):
        finding_fix(shop=other, finding_id=search.pk, actor=other.owner)
    assert not PatrolFix.objects.exists()
    image = report.findings.get(kind=K.IMAGE)
    assert image.fix == ""
    with pytest.raises(Conflict):
        finding_fix(shop=shop, finding_id=image.pk, actor=shop.owner)


def test_a_fix_that_does_not_hold_leaves_the_finding_open(patrol_shop, monkeypatch):
    shop, p = patrol_shop()
    Product.objects.filter(pk=p["bag"].pk).update(title="帆布托特包 大容量")
    report = patrol_run_shop(shop=shop)
    monkeypatch.setattr("wanshang.patrol.services.index_products", lambda **kw: 0)
    finding = finding_fix(shop=shop, finding_id=report.findings.get(kind=K.STALE_SEARCH).pk, actor=shop.owner)
    assert finding.status == "open"
    assert not PatrolFix.objects.get().resolved


def test_the_daily_job_is_idempotent_and_catches_up_only_the_latest_day(patrol_shop, settings):
    settings.WANSHANG = {**settings.WANSHANG, "PATROL_HOUR": 6}
    shop, _ = patrol_shop()
    Stock.objects.filter(sku__product__shop=shop).update(on_hand=0)  # nothing in stock: the index is stale
    monday_7 = timezone.make_aware(timezone.datetime(2026, 12, 7, 7, 0))
    daily = job("patrol.daily")
    assert run_job(daily, monday_7) >= 1
    assert run_job(daily, monday_7 + timedelta(minutes=10)) == 0  # the same day: nothing again
    report = PatrolReport.objects.get(shop=shop)
    assert report.day.isoformat() == "2026-12-07"
    # down for three days: back on Thursday at 05:00 (before the hour) only Wednesday is written
    thursday_5 = monday_7 + timedelta(days=3, hours=-2)
    patrol_daily(now=thursday_5)
    days = sorted(d.isoformat() for d in PatrolReport.objects.filter(shop=shop).values_list("day", flat=True))
    assert days == ["2026-12-07", "2026-12-09"]
