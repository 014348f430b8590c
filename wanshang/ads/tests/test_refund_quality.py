"""Refunds in the quality score's buyer experience: the product's refunded share of its paid orders (smoothed,
against its category's) lowers it, and the keyword quality report explains it with the counts."""

import pytest

from wanshang.ads.engine.quality import experience_factor, report
from wanshang.ads.engine.types import CtrStats, Experience, ItemText
from wanshang.ads.quality_data import DEFAULT_REFUND_RATE, REFUND_PRIOR_ORDERS, keyword_inputs, refund_inputs
from wanshang.ads.selectors import keyword_quality
from wanshang.ads.services import KeywordInput, keywords_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def sold(buyer, address, place):
    """sold(product, n, refunded) → n paid orders of the product by `buyer`, the first `refunded` refunded in
    full through the seller's approval (money back: the lines' refunded_qty)."""
    from wanshang.aftersales.services import refund_approve, refund_request
    from wanshang.payments.services import sandbox_pay

    def make(shop, product, n, refunded=0):
        sku = product.skus.get()
        for i in range(n):
            payment = place(buyer, address, [(sku.pk, 1)])
            sandbox_pay(buyer=buyer, payment_no=payment.no)
            if i < refunded:
                order = payment.orders.get()
                refund = refund_request(buyer=buyer, order_id=order.pk, reason="不想要了")
                refund_approve(shop=shop, refund_id=refund.pk, actor=shop.owner)

    return make


def test_refund_rate_is_read_smoothed_against_the_category(shop, make_product, sold):
    refunding = make_product(shop, title="雪纺连衣裙", stock=50)
    fine = make_product(shop, title="真丝连衣裙", stock=50)
    unsold = make_product(shop, title="碎花连衣裙")
    sold(shop, refunding, 4, refunded=2)
    sold(shop, fine, 2)
    got = refund_inputs([refunding, fine, unsold])
    cat = DEFAULT_REFUND_RATE  # 6 paid orders: too few for the category's own rate or the marketplace's
    assert (got[refunding.pk].paid_orders, got[refunding.pk].refunded_orders) == (4, 2)
    assert got[refunding.pk].category_rate == cat
    assert got[refunding.pk].rate == pytest.approx(
        (2 + REFUND_PRIOR_ORDERS * cat) / (4 + REFUND_PRIOR_ORDERS)
    )
    assert got[fine.pk].rate == pytest.approx(REFUND_PRIOR_ORDERS * cat / (2 + REFUND_PRIOR_ORDERS))
    assert got[unsold.pk].rate is None  # nobody bought it: no refund part (neutral)


def test_refunds_lower_buyer_experience_and_the_report_says_why(
    shop, make_product, sold, make_plan, make_group, fund
):
    fund(shop, 10_000)
    plan = make_plan(shop)
    refunding = make_product(shop, title="雪纺连衣裙", stock=50)
    fine = make_product(shop, title="真丝连衣裙", stock=50)
    sold(shop, refunding, 4, refunded=2)
    sold(shop, fine, 4)
    keywords = []
    for product in (refunding, fine):
        group = make_group(shop, plan, bid=100, product=product)
        keywords += keywords_add(shop=shop, group_id=group.pk, rows=[KeywordInput(word="连衣裙")])
    inputs = keyword_inputs(keywords)
    bad, good = (experience_factor(inputs[k.pk].experience) for k in keywords)
    assert bad < 1.0 < good
    [bad_report] = keyword_quality(shop=shop, keyword_id=keywords[0].pk)
    experience = next(c for c in bad_report.report.components if c.code == "experience")
    assert "4 笔成交中 2 笔有退款（50.0%）" in experience.text
    assert "同类目平均 5.0%" in experience.text and "退款偏多" in experience.text
    [good_report] = keyword_quality(shop=shop, keyword_id=keywords[1].pk)
    assert "退款少于同类目" in next(c for c in good_report.report.components if c.code == "experience").text


def test_the_engine_explains_the_refund_part():
    ctr, item = CtrStats(0, 0, 0.02), ItemText(title=("连衣裙",))
    high = Experience(refund_rate=0.2, category_refund_rate=0.05, paid_orders=10, refunded_orders=3)
    [*_, exp] = report(keyword=("连衣裙",), ctr=ctr, item=item, experience=high).components
    assert exp.level == "low" and "退款率偏高" in exp.text
    assert "10 笔成交中 3 笔有退款（30.0%）" in exp.text and "同类目平均 5.0%" in exp.text
    same = Experience(refund_rate=0.05, category_refund_rate=0.05)
    [*_, exp] = report(keyword=("连衣裙",), ctr=ctr, item=item, experience=same).components
    assert "退款率 5.0%" in exp.text and "与同类目相当" in exp.text
