"""Properties of the promotion engine, checked on many generated carts (hypothesis).

The pure steps (`apply_discount`, bundles, `choose` / `best_discounts`) run on lightweight stand-ins for lines,
promotions and coupons, so hundreds of carts are priced in a few seconds; the refund property goes through the
real checkout, payment and refund services with a small number of examples.
"""

from datetime import timedelta
from itertools import product as cartesian
from types import SimpleNamespace

import pytest
from django.db.models import F
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wanshang.common.errors import ValidationError
from wanshang.marketing.promotions.kinds import spec_for
from wanshang.marketing.steps.context import Context, in_scope
from wanshang.marketing.steps.discounts import (
    Offer,
    best_discounts,
    choose,
    combinable,
    coupon_offer,
    full_reduction_offer,
    simulate,
)
from wanshang.marketing.steps.items import apply_bundles
from wanshang.marketing.tests.reference_choose import reference_choose
from wanshang.marketing.types import LATER_TOKENS, Kind, Scope
from wanshang.pricing.types import (
    Adjustment,
    ItemPrice,
    PricedCart,
    PricedLine,
    PricingOptions,
    ShopGroup,
    apply_discount,
)

pytestmark = pytest.mark.slow  # hundreds of generated carts per property; make test-fast skips it

NOW = timezone.now()
PURE = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


# --- stand-ins for the models the pure steps read ------------------------------------------------------------


def fake_line(*, sku_id, shop_id, product_id, category, list_price, unit_price, quantity, item_price=None):
    product = SimpleNamespace(
        pk=product_id,
        shop_id=shop_id,
        title=f"商品{product_id}",
        category=SimpleNamespace(path=f"/1/{category}/"),
    )
    return PricedLine(
        sku=SimpleNamespace(pk=sku_id),
        product=product,
        quantity=quantity,
        unit_price_fen=unit_price,
        list_price_fen=list_price,
        item_price=item_price,
        available=999,
    )


def fake_promotion(pk, kind, *, shop_id, config, scope=Scope.ALL, scope_ids=(), share_bps=0):
    return SimpleNamespace(
        pk=pk,
        kind=kind,
        shop_id=shop_id,
        config=config,
        scope=scope,
        scope_ids=list(scope_ids),
        platform_share_bps=share_bps,
        name=f"活动{pk}",
    )


def fake_coupon(pk, promotion, *, valid_from=None, days=7):
    return SimpleNamespace(
        pk=pk,
        shop_id=promotion.shop_id,
        promotion=promotion,
        valid_from=valid_from or NOW - timedelta(days=1),
        valid_until=NOW + timedelta(days=days),
    )


# --- strategies -------------------------------------------------------------------------------------------------

fen = st.integers(min_value=1, max_value=60_000)
# small prices next to big coupons make the caps bind (a discount can take all but one fen of its lines), which is
# where the shop offers and the platform coupon compete for the same fen
line_price = st.one_of(st.integers(1, 800), st.integers(1, 60_000))


def combine_with(token_key: str):
    allowed = LATER_TOKENS[token_key]
    return st.one_of(st.none(), st.lists(st.sampled_from(allowed), unique=True, max_size=len(allowed)))


def _with_combine(raw: dict, combine) -> dict:
    if combine is not None:
        raw["combine_with"] = combine
    return raw


@st.composite
def full_reduction_config(draw):
    mode = draw(st.sampled_from(["tiers", "every", "qty"]))
    if mode == "tiers":
        thresholds = sorted(draw(st.lists(st.integers(2, 80_000), min_size=1, max_size=4, unique=True)))
        tiers, prev = [], 0
        for t in thresholds:
            off = draw(st.integers(prev + 1, t - 1))
            tiers.append([t, off])
            prev = off
        raw = {"mode": "tiers", "tiers": tiers}
    elif mode == "every":
        every = draw(st.integers(2, 40_000))
        raw = {
            "mode": "every",
            "every_fen": every,
            "off_fen": draw(st.integers(1, every - 1)),
            "cap_fen": draw(st.one_of(st.just(0), st.integers(1, 30_000))),
        }
    else:
        counts = sorted(draw(st.lists(st.integers(1, 8), min_size=1, max_size=3, unique=True)))
        rates = sorted(
            draw(st.lists(st.integers(1, 9999), min_size=len(counts), max_size=len(counts), unique=True)),
            reverse=True,
        )
        raw = {"mode": "qty", "tiers": [list(p) for p in zip(counts, rates, strict=True)]}
    raw = _with_combine(raw, draw(combine_with("full_reduction")))
    return spec_for(Kind.FULL_REDUCTION).clean_config(raw, platform=False)  # valid by construction


