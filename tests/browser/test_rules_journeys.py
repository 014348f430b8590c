"""Rules and risk (issue 15) in a real browser: the 广告法 scanner on the product form (a blocking term refused on
the field with its suggestion, a 慎用 term saved with the inline warning, the buyer's product page on desktop
and phone), the 体检中心 (an item marked fixed with a note, another appealed, the platform decides with a
reason, the shop reads the decision; the shop page's credit level on desktop and phone) and the 日常巡检 (a
seeded inconsistency in the report, the one-click fix, the re-check shows it fixed)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.journey, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _no_overflow(page):
    """Nothing wider than the viewport: a phone page never scrolls sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, width


@pytest.fixture
def food_shop(make_shop):
    """A shop selling in 食品 (slug food: a strict category of the 广告法 scanner, where 慎用 terms block), with
    the term list loaded (a transactional test before this one may have truncated what the migration seeded)."""
    from wanshang.adlaw.services import terms_import
    from wanshang.catalog.services import category_create

    terms_import()

    top = category_create(name="食品生鲜", slug="food")
    mid = category_create(name="休闲零食", slug="snacks", parent_id=top.pk)
    leaf = category_create(name="坚果炒货", slug="nuts", parent_id=mid.pk)
    return make_shop(name="山禾田食品旗舰店", category=leaf)


def test_adlaw_blocks_a_term_on_the_title_and_warns_inline_for_another(
    new_page, login, shot, food_shop, make_product
):
    from wanshang.adlaw.models import ScannedText
    from wanshang.catalog.models import Product

    product = make_product(food_shop, title="每日坚果混合装 750g", prices=(8900,))
    page = new_page()
    login(page, food_shop.owner)
    page.goto(f"/seller/products/{product.pk}/")
    expect(page.get_by_role("heading", name="编辑商品")).to_be_visible()

    title = page.get_by_label("商品标题")
    title.fill("全网最低价 每日坚果混合装 750g")
    page.get_by_role("button", name="保存修改").click()
    error = page.locator(".form-row:has([name=title]) .errorlist")
    expect(error).to_contain_text("最低价")
    expect(error).to_contain_text("可改为")
    shot(page, "-1-blocked")
    product.refresh_from_db()
    assert product.title == "每日坚果混合装 750g"  # refused: nothing changed

    page.get_by_label("商品标题").fill("每日坚果混合装 750g 买二免费送")
    page.get_by_role("button", name="保存修改").click()
    expect(page.get_by_text("已保存，但含有广告法提醒用语")).to_be_visible()
    warnings = page.locator(".adlaw-warnings")
    expect(warnings).to_contain_text("免费送")
    expect(warnings.locator("mark")).to_contain_text(["免费送"])
    shot(page, "-2-warned")
    assert Product.objects.get(pk=product.pk).title == "每日坚果混合装 750g 买二免费送"
    assert ScannedText.objects.get(source="product", source_id=product.pk, field="title").open_count == 1
    assert not page.js_errors

    for name, options in (("desktop", {}), ("phone", PHONE)):  # the buyer reads the saved title
        buyer = new_page(**options)
        buyer.goto(f"/p/{product.pk}/")
        expect(buyer.locator("h1")).to_contain_text("买二免费送")
        _no_overflow(buyer)
        shot(buyer, f"-3-buyer-{name}")
        assert not buyer.js_errors


