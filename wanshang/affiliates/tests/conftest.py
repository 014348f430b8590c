import pytest


@pytest.fixture
def make_promoter(make_user, operator):
    """make_promoter(user=None, approve=True) → an applied (and approved) promoter."""
    from wanshang.affiliates.services import promoter_apply, promoter_review

    def make(user=None, approve=True, name="小红书好物君"):
        user = user or make_user()
        promoter = promoter_apply(
            user=user,
            name=name,
            channels="小红书 @haowu；抖音 @haowu",
            audience="25–35 岁女性，8 万粉丝",
            contact="13700001111",
        )
        if approve:
            promoter = promoter_review(operator=operator, promoter_id=promoter.pk, approve=True)
        return promoter

    return make


@pytest.fixture
def promoter(make_promoter):
    return make_promoter()


@pytest.fixture
def aff_product(shop, make_product):
    """A ¥99 product of `shop`, whose shop-wide commission is 10%."""
    from wanshang.affiliates.services import shop_rate_set

    shop_rate_set(shop=shop, rate_bps=1000)
    return make_product(shop, prices=(9900,), stock=50)


@pytest.fixture
def click_for(django_capture_on_commit_callbacks):
    """click_for(promoter, product, buyer=None, visitor="", at=None) → a click through the promoter's link."""
    from wanshang.affiliates.services import click_record, link_create

    def make(promoter, product, buyer=None, visitor="", at=None):
        link = link_create(promoter=promoter, product_id=product.pk)
        return click_record(
            code=link.code,
            visitor=visitor,
            user_id=buyer.pk if buyer else None,
            product_id=product.pk,
            shop_id=product.shop_id,
            now=at,
        )

    return make


@pytest.fixture
def receive(shop):
    """receive(order of `shop`): shipped by the shop, received by the buyer (OrderReceived, OrderCompleted)."""
    from wanshang.orders.services import order_confirm_receipt, order_ship

    def do(order):
        order_ship(
            shop=shop,
            order_id=order.pk,
            carrier="SF",
            tracking_no="SF1234567890",
            actor=shop.owner,
        )
        return order_confirm_receipt(buyer=order.buyer, order_id=order.pk)

    return do