@st.composite
def coupon_config(draw, *, platform: bool):
    if draw(st.booleans()):
        amount = draw(st.integers(1, 20_000))
        threshold = draw(st.one_of(st.just(0), st.integers(amount + 1, amount + 60_000)))
        raw = {"type": "amount", "amount_fen": amount, "threshold_fen": threshold}
    else:
        raw = {
            "type": "percent",
            "discount_bps": draw(st.integers(1, 9999)),
            "threshold_fen": draw(st.one_of(st.just(0), fen)),
            "cap_fen": draw(st.one_of(st.just(0), st.integers(1, 20_000))),
        }
    raw = _with_combine(raw, draw(combine_with("platform_coupon" if platform else "coupon")))
    return spec_for(Kind.COUPON).clean_config(raw, platform=platform)


@st.composite
def scope_of(draw, lines, *, platform: bool):
    kinds = [Scope.ALL, Scope.PRODUCTS, Scope.CATEGORIES] + ([Scope.SHOPS] if platform else [])
    scope = draw(st.sampled_from(kinds))
    if scope == Scope.ALL:
        return scope, []
    pool = {
        Scope.PRODUCTS: [ln.product.pk for ln in lines] + [999_999],
        Scope.CATEGORIES: [int(ln.product.category.path.split("/")[2]) for ln in lines] + [77],
        Scope.SHOPS: [ln.product.shop_id for ln in lines] + [888],
    }[scope]
    return scope, draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))


@st.composite
def carts(draw):
    """Shop groups (1–3 shops, 1–4 lines each), 满减 per shop, held shop and platform coupons, and bundles."""
    ids = iter(range(1, 10_000))
    groups, lines_all, bundles = [], [], []
    for shop_id in range(1, draw(st.integers(1, 3)) + 1):
        lines = []
        for _ in range(draw(st.integers(1, 4))):
            list_price = draw(line_price)
            item_price = None
            unit = list_price
            if list_price > 1 and draw(st.integers(0, 3)) == 0:  # an item-level price (限时折扣 …)
                unit = draw(st.integers(1, list_price - 1))
                item_price = ItemPrice(
                    code="promo:0",
                    label="限时折扣",
                    kind=Kind.TIME_DISCOUNT,
                    promotion_id=0,
                    item_id=0,
                    combine_with=tuple(draw(combine_with("item")) or ()),
                )
            lines.append(
                fake_line(
                    sku_id=next(ids),
                    shop_id=shop_id,
                    product_id=next(ids),
                    category=draw(st.integers(10, 12)),
                    list_price=list_price,
                    unit_price=unit,
                    quantity=draw(st.integers(1, 5)),
                    item_price=item_price,
                )
            )
        plain = [ln for ln in lines if ln.item_price is None]
        if len(plain) >= 2 and draw(st.booleans()):
            chosen = plain[:2]
            whole = sum(ln.list_price_fen for ln in chosen)
            if whole > 1:
                config = _with_combine(
                    {"price_fen": draw(st.integers(1, whole - 1))}, draw(combine_with("bundle"))
                )
                promo = fake_promotion(
                    next(ids),
                    Kind.BUNDLE,
                    shop_id=shop_id,
                    config=spec_for(Kind.BUNDLE).clean_config(config, platform=False),
                )
                bundles.append((promo, [SimpleNamespace(sku_id=ln.sku_id, quantity=1) for ln in chosen]))
        groups.append(ShopGroup(shop=SimpleNamespace(pk=shop_id, name=f"店铺{shop_id}"), lines=lines))
        lines_all += lines
    shop_promotions, coupons = {}, []
    for group in groups:
        sid = group.shop.pk
        for _ in range(draw(st.integers(0, 2))):
            scope, scope_ids = draw(scope_of(group.lines, platform=False))
            shop_promotions.setdefault(sid, []).append(
                fake_promotion(
                    next(ids),
                    Kind.FULL_REDUCTION,
                    shop_id=sid,
                    config=draw(full_reduction_config()),
                    scope=scope,
                    scope_ids=scope_ids,
                )
            )
        for _ in range(draw(st.integers(0, 2))):
            scope, scope_ids = draw(scope_of(group.lines, platform=False))
            promo = fake_promotion(
                next(ids),
                Kind.COUPON,
                shop_id=sid,
                config=draw(coupon_config(platform=False)),
                scope=scope,
                scope_ids=scope_ids,
            )
            not_yet = draw(st.integers(0, 9)) == 0
            coupons.append(
                fake_coupon(
                    next(ids),
                    promo,
                    valid_from=NOW + timedelta(hours=1) if not_yet else None,
                    days=draw(st.integers(1, 30)),
                )
            )
    for _ in range(draw(st.integers(0, 2))):
        scope, scope_ids = draw(scope_of(lines_all, platform=True))
        promo = fake_promotion(
            next(ids),
            Kind.COUPON,
            shop_id=None,
            config=draw(coupon_config(platform=True)),
            scope=scope,
            scope_ids=scope_ids,
            share_bps=draw(st.integers(0, 10000)),
        )
        coupons.append(fake_coupon(next(ids), promo, days=draw(st.integers(1, 30))))
    ctx = Context(now=NOW, shop_promotions=shop_promotions, bundles=bundles, coupons=coupons)
    picked = None
    if (
        coupons and draw(st.integers(0, 3)) == 0
    ):  # the buyer picked coupons instead of letting the engine choose
        picked = [c.pk for c in draw(st.lists(st.sampled_from(coupons), unique_by=lambda c: c.pk))]
    cart = PricedCart(
        buyer=None,
        groups=groups,
        district_code=None,
        options=PricingOptions(coupon_ids=picked),
        context={"marketing": ctx},
    )
    return cart


