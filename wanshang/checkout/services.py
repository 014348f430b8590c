"""Cart and checkout writes. `checkout_submit` is the one way orders are placed, from the web and the API."""

from dataclasses import replace

from django.db import IntegrityError, transaction

from wanshang.accounts.selectors import address_default, address_get
from wanshang.analytics.services import cart_add_record
from wanshang.catalog.selectors import return_policies
from wanshang.checkout.models import CartItem
from wanshang.checkout.selectors import checkout_payment_for_key
from wanshang.common.errors import Conflict, OutOfStock, ValidationError
from wanshang.common.models import IdempotencyKey
from wanshang.common.money import fen_to_yuan_str
from wanshang.marketing.selectors import flash_hold_warehouses
from wanshang.marketing.services import (
    SOLD_OUT,
    flash_buy_check,
    group_buy_check,
    promotions_commit,
    redis_release,
)
from wanshang.marketing.types import Kind
from wanshang.orders.services import orders_create
from wanshang.payments.services import payment_create
from wanshang.pricing.selectors import check_quantity, price_items
from wanshang.pricing.types import PricingOptions
from wanshang.stores.selectors import checkout_pickup_stores
from wanshang.stores.services import pickups_create

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
    if not line.ok and total > line.available:  # below the wholesale minimum, pricing skipped the stock check
        raise ValidationError(
            "已售罄" if line.available <= 0 else f"库存不足，仅剩 {line.available} 件", field="sku_id"
        )
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
    product = line.product
    transaction.on_commit(
        lambda: cart_add_record(
            user_id=user.pk,
            shop_id=product.shop_id,
            product_id=product.pk,
            category_id=product.category_id,
            quantity=quantity,
        )
    )


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


def with_pickup(options: PricingOptions | None, pickup: dict | None):
    """到店自提: the buyer's {shop_id: store_id} checked (ValidationError, field `pickup`) and put into the
    pricing options as each store's warehouse. Returns (options, {shop_id: Store})."""
    stores = checkout_pickup_stores(pickup=pickup or {})
    options = options or PricingOptions()
    if stores:
        options = replace(options, pickup_warehouses={sid: s.warehouse_id for sid, s in stores.items()})
    return options, stores


def _check_pickup(cart, stores: dict) -> None:
    shops = {g.shop.pk for g in cart.groups}
    if set(stores) - shops:
        raise ValidationError("自提门店所属店铺不在本次结算中", field="pickup")
    if any(
        line.item_price is not None and line.item_price.kind == Kind.FLASH_SALE
        for g in cart.groups
        if g.shop.pk in stores
        for line in g.valid_lines
    ):
        raise ValidationError("秒杀商品不支持到店自提，请选择快递配送", field="pickup")


def checkout_preview(
    *,
    user,
    items: list[tuple[int, int]],
    address_id=None,
    options: PricingOptions | None = None,
    pickup: dict | None = None,
):
    """Price what would be ordered: to the chosen (or default) address, or collected at the chosen stores
    (`pickup` {shop_id: store_id}: no freight, that store's stock). Returns (PricedCart, address)."""
    address = address_get(user=user, address_id=address_id) if address_id else address_default(user=user)
    options, _stores = with_pickup(options, pickup)
    cart = price_items(
        buyer=user, items=items, district_code=address.district_code if address else None, options=options
    )
    return cart, address


def selected_cart_items(*, user) -> list[tuple[int, int]]:
    return [(i.sku_id, i.quantity) for i in CartItem.objects.filter(user=user, selected=True).order_by("id")]


def _check_priced(cart, require_item_kind: str | None) -> None:
    """Refuse a cart that cannot be ordered as priced. Stock gone (another buyer took the last units before
    this submit priced them) is OutOfStock, as when the reservation under the lock finds it: the buyer gets
    the same 409 and message whichever step lost the race."""
    short = [line for line in cart.lines if line.stock_short]
    if short:
        raise OutOfStock(
            "；".join(OutOfStock.of(line.product.title, line.available).message for line in short),
            field="items",
        )
    if cart.problems:
        raise ValidationError("；".join(cart.problems), field="items")
    missed = [
        line
        for line in cart.valid_lines
        if require_item_kind and (line.item_price is None or line.item_price.kind != require_item_kind)
    ]
    if any(line.promo_sold_out for line in missed):
        raise OutOfStock(SOLD_OUT, field="items")
    if missed:
        notes = "；".join(n for line in cart.valid_lines for n in line.notes)
        raise Conflict(notes or "活动价已不可用（活动未开始、已结束或已抢光）")


def unconfirmed_no_return(cart) -> list:
    """The products of the cart a merchant sells without 7天无理由 (暂行办法 §7): the buyer must confirm them
    explicitly before the order is placed. Products the law excludes (category) need no confirmation."""
    products = {line.product.pk: line.product for line in cart.valid_lines}
    policies = return_policies(products=products.values())
    return [(products[pk], policy) for pk, policy in policies.items() if policy.needs_confirm]


