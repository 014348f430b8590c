"""客服 seller pages and the shop page's 常见问题: flows through the Django test client, form errors on bad
input with nothing written, role permissions, shop isolation, personal phrases."""

import pytest
from django.urls import reverse

from wanshang.helpdesk import selectors, services
from wanshang.helpdesk.models import Faq, QuickPhrase, ServiceSettings, SlaPolicy, Ticket

pytestmark = pytest.mark.django_db

SETTINGS = {
    "welcome_text": "欢迎光临",
    "offhours_text": "下班了",
    "noreply_minutes": "3",
    "noreply_text": "稍等",
    "faq_autoreply": "on",
    "faq_threshold": "60",
    "agent_cap": "8",
}


def test_every_page_opens_for_the_owner(client, shop, manual, agent):
    ticket = services.ticket_create(shop=shop, actor=agent, title="补发", source_kind="manual")
    client.force_login(shop.owner)
    for name, args in [
        ("service_settings", []),
        ("phrase_list", []),
        ("faq_list", []),
        ("faq_create", []),
        ("faq_edit", [manual["ship"].pk]),
        ("ticket_list", []),
        ("ticket_new", []),
        ("ticket_detail", [ticket.pk]),
        ("sla_policies", []),
    ]:
        r = client.get(reverse(f"sellercenter:{name}", args=args))
        assert r.status_code == 200, name
    body = client.get(reverse("sellercenter:ticket_list")).content.decode()
    assert "补发" in body and "客服设置" in body  # the row and the menu entry


def test_settings_form_saves_and_refuses_bad_input(client, shop):
    client.force_login(shop.owner)
    url = reverse("sellercenter:service_settings")
    r = client.post(url, SETTINGS | {"noreply_text": ""})
    assert r.status_code == 400 and "请填写提示内容" in r.content.decode()
    r = client.post(url, SETTINGS | {"agent_cap": "0"})
    assert r.status_code == 400
    assert not ServiceSettings.objects.exists()
    assert client.post(url, SETTINGS).status_code == 302
    assert selectors.service_settings(shop).agent_cap == 8


def test_hours_and_special_days_forms(client, shop):
    client.force_login(shop.owner)
    r = client.post(reverse("sellercenter:business_hours"), {"day_0": "09:00-12:00, 11:00-13:00"})
    assert r.status_code == 400 and "不能重叠" in r.content.decode()
    assert not selectors.hours_configured(shop)
    r = client.post(
        reverse("sellercenter:business_hours"), {"day_0": "09:00-12:00, 13:30-22:00", "day_5": "10:00-16:00"}
    )
    assert r.status_code == 302 and selectors.hours_configured(shop)
    r = client.post(
        reverse("sellercenter:special_day_add"), {"date": "2026-10-01", "kind": "open", "periods": ""}
    )
    assert r.status_code == 400 and selectors.special_days(shop) == []
    r = client.post(
        reverse("sellercenter:special_day_add"), {"date": "2026-10-01", "kind": "closed", "note": "国庆"}
    )
    assert r.status_code == 302 and len(selectors.special_days(shop)) == 1


def test_agent_cannot_open_manager_pages(client, shop, agent):
    client.force_login(agent)
    for name in ("service_settings", "sla_policies", "faq_create"):
        assert client.get(reverse(f"sellercenter:{name}")).status_code == 403
    assert client.get(reverse("sellercenter:faq_list")).status_code == 200
    r = client.post(
        reverse("sellercenter:phrase_create"),
        {"category": "常用", "code": "/hi", "text": "全店", "shop_wide": "on"},
    )
    assert r.status_code == 403 and not QuickPhrase.objects.filter(owner__isnull=True).exists()


def test_personal_phrases_are_invisible_to_other_agents(client, shop, agent, make_agent):
    client.force_login(agent)
    r = client.post(
        reverse("sellercenter:phrase_create"), {"category": "常用", "code": "/wd", "text": "我的私人话术"}
    )
    assert r.status_code == 302
    mine = QuickPhrase.objects.get()
    client.force_login(make_agent(shop))
    assert "我的私人话术" not in client.get(reverse("sellercenter:phrase_list")).content.decode()
    assert client.get(reverse("sellercenter:phrase_edit", args=[mine.pk])).status_code == 404
    assert client.post(reverse("sellercenter:phrase_remove", args=[mine.pk])).status_code == 404
    assert QuickPhrase.objects.count() == 1


def test_phrase_form_errors(client, shop, agent):
    client.force_login(agent)
    r = client.post(reverse("sellercenter:phrase_create"), {"category": "常用", "code": "/退货", "text": "x"})
    assert r.status_code == 400 and "快捷码" in r.content.decode()
    assert not QuickPhrase.objects.exists()


def test_faq_form_and_matching_test_box(client, shop, manual):
    client.force_login(shop.owner)
    r = client.post(reverse("sellercenter:faq_create"), {"category": "", "question": "", "answer": ""})
    assert r.status_code == 400
    n = Faq.objects.count()
    r = client.post(
        reverse("sellercenter:faq_create"),
        {
            "category": manual["ship"].category_id,
            "question": "包邮吗",
            "phrasings": "运费谁出\n免运费吗",
            "answer": "全场包邮",
            "enabled": "on",
        },
    )
    assert r.status_code == 302 and Faq.objects.count() == n + 1
    body = client.get(reverse("sellercenter:faq_list"), {"try": "这个免运费吗"}).content.decode()
    assert "将自动回答" in body and "包邮吗" in body