def price(cart: PricedCart) -> None:
    """The marketing item stage after item prices (bundles), then the shop/platform choice."""
    ctx = cart.context["marketing"]
    for group in cart.groups:
        for adj, _ in apply_bundles(group.valid_lines, ctx):
            group.adjustments.append(adj)
    best_discounts(cart, NOW)


# --- brute force ------------------------------------------------------------------------------------------------


def every_allowed_total(cart: PricedCart) -> int:
    """The most any allowed combination saves, trying every one (offers built here, not by `shop_offers`)."""
    ctx = cart.context["marketing"]
    coupons = ctx.coupons
    if cart.options.coupon_ids is not None:
        coupons = [c for c in coupons if c.pk in set(cart.options.coupon_ids)]
    per_shop = []
    for group in cart.groups:
        lines = group.valid_lines
        frs, cps = [], []
        for promo in ctx.shop_promotions.get(group.shop.pk, []):
            scoped = [ln for ln in lines if ln.allows("full_reduction") and in_scope(promo, ln)]
            off, _, _ = full_reduction_offer(
                promo, sum(ln.payable_fen for ln in scoped), sum(ln.quantity for ln in scoped)
            )
            if off > 0:
                frs.append(Offer(promo, scoped, off, ""))
        for coupon in coupons:
            if coupon.shop_id != group.shop.pk:
                continue
            scoped = [ln for ln in lines if ln.allows("coupon") and in_scope(coupon.promotion, ln)]
            off, _ = coupon_offer(coupon, sum(ln.payable_fen for ln in scoped), NOW)
            if off > 0:
                cps.append(Offer(coupon.promotion, scoped, off, "", coupon=coupon))
        combos = [[]] + [[o] for o in frs + cps]
        combos += [[f, c] for f in frs for c in cps if combinable(f.promotion, c.promotion)]
        per_shop.append(combos)
    all_lines = cart.valid_lines
    platforms = [None]
    for coupon in coupons:
        if coupon.shop_id is None:
            scoped = [
                ln for ln in all_lines if ln.allows("platform_coupon") and in_scope(coupon.promotion, ln)
            ]
            off, _ = coupon_offer(coupon, sum(ln.payable_fen for ln in scoped), NOW)
            if off > 0:
                platforms.append(Offer(coupon.promotion, scoped, off, "", coupon=coupon))
    payable = {id(ln): ln.payable_fen for ln in all_lines}
    best = 0
    for platform in platforms:
        for choice in cartesian(*per_shop):
            offers = [o for combo in choice for o in combo]
            if platform is not None:
                if not all(combinable(o.promotion, platform.promotion) for o in offers):
                    continue
                offers.append(platform)
            best = max(best, simulate(payable, offers)[0])
    return best