def _check_return_confirmation(cart, confirmed: bool) -> None:
    if confirmed:
        return
    listed = unconfirmed_no_return(cart)
    if listed:
        names = "；".join(f"“{product.title}”（{policy.text}）" for product, policy in listed)
        raise ValidationError(
            f"以下商品不支持7天无理由退货：{names}。请确认知晓后再提交订单",
            code="no_return_confirmation_required",
            field="confirm_no_return",
        )


def checkout_submit(
    *,
    user,
    items: list[tuple[int, int]],
    address_id,
    idempotency_key: str,
    buyer_note: str = "",
    expected_payable_fen: int | None = None,
    from_cart: bool = True,
    options: PricingOptions | None = None,
    require_item_kind: str | None = None,
    confirm_no_return: bool = False,
    pickup: dict | None = None,
):
    """Place one order per shop under one payment. Returns the Payment.

    `pickup` {shop_id: store_id}: 到店自提 for those shops' goods — no freight, stock from the store's
    warehouse, a pickup code when paid (stores app). The address stays the buyer's contact.

    The same `idempotency_key` returns the same payment and creates nothing twice. Raises ValidationError
    (bad input, undeliverable, invalid lines), OutOfStock (stock or a flash sale's units gone, found while
    pricing or while reserving), Conflict (price changed since the buyer saw it, a coupon taken meanwhile). `require_item_kind` ("flash_sale", "group_buy"): every
    line must get that promotion's price, or nothing is ordered. `confirm_no_return`: the buyer confirmed the
    goods the merchant sells without 7天无理由; without it such a cart is refused (ValidationError).
    """
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
    options, stores = with_pickup(options, pickup)
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
            _check_priced(cart, require_item_kind)
            _check_pickup(cart, stores)
            _check_return_confirmation(cart, confirm_no_return)
            if expected_payable_fen is not None and expected_payable_fen != cart.payable_fen:
                raise Conflict(
                    f"价格已变化，应付金额为 ¥{fen_to_yuan_str(cart.payable_fen)}，请确认后重新提交"
                )
            payment = payment_create(buyer=user, amount_fen=cart.payable_fen)
            flash_items = [
                line.item_price.item_id
                for line in cart.valid_lines
                if line.item_price is not None and line.item_price.kind == Kind.FLASH_SALE
            ]
            orders = orders_create(
                buyer=user,
                cart=cart,
                address=address,
                payment=payment,
                buyer_note=buyer_note,
                flash_holds=flash_hold_warehouses(item_ids=flash_items) if flash_items else {},
                pickup_warehouses=options.pickup_warehouses,
            )
            pickups_create(orders=orders, stores=stores)
            promotions_commit(
                buyer=user, cart=cart, orders=orders, payment=payment, redis_claims=redis_claims
            )
            if from_cart:
                CartItem.objects.filter(
                    user=user, sku_id__in=[line.sku_id for line in cart.valid_lines]
                ).delete()
            idem.result = {"payment_id": payment.pk, "payment_no": payment.no}
            idem.save(update_fields=["result"])
    except BaseException:
        redis_release(redis_claims)  # the order was not written: the units go back to the Redis gate
        raise
    return payment


def flash_buy(
    *,
    buyer,
    item_id,
    quantity: int = 1,
    address_id,
    idempotency_key: str,
    buyer_note: str = "",
    now=None,
    confirm_no_return: bool = False,
):
    """立即抢购: order one flash-sale SKU at the flash price or not at all. Returns the Payment.

    Raises OutOfStock (sold out, whichever step finds it), Conflict (not started, ended, over the per-buyer
    limit), ValidationError, NotFound.
    """
    quantity = check_quantity(quantity)
    item = flash_buy_check(item_id=item_id, quantity=quantity, now=now)
    return checkout_submit(
        user=buyer,
        items=[(item.sku_id, quantity)],
        address_id=address_id,
        idempotency_key=idempotency_key,
        buyer_note=buyer_note,
        from_cart=False,
        require_item_kind=Kind.FLASH_SALE,
        confirm_no_return=confirm_no_return,
    )


def group_buy(
    *,
    buyer,
    item_id,
    address_id,
    idempotency_key: str,
    team_id=None,
    quantity: int = 1,
    buyer_note: str = "",
    now=None,
    confirm_no_return: bool = False,
):
    """Open a new group (team_id None) or join one at the group price. Returns the Payment.

    The group completes when `size` members have paid; if time runs out first every member is refunded.
    """
    quantity = check_quantity(quantity)
    item, team_id = group_buy_check(item_id=item_id, quantity=quantity, team_id=team_id, now=now)
    return checkout_submit(
        user=buyer,
        items=[(item.sku_id, quantity)],
        address_id=address_id,
        idempotency_key=idempotency_key,
        buyer_note=buyer_note,
        from_cart=False,
        options=PricingOptions(group_buy={item.sku_id: team_id}),
        require_item_kind=Kind.GROUP_BUY,
        confirm_no_return=confirm_no_return,
    )
