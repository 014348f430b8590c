"""Cart and checkout writes. `checkout_submit` is the one way orders are placed, from the web and the API."""

from django.db import IntegrityError, transaction

from wanshang.checkout.models import CartItem
from wanshang.checkout.selectors import checkout_payment_for_key
from wanshang.common.errors import Conflict, ValidationError
from wanshang.common.money import fen_to_yuan_str
from wanshang.pricing.engine import PricingOptions, check_quantity, price_items

MAX_CART_LINES = 120


def cart_add(*, user, sku_id, quantity=1) -> CartItem:
    """Add a SKU to the cart (or add to its quantity). Refuses unknown, off-shelf or sold-out SKUs."""
    quantity = check_quantity(quantity)
    existing = CartItem.objects.filter(user=user, sku_id=sku_id).first() if str(sku_id).isdigit() else None
    total = quantity + (existing.quantity if existing else 0)
    cart = price_items(buyer=user, items=[(sku_id, total)])
    line = cart.lines[0]
    if not line.ok and not line.problem.startswith("批发商品"):
        raise ValidationError(line.problem, field="sku_id")
    if existing is None and CartItem.objects.filter(user=user).count() >= MAX_CART_LINES:
        raise ValidationError(f"购物车最多 {MAX_CART_LINES} 种商品", field="sku_id")
    _track_cart_add(user, line, quantity)
    if existing:
        existing.quantity = total
        existing.selected = True
        existing.save(update_fields=["quantity", "selected"])
        return existing
    try:
        with transaction.atomic():
            return CartItem.objects.create(user=user, sku_id=line.sku_id, quantity=total)
    except IntegrityError:  # a concurrent add of the same SKU
        return cart_set_quantity(user=user, sku_id=line.sku_id, quantity=total)


def _track_cart_add(user, line, quantity) -> None:
    from wanshang.analytics.services import cart_add_record

    product = line.product
    transaction.on_commit(lambda: cart_add_record(
        user_id=user.pk, shop_id=product.shop_id, product_id=product.pk, category_id=product.category_id,
        quantity=quantity))


def cart_set_quantity(*, user, sku_id, quantity) -> CartItem:
    quantity = check_quantity(quantity)
    item = CartItem.objects.filter(user=user, sku_id=sku_id).first()
    if item is None:
        raise ValidationError("购物车里没有这个商品", field="sku_id")
    item.quantity = quantity
    item.save(update_fields=["quantity"])
    return item


def cart_remove(*, user, sku_ids) -> int:
    deleted, _ = CartItem.objects.filter(user=user, sku_id__in=list(sku_ids)).delete()
    return deleted


def cart_select(*, user, sku_ids, selected: bool) -> int:
    return CartItem.objects.filter(user=user, sku_id__in=list(sku_ids)).update(selected=bool(selected))


def checkout_preview(*, user, items: list[tuple[int, int]], address_id=None, options: PricingOptions | None = None):
    """Price what would be ordered: to the chosen (or default) address. Returns (PricedCart, address)."""
    from wanshang.accounts.selectors import address_default, address_get

    address = address_get(user=user, address_id=address_id) if address_id else address_default(user=user)
    cart = price_items(buyer=user, items=items, district_code=address.district_code if address else None,
                       options=options)
    return cart, address


def selected_cart_items(*, user) -> list[tuple[int, int]]:
    return [(i.sku_id, i.quantity) for i in CartItem.objects.filter(user=user, selected=True).order_by("id")]


def checkout_submit(*, user, items: list[tuple[int, int]], address_id, idempotency_key: str,
                    buyer_note: str = "", expected_payable_fen: int | None = None, from_cart: bool = True,
                    options: PricingOptions | None = None, require_item_kind: str | None = None):
    """Place one order per shop under one payment. Returns the Payment.

    The same `idempotency_key` returns the same payment and creates nothing twice. Raises ValidationError
    (bad input, undeliverable, invalid lines), Conflict (price changed since the buyer saw it, stock gone,
    a coupon or flash-sale unit taken meanwhile). `require_item_kind` ("flash_sale", "group_buy"): every
    line must get that promotion's price, or nothing is ordered.
    """
    from wanshang.accounts.selectors import address_get
    from wanshang.common.models import IdempotencyKey
    from wanshang.orders.services import orders_create
    from wanshang.payments.services import payment_create

    key = (idempotency_key or "").strip()
    if not 8 <= len(key) <= 100:
        raise ValidationError("缺少或无效的幂等键（Idempotency-Key，8–100 字符）", field="idempotency_key")
    done = checkout_payment_for_key(user=user, idempotency_key=key)
    if done is not None:  # a replay: answer with what the first submit created, whatever the cart is now
        return done
    if not items:
        raise ValidationError("请选择要结算的商品", field="items")
    if address_id in (None, ""):
        raise ValidationError("请选择收货地址", field="address_id")
    from wanshang.marketing.flash import redis_release
    from wanshang.marketing.lifecycle import promotions_commit

    redis_claims: list = []
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    idem = IdempotencyKey.objects.create(user=user, scope="checkout", key=key)
            except IntegrityError as exc:
                payment = checkout_payment_for_key(user=user, idempotency_key=key)
                if payment is None:
                    raise Conflict("相同的提交正在处理中，请稍候") from exc
                return payment
            address = address_get(user=user, address_id=address_id)
            cart = price_items(buyer=user, items=items, district_code=address.district_code, options=options)
            if cart.problems:
                raise ValidationError("；".join(cart.problems), field="items")
            if require_item_kind and any(line.item_price is None or line.item_price.kind != require_item_kind
                                         for line in cart.valid_lines):
                notes = "；".join(n for line in cart.valid_lines for n in line.notes)
                raise Conflict(notes or "活动价已不可用（活动未开始、已结束或已抢光）")
            if expected_payable_fen is not None and expected_payable_fen != cart.payable_fen:
                raise Conflict(f"价格已变化，应付金额为 ¥{fen_to_yuan_str(cart.payable_fen)}，请确认后重新提交")
            payment = payment_create(buyer=user, amount_fen=cart.payable_fen)
            orders = orders_create(buyer=user, cart=cart, address=address, payment=payment, buyer_note=buyer_note)
            promotions_commit(buyer=user, cart=cart, orders=orders, payment=payment, redis_claims=redis_claims)
            if from_cart:
                CartItem.objects.filter(user=user, sku_id__in=[line.sku_id for line in cart.valid_lines]).delete()
            idem.result = {"payment_id": payment.pk, "payment_no": payment.no}
            idem.save(update_fields=["result"])
    except BaseException:
        redis_release(redis_claims)  # the order was not written: the units go back to the Redis gate
        raise
    return payment