def later_stage_fen(cart: PricedCart) -> int:
    return sum(a.amount_fen for g in cart.groups for a in g.adjustments if a.stage == "shop") + sum(
        a.amount_fen for a in cart.adjustments
    )


# --- (a) nothing goes negative, (b) every split sums exactly -----------------------------------------------------


@PURE
@given(carts(), st.integers(0, 200_000))
def test_payable_never_negative_and_every_discount_allocates_exactly(cart, points_fen):
    goods = {id(ln): ln.subtotal_fen for ln in cart.valid_lines}
    price(cart)
    if points_fen:  # the points step's allocation, at any amount the buyer could redeem (or more)
        adj = Adjustment(code="points", label="积分抵扣", amount_fen=points_fen, stage="platform")
        if apply_discount(cart.valid_lines, adj, platform_bps=10000):
            cart.adjustments.append(adj)

    for line in cart.valid_lines:
        assert line.payable_fen >= 0
        assert line.discount_fen <= goods[id(line)]
        assert line.discount_fen == sum(a.amount_fen for a in line.adjustments)
        assert all(a.amount_fen >= 0 and 0 <= a.platform_fen <= a.amount_fen for a in line.adjustments)
    for group in cart.groups:
        assert group.total_fen >= 0
        assert sum(a.amount_fen for a in group.breakdown) == group.discount_fen
        assert sum(a.platform_fen for a in group.breakdown) == group.platform_fen
        for adj in group.adjustments:  # bundles and shop offers: the lines' shares are the applied amount
            assert (
                sum(a.amount_fen for ln in group.valid_lines for a in ln.adjustments if a.code == adj.code)
                == adj.amount_fen
            )
    for adj in cart.adjustments:  # platform coupon and points: spread over every shop
        shares = [a for ln in cart.valid_lines for a in ln.adjustments if a.code == adj.code]
        assert sum(a.amount_fen for a in shares) == adj.amount_fen
    # a payment is never for nothing: one fen stays on what the buyer pays for goods
    assert cart.payable_fen >= 1
    assert cart.payable_fen == sum(goods.values()) - cart.discount_fen


@PURE
@given(
    st.lists(st.tuples(st.integers(0, 50_000), st.integers(1, 5)), min_size=1, max_size=8),
    st.integers(0, 500_000),
    st.integers(0, 10000),
)
def test_apply_discount_splits_exactly_and_keeps_one_fen(rows, amount, platform_bps):
    lines = [
        fake_line(sku_id=i, shop_id=1, product_id=i, category=10, list_price=p, unit_price=p, quantity=q)
        for i, (p, q) in enumerate(rows)
    ]
    before = sum(ln.payable_fen for ln in lines)
    applied = apply_discount(lines, Adjustment("x", "x", amount, "shop"), platform_bps=platform_bps)
    assert applied == max(0, min(amount, before - 1))
    assert sum(ln.discount_fen for ln in lines) == applied
    assert sum(ln.platform_fen for ln in lines) == applied * platform_bps // 10000
    assert all(ln.payable_fen >= 0 for ln in lines)
    if before:
        assert sum(ln.payable_fen for ln in lines) >= 1


# --- (c) the engine's choice is the best allowed combination --------------------------------------------------


@PURE
@given(carts())
def test_chosen_combination_is_never_worse_than_any_allowed_combination(cart):
    ctx = cart.context["marketing"]
    for group in cart.groups:
        for adj, _ in apply_bundles(group.valid_lines, ctx):
            group.adjustments.append(adj)
    best = every_allowed_total(cart)
    best_discounts(cart, NOW)
    got = later_stage_fen(cart)
    assert got == best, f"engine saved {got} fen, an allowed combination saves {best} fen"
    # what it chose is allowed: one 满减 and one shop coupon at most per shop, one platform coupon, all combinable
    chosen = [v.coupon for v in cart.coupons if v.chosen]
    assert len([c for c in chosen if c.shop_id is None]) <= 1
    for group in cart.groups:
        codes = [a.code for a in group.adjustments if a.stage == "shop"]
        assert len([c for c in codes if c.startswith("coupon:")]) <= 1
        assert len([c for c in codes if c.startswith("promo:")]) <= 1
    if cart.options.coupon_ids is not None:
        assert {c.pk for c in chosen} <= set(cart.options.coupon_ids)


