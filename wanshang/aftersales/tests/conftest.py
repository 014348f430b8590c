"""After-sales test scenes: a paid order of one shop (3 cups at ¥30, 1 coaster at ¥10), shipped or received
through the real services, and a gateway that refuses refunds when asked to."""

import pytest

from wanshang.payments.gateways.base import RefundResult
from wanshang.payments.gateways.sandbox import SandboxGateway


@pytest.fixture
def shop(make_shop):
    return make_shop(name="售后测试店")


@pytest.fixture
def make_order(shop, buyer, make_product, make_address, place):
    from wanshang.payments.services import sandbox_pay

    def make(user=None, items=None, the_shop=None):
        user = user or buyer
        s = the_shop or shop
        if items is None:
            cup = make_product(s, title="陶瓷杯", prices=(3000,), stock=20).skus.get()
            mat = make_product(s, title="杯垫", prices=(1000,), stock=20).skus.get()
            items = [(cup.pk, 3), (mat.pk, 1)]
        payment = place(user, make_address(user), items)
        sandbox_pay(buyer=user, payment_no=payment.no)
        order = payment.orders.get()
        order.shop = s  # the fixture's shop carries .owner and .owner_staff
        return order

    return make


@pytest.fixture
def order(make_order):
    return make_order()


@pytest.fixture
def ship():
    from wanshang.orders.services import order_ship

    def do(order):
        return order_ship(
            shop=order.shop,
            order_id=order.pk,
            carrier="SF",
            tracking_no="SF1234567890",
            actor=order.shop.owner,
        )

    return do


@pytest.fixture
def receive(ship):
    from wanshang.orders.services import order_confirm_receipt

    def do(order):
        ship(order)
        return order_confirm_receipt(buyer=order.buyer, order_id=order.pk)

    return do


@pytest.fixture
def gateway_down(monkeypatch):
    """Sandbox refunds fail until `.up()` is called."""

    class Switch:
        down = True

        def up(self):
            self.down = False

    switch = Switch()
    real = SandboxGateway.refund

    def refund(self, **kw):
        if switch.down:
            return RefundResult(ok=False, message="渠道维护中")
        return real(self, **kw)

    monkeypatch.setattr(SandboxGateway, "refund", refund)
    return switch


@pytest.fixture
def address_book(shop):
    from wanshang.aftersales.services import return_address_save

    return return_address_save(
        shop=shop, contact="王仓管", phone="13800000000", address="浙江省杭州市余杭区仓前街道 1 号"
    )


@pytest.fixture
def reason():
    from wanshang.aftersales.selectors import reason_list

    def get(name):
        return next(r for r in reason_list() if r.name == name)

    return get


@pytest.fixture
def score(monkeypatch):
    """Give the buyer a refund-risk score: a reason of `weight` on top of what the data shows (each reason's own
    data is test_risk.py's business; the flows only need a level)."""
    from wanshang.aftersales import risk

    def give(weight: int):
        real = risk._new_account

        def with_extra(buyer, since, now):
            return [*real(buyer, since, now), risk.Reason("test", f"测试信号（{weight}）", weight)]

        monkeypatch.setattr(risk, "_new_account", with_extra)

    return give


@pytest.fixture
def without_case_locks(monkeypatch):
    """Call it to take the order and order-line row locks away from cases.py: the concurrency tests' strict
    xfail runs, which show their passing runs pass because of the locks, not by luck of timing."""
    from wanshang.aftersales import cases

    def take_away():
        def order_unlocked(order_id, **scope):
            from wanshang.orders.models import Order

            return Order.objects.filter(pk=order_id, **scope).get()

        monkeypatch.setattr(cases, "order_lock", order_unlocked)
        monkeypatch.setattr(cases, "order_lines_lock", lambda order: list(order.lines.order_by("pk")))

    return take_away