def test_health_item_fixed_another_appealed_and_the_platform_decides(
    new_page, login, shot, make_shop, operator
):
    from django.utils import timezone

    from wanshang.health.models import Appeal, HealthItem
    from wanshang.health.services import item_open
    from wanshang.health.snapshot import credits_compute

    shop = make_shop(name="青禾服饰旗舰店")
    late = item_open(
        shop_id=shop.pk, kind="late_shipment", title="延迟发货率", detail="延迟发货率 8.0%，高于规则阈值 5.0%"
    )
    nad = item_open(
        shop_id=shop.pk,
        kind="not_as_described",
        title="描述不符",
        detail="描述不符率 3.1%，高于规则阈值 2.0%",
    )
    page = new_page()
    login(page, shop.owner)
    page.goto("/seller/health/")
    expect(page.get_by_text("延迟发货率 8.0%")).to_be_visible()
    expect(page.get_by_text("描述不符率 3.1%")).to_be_visible()
    shot(page, "-1-board")

    page.goto(f"/seller/health/items/{late.pk}/")
    page.get_by_label("整改说明").fill("已补发超时订单，并增加下午的打包班次")
    page.get_by_role("button", name="提交整改").click()
    expect(page.get_by_text("已提交整改")).to_be_visible()
    expect(page.locator("[data-testid=item]")).to_contain_text(
        "整改说明：已补发超时订单，并增加下午的打包班次"
    )
    shot(page, "-2-fixed")
    assert HealthItem.objects.get(pk=late.pk).status == "fixed"

    page.goto(f"/seller/health/items/{nad.pk}/")
    page.locator("summary", has_text="申诉").click()
    page.get_by_label("申诉理由").fill("两笔投诉为买家选错尺码，已协商换货，非描述不符")
    page.get_by_label("证据说明").fill("订单 20261201001、20261202017 的聊天记录")
    page.get_by_role("button", name="提交申诉").click()
    expect(page.get_by_text("申诉已提交")).to_be_visible()
    shot(page, "-3-appealed")
    assert Appeal.objects.get(item=nad).status == "pending"

    op = new_page()
    login(op, operator)
    op.goto("/platform/health/appeals/")
    card = op.locator(f"[data-appeal='{Appeal.objects.get(item=nad).pk}']")
    expect(card).to_contain_text("两笔投诉为买家选错尺码")
    card.get_by_label("处理理由").fill("聊天记录显示为尺码问题，撤销该项")
    shot(op, "-4-platform")
    card.get_by_role("button", name="申诉成立，撤销扣分").click()
    expect(op.get_by_text("申诉成功，已撤销扣分")).to_be_visible()
    assert not op.js_errors

    page.goto(f"/seller/health/items/{nad.pk}/")
    expect(page.locator("table")).to_contain_text("聊天记录显示为尺码问题，撤销该项")
    expect(page.locator("[data-testid=item] .badge")).to_contain_text("申诉成功")
    shot(page, "-5-decided")
    assert not page.js_errors

    credits_compute(shop_ids=[shop.pk], now=timezone.now())  # the daily job's credit level
    for name, options in (("desktop", {}), ("phone", PHONE)):  # the buyer sees the shop's credit level
        buyer = new_page(**options)
        buyer.goto(f"/shop/{shop.slug}/")
        expect(buyer.locator("h1")).to_contain_text("青禾服饰旗舰店")
        expect(buyer.get_by_test_id("credit-level")).to_be_visible()
        _no_overflow(buyer)
        shot(buyer, f"-6-shop-{name}")
        assert not buyer.js_errors


def test_patrol_shows_a_seeded_inconsistency_and_the_one_click_fix_clears_it(
    new_page, login, shot, make_shop, make_product
):
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from wanshang.catalog.models import Product
    from wanshang.patrol.models import PatrolFinding
    from wanshang.patrol.services import patrol_run_shop

    shop = make_shop(name="栖居家居旗舰店")
    picture = settings.MEDIA_URL + default_storage.save(
        "patrol/bag.jpg", ContentFile(b"\xff\xd8\xff\xe0 jpeg")
    )
    bag = make_product(shop, title="帆布托特包", prices=(8900,), images=[picture])
    Product.objects.filter(pk=bag.pk).update(title="帆布托特包 大容量")  # the search index is not told
    patrol_run_shop(shop=shop)

    page = new_page()
    login(page, shop.owner)
    page.goto("/seller/patrol/")
    group = page.locator("#kind-stale_search")
    expect(group).to_contain_text("搜索索引与商品不一致")
    finding = PatrolFinding.objects.get(shop=shop, kind="stale_search")
    card = page.locator(f"#finding-{finding.pk}")
    expect(card).to_contain_text("帆布托特包 大容量")
    expect(card).to_contain_text("搜索索引")
    expect(card.locator(".badge")).to_have_text("待处理")
    shot(page, "-1-report")

    card.get_by_role("button", name="重建搜索索引").click()
    expect(page).to_have_url(re.compile(rf"/seller/patrol/\?report=\d+#finding-{finding.pk}$"))
    expect(page.get_by_text("已修复，复查通过：帆布托特包 大容量")).to_be_visible()
    card = page.locator(f"#finding-{finding.pk}")
    expect(card.locator(".badge")).to_have_text("已修复")
    expect(card.get_by_role("button", name="重建搜索索引")).to_have_count(0)
    page.evaluate("window.scrollTo(0, 0)")  # the redirect scrolled to the finding: the sticky header mid-shot
    shot(page, "-2-fixed")
    finding.refresh_from_db()
    assert finding.status == "fixed"
    assert not page.js_errors