def _choice(result) -> tuple:
    per_group, platform, views = result
    offers = [[(o.code, o.amount, o.label, [id(ln) for ln in o.lines]) for o in group] for group in per_group]
    return (
        offers,
        platform.code if platform is not None else None,
        [(v.coupon.pk, v.label, v.usable, v.reason) for v in views],
    )


@PURE
@given(carts())
def test_fast_choose_gives_exactly_what_the_reference_search_gives(cart):
    """The optimised search (issue 13) picks the same offers, platform coupon and views, ties included."""
    ctx = cart.context["marketing"]
    for group in cart.groups:
        for adj, _ in apply_bundles(group.valid_lines, ctx):
            group.adjustments.append(adj)
    groups = [g for g in cart.groups if g.valid_lines]
    coupons = ctx.coupons
    if cart.options.coupon_ids is not None:
        coupons = [c for c in coupons if c.pk in set(cart.options.coupon_ids)]
    fast = _choice(choose(groups, ctx, coupons, NOW))
    hints = [list(g.hints) for g in groups]
    for group in groups:
        group.hints.clear()
    assert fast == _choice(reference_choose(groups, ctx, coupons, NOW))
    assert hints == [g.hints for g in groups]  # the same "再买…" hints, in the same order


def test_clean_config_rejects_what_the_strategies_never_generate():
    """The strategies build configs through the kinds' validation; a sample of invalid ones is refused."""
    fr = spec_for(Kind.FULL_REDUCTION)
    with pytest.raises(ValidationError):
        fr.clean_config({"mode": "tiers", "tiers": [[1000, 1000]]}, platform=False)
    with pytest.raises(ValidationError):
        spec_for(Kind.COUPON).clean_config(
            {"type": "amount", "amount_fen": 500, "threshold_fen": 500}, platform=False
        )


def test_engine_gives_up_a_bigger_shop_discount_when_the_platform_coupon_then_saves_more():
    """The joint choice, not the best per shop: 满减 saves 99 but leaves the platform coupon only 33; the shop coupon
    saves 40 and leaves it 99 (139 > 132). A per-shop greedy choice would take the 满减."""
    a = fake_line(sku_id=1, shop_id=1, product_id=11, category=10, list_price=100, unit_price=100, quantity=1)
    b = fake_line(sku_id=2, shop_id=1, product_id=12, category=10, list_price=50, unit_price=50, quantity=1)
    fr = fake_promotion(
        21,
        Kind.FULL_REDUCTION,
        shop_id=1,
        config=spec_for(Kind.FULL_REDUCTION).clean_config(
            {"mode": "tiers", "tiers": [[150, 99]], "combine_with": ["platform_coupon", "points"]},
            platform=False,
        ),
    )
    shop_coupon = fake_coupon(
        31,
        fake_promotion(
            22,
            Kind.COUPON,
            shop_id=1,
            scope=Scope.PRODUCTS,
            scope_ids=[12],
            config=spec_for(Kind.COUPON).clean_config({"type": "amount", "amount_fen": 40}, platform=False),
        ),
    )
    platform_coupon = fake_coupon(
        32,
        fake_promotion(
            23,
            Kind.COUPON,
            shop_id=None,
            scope=Scope.PRODUCTS,
            scope_ids=[11],
            config=spec_for(Kind.COUPON).clean_config({"type": "amount", "amount_fen": 99}, platform=True),
        ),
    )
    ctx = Context(now=NOW, shop_promotions={1: [fr]}, coupons=[shop_coupon, platform_coupon])
    cart = PricedCart(
        buyer=None,
        groups=[ShopGroup(shop=SimpleNamespace(pk=1, name="店铺"), lines=[a, b])],
        district_code=None,
        context={"marketing": ctx},
    )
    assert every_allowed_total(cart) == 139
    price(cart)
    assert later_stage_fen(cart) == 139
    assert {v.coupon.pk for v in cart.coupons if v.chosen} == {31, 32}


# --- (d) refunds never return more than was paid ------------------------------------------------------------------

PLANS = ("cancel_unpaid", "keep", "buyer_full", "system_full", "partial_only", "partial_then_rest")


