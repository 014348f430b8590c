"""日常巡检 as a shop owner and an operator use it: the seller page, the one-click fixes, the JSON API, the
platform overview; other shops' reports and findings are 404; bad input changes nothing."""

import pytest
from django.core.files.storage import default_storage

from wanshang.catalog.models import Product
from wanshang.patrol.checks import stored_name
from wanshang.patrol.models import PatrolFinding, PatrolFix
from wanshang.patrol.services import patrol_run_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(patrol_shop):
    shop, p = patrol_shop()
    Product.objects.filter(pk=p["bag"].pk).update(title="帆布托特包 大容量")  # stale search document
    default_storage.delete(stored_name(p["shirt"].images[0]))  # missing picture file
    return shop, p, patrol_run_shop(shop=shop)


def test_the_seller_page_groups_findings_and_fixes_in_one_click(client, seeded):
    shop, p, report = seeded
    client.force_login(shop.owner)
    page = client.get("/seller/patrol/").content.decode()
    assert "搜索索引与商品不一致" in page and "图片缺失或损坏" in page
    assert "帆布托特包 大容量" in page and "搜索索引" in page  # the values side by side
    assert "重建搜索索引" in page and f"/seller/products/{p['shirt'].pk}/" in page  # the fix, the fix page
    finding = report.findings.get(kind="stale_search")
    response = client.post(f"/seller/patrol/findings/{finding.pk}/fix/")
    assert response.status_code == 302 and f"report={report.pk}" in response["Location"]
    finding.refresh_from_db()
    assert finding.status == "fixed" and PatrolFix.objects.get(finding=finding).actor == shop.owner
    assert "已修复，复查通过" in client.get(response["Location"]).content.decode()


def test_a_finding_without_a_safe_fix_is_refused_with_a_message(client, seeded):
    shop, _, report = seeded
    client.force_login(shop.owner)
    image = report.findings.get(kind="image")
    response = client.post(f"/seller/patrol/findings/{image.pk}/fix/", follow=True)
    assert "该问题没有一键修复" in response.content.decode()
    assert not PatrolFix.objects.exists()
    assert client.get(f"/seller/patrol/findings/{image.pk}/fix/").status_code == 405


def test_another_shop_sees_nothing_and_touches_nothing(client, seeded, make_shop):
    shop, _, report = seeded
    other = make_shop()
    client.force_login(other.owner)
    page = client.get("/seller/patrol/").content.decode()
    assert "还没有巡检报告" in page and "帆布托特包" not in page
    assert client.get(f"/seller/patrol/?report={report.pk}").status_code == 404
    finding = report.findings.get(kind="stale_search")
    assert client.post(f"/seller/patrol/findings/{finding.pk}/fix/").status_code == 404
    api = client.post(f"/api/seller/patrol/findings/{finding.pk}/fix")
    assert api.status_code == 404 and api.json()["detail"]
    assert client.get(f"/api/seller/patrol/reports/{report.pk}").status_code == 404
    assert client.get("/api/seller/patrol").json() == {"report": None, "groups": []}
    finding.refresh_from_db()
    assert finding.status == "open" and not PatrolFix.objects.exists()


def test_bad_input(client, seeded):
    shop, _, _ = seeded
    client.force_login(shop.owner)
    assert client.get("/seller/patrol/?report=abc").status_code == 404
    assert client.get("/seller/patrol/?report=999999").status_code == 404
    assert client.get("/api/seller/patrol/reports/abc").status_code == 422
    assert client.post("/api/seller/patrol/findings/999999/fix").status_code == 404
    assert PatrolFinding.objects.filter(status="fixed").count() == 0


def test_the_api_answers_the_latest_report_and_fixes(client, seeded):
    shop, _, report = seeded
    client.force_login(shop.owner)
    answer = client.get("/api/seller/patrol").json()
    assert answer["report"]["id"] == report.pk
    kinds = {g["kind"]: g for g in answer["groups"]}
    search = kinds["stale_search"]["findings"][0]
    assert search["fix"] == "reindex" and search["diffs"][0]["values"][0][0] == "实际"
    fixed = client.post(f"/api/seller/patrol/findings/{search['id']}/fix").json()
    assert fixed["status"] == "fixed"
    history = client.get("/api/seller/patrol/reports").json()
    assert history["items"][0]["open_count"] == report.findings_count - 1


def test_the_platform_sees_the_shops_with_most_findings_first(client, seeded, patrol_shop, operator):
    shop, _, _ = seeded
    clean, _ = patrol_shop()
    patrol_run_shop(shop=clean)
    client.force_login(operator)
    page = client.get("/platform/patrol/").content.decode()
    assert page.index(shop.name) < page.index(clean.name)
    rows = client.get("/api/platform/patrol").json()["items"]
    assert [r["shop_id"] for r in rows] == [shop.pk, clean.pk]
    assert rows[0]["by_kind"] == {"搜索索引与商品不一致": 1, "图片缺失或损坏": 1}
    assert rows[1]["open_count"] == 0
    client.force_login(shop.owner)
    assert client.get("/api/platform/patrol").status_code in (401, 403)


def test_the_platform_overview_counts_each_shops_latest_report_only(client, seeded, operator):
    from datetime import timedelta

    from wanshang.patrol.selectors import platform_overview

    shop, _, report = seeded
    older = patrol_run_shop(shop=shop, day=report.day - timedelta(days=1))  # yesterday's, written late
    assert older.pk != report.pk and older.findings_count == report.findings_count
    rows = [r for r in platform_overview() if r.shop.pk == shop.pk]
    assert len(rows) == 1 and rows[0].day == report.day
    PatrolFinding.objects.filter(report=older).update(status="fixed")  # the older report's state is not read
    assert [r.open_count for r in platform_overview() if r.shop.pk == shop.pk] == [report.findings_count]


def test_the_seller_page_in_english_names_kinds_fixes_and_surfaces_in_english(client, seeded):
    shop, _, _ = seeded
    client.force_login(shop.owner)
    page = client.get("/seller/patrol/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Search index differs from the product" in page and "Rebuild search index" in page
    assert "Actual" in page and "Search index" in page
    assert "搜索索引与商品不一致" not in page
    answer = client.get("/api/seller/patrol", HTTP_ACCEPT_LANGUAGE="en").json()
    assert {g["label"] for g in answer["groups"]} >= {"Search index differs from the product"}
