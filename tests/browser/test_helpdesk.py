"""客服 in a real browser: the owner's 工单 list with SLA countdowns, a ticket's detail, 常见问题 with the
matching test box, 快捷短语, 客服设置 and SLA 策略, in Chinese, in English and at phone width; the buyer-facing
常见问题 on the shop page with its search. Screenshots in /tmp/wanshang-shots."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def seed(shop, agent, buyer):
    from wanshang.helpdesk import services as hs

    hs.business_hours_save(shop=shop, week={d: "00:00-24:00" for d in range(7)})
    hs.sla_policy_save(
        shop=shop,
        priority="high",
        first_response_minutes=30,
        next_response_minutes=60,
        resolution_minutes=480,
    )
    hs.sla_policy_save(
        shop=shop,
        priority="urgent",
        first_response_minutes=10,
        next_response_minutes=30,
        resolution_minutes=120,
    )
    ship = hs.faq_category_save(shop=shop, name="发货物流")
    ret = hs.faq_category_save(shop=shop, name="退换货")
    hs.faq_create(
        shop=shop,
        category_id=ship.pk,
        question="下单后多久发货",
        phrasings=["什么时候发货", "发货要几天"],
        answer="现货付款后 48 小时内发货。",
    )
    hs.faq_create(
        shop=shop,
        category_id=ship.pk,
        question="发什么快递",
        phrasings=["可以发顺丰吗"],
        answer="默认中通，顺丰需补差价。",
    )
    hs.faq_create(
        shop=shop,
        category_id=ret.pk,
        question="支持七天无理由退货吗",
        phrasings=["可以退货吗", "不喜欢能退吗"],
        answer="支持七天无理由退换货，在订单页申请售后即可。",
    )
    hs.phrase_create(
        shop=shop,
        actor=shop.owner,
        personal=False,
        category="问候",
        code="/hi",
        text="您好{买家}，很高兴为您服务！",
    )
    hs.phrase_create(
        shop=shop,
        actor=shop.owner,
        personal=False,
        category="发货",
        code="/fh",
        text="您的订单{订单号}已发货，物流单号{物流单号}。",
    )
    now = timezone.now()
    t1 = hs.ticket_create(
        shop=shop,
        actor=agent,
        title="物流显示签收但买家未收到",
        priority="high",
        source_kind="case",
        source_id=12,
        source_no="AS2612060001",
        buyer=buyer,
        assignee_id=agent.pk,
    )
    hs.ticket_comment_add(shop=shop, actor=agent, ticket_id=t1.pk, body="已联系快递核实", public=True)
    hs.ticket_comment_add(
        shop=shop, actor=agent, ticket_id=t1.pk, body="内部：快递员说放在门卫", public=False
    )
    old = hs.ticket_create(
        shop=shop,
        actor=agent,
        title="商品少发一件配件",
        priority="urgent",
        source_kind="conversation",
        source_id=7,
        source_no="C7",
        buyer=buyer,
        now=now - timedelta(hours=5),
    )
    hs.ticket_create(
        shop=shop, actor=shop.owner, title="询问批量采购价格", priority="low", source_kind="manual"
    )
    hs.sla_patrol(now=now)
    return t1, old


def test_helpdesk_pages_in_zh_en_and_phone(new_page, login, shot, make_shop, make_user, make_agent_browser):
    shop = make_shop(name="青禾服饰旗舰店")
    agent = make_agent_browser(shop)
    buyer = make_user(nickname="小明同学")
    t1, old = seed(shop, agent, buyer)

    page = new_page()
    login(page, shop.owner)
    page.goto("/seller/service/tickets/")
    expect(page.get_by_role("link", name="物流显示签收但买家未收到")).to_be_visible()
    expect(page.locator(".hd-missed").first).to_be_visible()  # the old urgent ticket is past its target
    expect(page.locator(".hd-countdown").first).to_contain_text("剩余")
    shot(page, "-tickets-zh")
    page.goto(f"/seller/service/tickets/{t1.pk}/")
    expect(page.locator(".hd-thread li.note")).to_contain_text("门卫")
    shot(page, "-ticket-zh")
    page.get_by_role("button", name="标记已解决").click()
    expect(page.locator(".message-success")).to_be_visible()
    page.goto("/seller/service/faq/?try=衣服不喜欢可以退货吗")
    expect(page.get_by_text("将自动回答")).to_be_visible()
    shot(page, "-faq-zh")
    page.goto("/seller/service/phrases/")
    shot(page, "-phrases-zh")
    page.goto("/seller/service/settings/")
    page.get_by_label("周一").fill("09:00-12:00, 11:00-13:00")
    page.get_by_role("button", name="保存营业时间").click()
    expect(page.get_by_text("同一天的时间段不能重叠")).to_be_visible()
    shot(page, "-settings-zh")
    page.goto("/seller/service/sla/")
    shot(page, "-sla-zh")
    assert not page.js_errors

    en = new_page()
    login(en, shop.owner)
    en.context.add_cookies([{"name": "django_language", "value": "en", "url": en.url}])
    for path, name in [
        ("/seller/service/tickets/", "tickets"),
        (f"/seller/service/tickets/{old.pk}/", "ticket"),
        ("/seller/service/faq/", "faq"),
        ("/seller/service/settings/", "settings"),
    ]:
        en.goto(path)
        shot(en, f"-{name}-en")
    expect(en.locator("h1")).to_contain_text("Customer service settings")

    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    login(phone, shop.owner)
    phone.goto("/seller/service/tickets/")
    shot(phone, "-tickets-phone")
    phone.goto(f"/seller/service/tickets/{old.pk}/")
    shot(phone, "-ticket-phone")


def test_buyer_sees_the_shop_faq_and_searches_it(new_page, shot, make_shop, make_user, make_agent_browser):
    shop = make_shop(name="青禾服饰旗舰店")
    seed(shop, make_agent_browser(shop), make_user())
    page = new_page()
    page.goto(f"/shop/{shop.slug}/")
    faq = page.locator("#faq")
    expect(faq).to_contain_text("发货物流")
    faq.get_by_text("下单后多久发货").click()
    expect(faq.get_by_text("48 小时内发货")).to_be_visible()
    faq.get_by_label("搜索常见问题").fill("不喜欢可以退吗")
    faq.get_by_role("button", name="搜索").click()
    expect(page.locator("#faq details[open]")).to_contain_text("七天无理由")
    faq.scroll_into_view_if_needed()
    shot(page, "-shop-faq")
    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.goto(f"/shop/{shop.slug}/#faq")
    shot(phone, "-shop-faq-phone")


@pytest.fixture
def make_agent_browser(make_user):
    from wanshang.merchants.services import staff_add

    def make(shop):
        user = make_user(nickname="青禾客服小暖")
        staff_add(shop=shop, login=user.phone, role="service")
        return user

    return make