@st.composite
def refund_scenarios(draw):
    def maybe_coupon(platform):
        if not draw(st.booleans()):
            return None
        return draw(coupon_config(platform=platform))

    lines = draw(
        st.lists(
            st.tuples(
                st.integers(0, 1), st.one_of(st.integers(1, 300), st.integers(1, 30_000)), st.integers(1, 3)
            ),
            min_size=1,
            max_size=4,
        )
    )
    fr = None
    if draw(st.booleans()):
        fr = draw(full_reduction_config())
    return {
        "lines": lines,
        "full_reduction": fr,
        "shop_coupons": [maybe_coupon(False), maybe_coupon(False)],
        "platform_coupon": maybe_coupon(True),
        "platform_share_bps": draw(st.integers(0, 10000)),
        "points": draw(st.sampled_from([0, 150, 5000])),
        "use_points": draw(st.booleans()),
        "plans": [draw(st.sampled_from(PLANS)), draw(st.sampled_from(PLANS))],
    }


@pytest.fixture
def two_shops(make_shop):
    return [make_shop(), make_shop()]


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=refund_scenarios())
def test_refunds_never_return_more_than_was_paid_and_give_back_by_the_rules(
    scenario, two_shops, operator, make_user, make_address, make_product, promo
):
    from django.db import transaction

    with transaction.atomic():  # each example starts from the same two shops
        _refund_scenario(scenario, two_shops, operator, make_user, make_address, make_product, promo)
        transaction.set_rollback(True)


def _refund_scenario(scenario, shops, operator, make_user, make_address, make_product, promo):
    import uuid

    from wanshang.aftersales.models import Refund
    from wanshang.aftersales.services import refund_approve, refund_by_system, refund_request
    from wanshang.checkout.services import checkout_submit
    from wanshang.inventory.models import Stock
    from wanshang.marketing.models import Coupon, PointsAccount
    from wanshang.marketing.selectors import points_returned
    from wanshang.marketing.services import coupon_claim, points_change
    from wanshang.orders.models import OrderStatus
    from wanshang.orders.services import order_cancel
    from wanshang.payments.models import Payment
    from wanshang.payments.services import sandbox_pay

    buyer = make_user()
    address = make_address(buyer)
    items = []
    for shop_index, price_fen, quantity in scenario["lines"]:
        sku = make_product(shops[shop_index], prices=(price_fen,), stock=10).skus.get()
        items.append((sku.pk, quantity))
    if scenario["full_reduction"]:
        promo(shops[0], "full_reduction", config=scenario["full_reduction"])
    for shop, config in zip(shops, scenario["shop_coupons"], strict=True):
        if config:
            coupon_claim(buyer=buyer, promotion_id=promo(shop, "coupon", config=config, total_quantity=5).pk)
    if scenario["platform_coupon"]:
        pc = promo(
            None,
            "coupon",
            actor=operator,
            config=scenario["platform_coupon"],
            total_quantity=5,
            platform_share_bps=scenario["platform_share_bps"],
        )
        coupon_claim(buyer=buyer, promotion_id=pc.pk)
    if scenario["points"]:
        points_change(user=buyer, delta=scenario["points"], reason="grant")

    payment = checkout_submit(
        user=buyer,
        items=items,
        address_id=address.pk,
        idempotency_key=uuid.uuid4().hex,
        from_cart=False,
        options=PricingOptions(use_points=scenario["use_points"]),
    )
    orders = list(payment.orders.order_by("pk"))
    assert payment.amount_fen == sum(o.total_fen for o in orders) >= 1
    spent = sum(o.points_used for o in orders)
    if scenario["points"]:
        assert PointsAccount.objects.get(user=buyer).balance == scenario["points"] - spent
    shop_by_pk = {s.pk: s for s in shops}
    plans = {o.pk: scenario["plans"][i % 2] for i, o in enumerate(orders)}
    if any(p == "cancel_unpaid" for p in plans.values()):
        for order in orders:  # one payment: cancelling before paying cancels every order of it
            order_cancel(order_id=order.pk, buyer=buyer, actor=buyer, actor_kind="buyer", reason="不想要了")
    else:
        sandbox_pay(buyer=buyer, payment_no=payment.no)
        for order in orders:
            shop, plan = shop_by_pk[order.shop_id], plans[order.pk]
            first = order.lines.order_by("pk").first()
            if plan in ("partial_only", "partial_then_rest"):
                refund = refund_request(
                    buyer=buyer, order_id=order.pk, reason="多买了", lines=[(first.pk, 1)]
                )
                refund_approve(shop=shop, refund_id=refund.pk, actor=shop.owner)
            if plan == "partial_then_rest" and order.lines.filter(refunded_qty__lt=F("quantity")).exists():
                refund = refund_request(buyer=buyer, order_id=order.pk, reason="都不要了")
                refund_approve(shop=shop, refund_id=refund.pk, actor=shop.owner)
            if plan == "buyer_full":
                refund = refund_request(buyer=buyer, order_id=order.pk, reason="不想要了")
                refund_approve(shop=shop, refund_id=refund.pk, actor=shop.owner)
            if plan == "system_full":
                refund_by_system(order_id=order.pk, reason="系统退款")

    payment.refresh_from_db()
    ended = {OrderStatus.CANCELLED, OrderStatus.REFUNDED}
    refunded_total = 0
    for order in orders:
        order.refresh_from_db()
        refunds = list(Refund.objects.filter(order=order))
        assert all(r.status == Refund.Status.REFUNDED for r in refunds), [
            (r.amount_fen, r.last_error) for r in refunds
        ]
        paid_back = sum(r.amount_fen for r in refunds)
        assert all(0 <= r.amount_fen <= order.total_fen for r in refunds)
        assert paid_back <= order.total_fen
        if order.status == OrderStatus.REFUNDED:
            assert paid_back == order.total_fen
        for line in order.lines.all():
            assert 0 <= line.refunded_fen <= line.payable_fen
        refunded_total += paid_back
        # points: everything back once the order ended, a share at most while it is partly refunded
        returned = points_returned(order=order)
        assert 0 <= returned <= order.points_used
        if order.status in ended:
            assert returned == order.points_used
        # shop coupons come back with their own order
        for coupon in Coupon.objects.filter(buyer=buyer, shop_id=order.shop_id):
            assert (coupon.status == Coupon.Status.UNUSED) == (
                order.status in ended or coupon.payment_id is None
            )
    assert payment.refunded_fen == refunded_total <= payment.amount_fen
    everything_ended = all(o.status in ended for o in orders)
    for coupon in Coupon.objects.filter(buyer=buyer, shop__isnull=True):
        assert (coupon.status == Coupon.Status.UNUSED) == (everything_ended or coupon.payment_id is None)
    if scenario["points"]:
        back = sum(points_returned(order=o) for o in orders)
        assert PointsAccount.objects.get(user=buyer).balance == scenario["points"] - spent + back
    # stock: what is still sold (paid and not refunded) is gone; the rest is back on sale
    for sku_id, quantity in items:
        kept = sum(
            ln.quantity - ln.refunded_qty
            for o in orders
            if o.status != OrderStatus.CANCELLED
            for ln in o.lines.filter(sku_id=sku_id)
        )
        stock = Stock.objects.get(sku_id=sku_id)
        assert stock.on_hand - stock.reserved == 10 - kept
    assert Payment.objects.get(pk=payment.pk).amount_fen == payment.amount_fen