def test_ticket_flow_through_pages(client, shop, agent):
    services.sla_policy_save(
        shop=shop,
        priority="high",
        first_response_minutes=30,
        next_response_minutes=60,
        resolution_minutes=480,
    )
    client.force_login(agent)
    r = client.post(reverse("sellercenter:ticket_new"), {"title": "", "priority": "high"})
    assert r.status_code == 400 and not Ticket.objects.exists()
    r = client.post(
        reverse("sellercenter:ticket_new"), {"title": "快递丢件", "priority": "high", "assignee": agent.pk}
    )
    assert r.status_code == 302
    t = Ticket.objects.get()
    detail = client.get(reverse("sellercenter:ticket_detail", args=[t.pk])).content.decode()
    assert "首次响应" in detail and "快递丢件" in detail
    assert (
        client.post(
            reverse("sellercenter:ticket_comment", args=[t.pk]), {"body": "", "public": "on"}
        ).status_code
        == 400
    )
    assert (
        client.post(
            reverse("sellercenter:ticket_comment", args=[t.pk]), {"body": "已联系快递", "public": "on"}
        ).status_code
        == 302
    )
    client.post(reverse("sellercenter:ticket_status", args=[t.pk]), {"status": "closed"})
    r = client.post(reverse("sellercenter:ticket_status", args=[t.pk]), {"status": "open"}, follow=True)
    assert "不能改为" in r.content.decode()
    t.refresh_from_db()
    assert t.status == "closed" and t.first_responded_at is not None


def test_sla_form_refuses_bad_input(client, shop):
    client.force_login(shop.owner)
    data = {
        f"{p}__{m}": ""
        for p in ("low", "normal", "high", "urgent")
        for m in ("first_response_minutes", "next_response_minutes", "resolution_minutes")
    }
    r = client.post(
        reverse("sellercenter:sla_policies"),
        data | {"high__first_response_minutes": "600", "high__resolution_minutes": "60"},
    )
    assert r.status_code == 400 and "首次响应时限不能长于解决时限" in r.content.decode()
    assert not SlaPolicy.objects.exists()
    r = client.post(reverse("sellercenter:sla_policies"), data | {"high__first_response_minutes": "-5"})
    assert r.status_code == 400 and not SlaPolicy.objects.exists()
    assert (
        client.post(
            reverse("sellercenter:sla_policies"), data | {"urgent__first_response_minutes": "10"}
        ).status_code
        == 302
    )
    assert selectors.sla_policies(shop)["urgent"].first_response_minutes == 10


def test_shop_isolation_on_pages(client, shop, other_shop, manual, agent):
    ticket = services.ticket_create(shop=shop, actor=agent, title="A店工单", source_kind="manual")
    services.phrase_create(shop=shop, actor=shop.owner, personal=False, code="/a", text="A店全店短语")
    services.sla_policy_save(
        shop=shop, priority="urgent", first_response_minutes=7, next_response_minutes=0, resolution_minutes=0
    )
    client.force_login(other_shop.owner)
    assert "A店工单" not in client.get(reverse("sellercenter:ticket_list")).content.decode()
    assert "A店全店短语" not in client.get(reverse("sellercenter:phrase_list")).content.decode()
    assert manual["ship"].question not in client.get(reverse("sellercenter:faq_list")).content.decode()
    assert 'value="7"' not in client.get(reverse("sellercenter:sla_policies")).content.decode()
    assert client.get(reverse("sellercenter:ticket_detail", args=[ticket.pk])).status_code == 404
    assert (
        client.post(reverse("sellercenter:ticket_status", args=[ticket.pk]), {"status": "solved"}).status_code
        == 404
    )
    assert client.get(reverse("sellercenter:faq_edit", args=[manual["ship"].pk])).status_code == 404
    assert client.post(reverse("sellercenter:faq_remove", args=[manual["ship"].pk])).status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == "open" and Faq.objects.filter(pk=manual["ship"].pk).exists()


def test_shop_page_shows_faq_with_search(client, shop, manual):
    body = client.get(reverse("storefront:shop", args=[shop.slug])).content.decode()
    assert "常见问题" in body and "多久发货" in body and "退换货" in body
    body = client.get(reverse("storefront:shop", args=[shop.slug]), {"faq_q": "能开发票吗"}).content.decode()
    assert "可开电子普通发票" in body


def _xlsx(rows) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    for row in [("分类", "快捷码", "内容"), *rows]:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_phrases_excel_round_trip_and_bad_rows_import_nothing(client, shop, agent):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(agent)
    url = reverse("sellercenter:phrase_import")
    bad = _xlsx(
        [("售后", "/th", "退货地址…"), ("售后", "/退", "坏码"), ("", "/x", ""), ("发货", "/th", "重复")]
    )
    r = client.post(url, {"file": SimpleUploadedFile("p.xlsx", bad)}, follow=True)
    body = r.content.decode()
    assert "第 3 行" in body and "第 4 行" in body and "第 5 行" in body
    assert not QuickPhrase.objects.exists()
    r = client.post(url, {"file": SimpleUploadedFile("p.xlsx", b"not a workbook")}, follow=True)
    assert "xlsx" in r.content.decode() and not QuickPhrase.objects.exists()
    good = _xlsx([("售后", "/th", "您好{买家}，退货地址…"), ("发货", None, "今天发货")])
    r = client.post(url, {"file": SimpleUploadedFile("p.xlsx", good)}, follow=True)
    assert "已导入 2 条" in r.content.decode()
    assert QuickPhrase.objects.filter(owner=agent).count() == 2
    r = client.post(url, {"file": SimpleUploadedFile("p.xlsx", good), "shop_wide": "on"}, follow=True)
    assert not QuickPhrase.objects.filter(owner__isnull=True).exists()  # an agent cannot import shop-wide
    export = client.get(reverse("sellercenter:phrase_export"))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    import io

    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("分类", "快捷码", "内容") and len(rows) == 3
