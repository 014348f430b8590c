from datetime import datetime

import pytest

from wanshang.helpdesk.hours import SHOP_TZ


def local(*args) -> datetime:
    """An aware datetime in the shop's timezone (Asia/Shanghai)."""
    return datetime(*args, tzinfo=SHOP_TZ)


@pytest.fixture
def agent(shop, make_user):
    """A 客服 (StaffRole.SERVICE) of `shop`."""
    from wanshang.merchants.services import staff_add

    user = make_user()
    staff_add(shop=shop, login=user.phone or user.email, role="service")
    return user


@pytest.fixture
def make_agent(make_user):
    from wanshang.merchants.services import staff_add

    def make(shop, role="service"):
        user = make_user()
        staff_add(shop=shop, login=user.phone or user.email, role=role)
        return user

    return make


@pytest.fixture
def hours(shop):
    """`shop` open Mon–Fri 09:00–12:00 and 13:30–18:00, Saturday 10:00–16:00, Sunday closed."""
    from wanshang.helpdesk.services import business_hours_save

    week = {d: "09:00-12:00, 13:30-18:00" for d in range(5)}
    week[5] = "10:00-16:00"
    week[6] = ""
    business_hours_save(shop=shop, week=week)
    return shop


@pytest.fixture
def manual(shop):
    """A small CS answer manual in `shop`."""
    from wanshang.helpdesk.services import faq_category_save, faq_create

    ship = faq_category_save(shop=shop, name="发货物流")
    ret = faq_category_save(shop=shop, name="退换货")
    return {
        "ship": faq_create(
            shop=shop,
            category_id=ship.pk,
            question="多久发货",
            phrasings=["什么时候发货", "下单后几天能发出", "发货时间是多久"],
            answer="付款后 48 小时内发货。",
        ),
        "express": faq_create(
            shop=shop,
            category_id=ship.pk,
            question="发什么快递",
            phrasings=["默认快递是哪家", "可以发顺丰吗"],
            answer="默认中通，顺丰需补差价。",
        ),
        "return": faq_create(
            shop=shop,
            category_id=ret.pk,
            question="支持七天无理由退货吗",
            phrasings=["可以退货吗", "不喜欢能退吗", "怎么申请退换货"],
            answer="支持七天无理由退货，在订单页申请售后即可。",
        ),
        "invoice": faq_create(
            shop=shop,
            category_id=ret.pk,
            question="能开发票吗",
            phrasings=["怎么开发票", "有没有增值税专用发票"],
            answer="可开电子普通发票，下单时填写抬头。",
        ),
    }