@pytest.mark.django_db
def test_a_refund_of_units_that_cost_nothing_completes_without_the_gateway(
    buyer, address, shop, make_product, promo, place
):
    """Found by the property above: 3 units at ¥0.01 with a 0.01折 coupon pay 1 fen together, so the first unit's
    share is 0 fen. Gateways refuse 0-fen refunds; the refund used to stay 'processing' for ever."""
    from wanshang.aftersales.models import Refund
    from wanshang.aftersales.services import refund_approve, refund_request
    from wanshang.inventory.models import Stock
    from wanshang.marketing.services import coupon_claim
    from wanshang.payments.services import sandbox_pay

    sku = make_product(shop, prices=(1,), stock=10).skus.get()
    c = promo(shop, "coupon", config={"type": "percent", "discount_bps": 1}, total_quantity=5)
    coupon_claim(buyer=buyer, promotion_id=c.pk)
    payment = place(buyer, address, [(sku.pk, 3)])
    order = payment.orders.get()
    line = order.lines.get()
    assert line.payable_fen == 1
    sandbox_pay(buyer=buyer, payment_no=payment.no)
    refund = refund_request(buyer=buyer, order_id=order.pk, reason="多买了", lines=[(line.pk, 1)])
    assert refund.amount_fen == 0
    refund = refund_approve(shop=shop, refund_id=refund.pk, actor=shop.owner)
    assert refund.status == Refund.Status.REFUNDED
    assert Stock.objects.get(sku=sku).on_hand == 10 - 3 + 1
    rest = refund_request(buyer=buyer, order_id=order.pk, reason="都不要了")  # not blocked by a stuck refund
    assert refund_approve(shop=shop, refund_id=rest.pk, actor=shop.owner).amount_fen == order.total_fen
