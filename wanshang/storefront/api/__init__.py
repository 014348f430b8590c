"""Storefront JSON API (/api/store): catalog (public), cart, checkout, orders, payments, addresses, tokens.

Handlers are thin: parse with the schemas, call services/selectors and return what they give; the response
schemas read it (attributes, aliases, resolvers: see schemas.py). Lists page with the shared `Paged`
(common/api_paging.py). Domain errors become `{detail, code, field}` with their status (wanshang/api.py); schema
errors are 422.
"""

from functools import partial

from django.contrib.auth import authenticate
from django.http import HttpResponse
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.throttling import AnonRateThrottle

from wanshang.accounts.selectors import address_list, login_locked
from wanshang.accounts.services import address_create as create
from wanshang.accounts.services import address_delete as delete
from wanshang.accounts.services import api_token_create
from wanshang.affiliates.services import click_land
from wanshang.aftersales.selectors import order_for_refund
from wanshang.aftersales.services import refund_request, refund_withdraw
from wanshang.analytics.services import request_visitor, track_view
from wanshang.catalog.selectors import (
    category_get,
    category_tree,
    product_get_public,
    product_search,
    return_policies,
    return_policy,
    ship_promise_hours,
)
from wanshang.checkout.selectors import cart_items, cart_priced
from wanshang.checkout.services import (
    cart_add,
    cart_remove,
    cart_select,
    cart_set_quantity,
    checkout_submit,
    selected_cart_items,
)
from wanshang.checkout.services import checkout_preview as preview
from wanshang.common.api_paging import Paged, Rows
from wanshang.common.errors import NotFound, ValidationError
from wanshang.fulfillment.selectors import region_children
from wanshang.health.selectors import credit_of
from wanshang.inventory.selectors import available_by_sku
from wanshang.merchants.selectors import shop_get_public
from wanshang.orders.selectors import (
    buyer_order_get,
    buyer_order_list,
    buyer_orders_by_tab,
    late_shipment_of,
    order_return_windows,
)
from wanshang.orders.services import order_cancel as cancel
from wanshang.orders.services import order_confirm_receipt as confirm
from wanshang.payments.services import sandbox_pay
from wanshang.pricing.types import PricingOptions
from wanshang.storefront.api.aftersales import router as aftersales_router
from wanshang.storefront.api.favourites import router as favourites_router
from wanshang.storefront.api.helpdesk import router as helpdesk_router
from wanshang.storefront.api.promoter import router as promoter_router
from wanshang.storefront.api.promotions import OPTIONAL_AUTH, cashier
from wanshang.storefront.api.promotions import router as promotions_router
from wanshang.storefront.api.recommendations import router as recommendations_router
from wanshang.storefront.api.reviews import router as reviews_router
from wanshang.storefront.api.schemas import (
    AUTHED_ERRORS,
    CSRF_ERRORS,
    ERRORS,
    PUBLIC_ERRORS,
    AddressIn,
    AddressOut,
    CancelIn,
    CartItemIn,
    CartItemPatch,
    CartOut,
    CategoryOut,
    Error,
    OrderCreateIn,
    OrderDetailOut,
    PaymentOut,
    ProductCard,
    RefundIn,
    RegionOut,
    SandboxPayOut,
    StoreOrderOut,
    StorePreviewOut,
    StoreProductOut,
    StoreRefundOut,
    StoreShopOut,
    TokenIn,
    TokenOut,
)
from wanshang.storefront.api.search import router as search_router
from wanshang.storefront.api.service import router as service_router
from wanshang.storefront.api.shipping import router as shipping_router
from wanshang.storefront.api.shoppages import router as shoppages_router
from wanshang.storefront.forms import parse_pickup
from wanshang.storefront.promo_display import parse_ids, with_card_prices
from wanshang.stores.selectors import pickup_of_order, pickup_stores, qr_svg

router = Router()
router.add_router("", promotions_router)  # coupons, points, flash sales, group buys
router.add_router("", favourites_router)  # 我的收藏, deleting my behaviour data
router.add_router("", search_router)  # search, suggestions, hot words, result clicks
router.add_router("", recommendations_router)  # 看了又看, 买了又买, 猜你喜欢
router.add_router("", service_router)  # 联系客服: conversations, messages after a cursor, rating
router.add_router("", reviews_router)  # 评价: ratings, reviews, DSR, the buyer's review and 追评
router.add_router("", aftersales_router)  # 售后: cases, reasons, returns, evidence
router.add_router("", shipping_router)  # 物流跟踪: my order's packages and their timelines
router.add_router("", helpdesk_router)  # a shop's 常见问题
router.add_router("", shoppages_router)  # 店铺活动页: a shop's published campaign page
router.add_router("", promoter_router)  # 达人中心: apply, products and rates, links, commissions, withdrawals

SORTS = {"default", "sales", "new", "price_asc", "price_desc"}


# --- catalog (public) ---------------------------------------------------------------------------------------


@router.get("/categories", auth=None, response=list[CategoryOut], summary="类目树")
def categories(request):
    return category_tree()


@router.get(
    "/products",
    auth=OPTIONAL_AUTH,
    response={200: list[ProductCard], **PUBLIC_ERRORS},
    summary="商品搜索/列表",
)
@paginate(Paged, page_size=20, max_page_size=100, pass_parameter="paging")
def products(
    request,
    q: str = "",
    category: str = "",
    shop: str = "",
    sort: str = "default",
    min_price_fen: int | None = Query(None, ge=0),
    max_price_fen: int | None = Query(None, ge=0),
    **kwargs,
):
    """`category`: id or slug; `shop`: shop slug; `sort`: default / sales / new / price_asc / price_desc.
    Each card carries this buyer's price now (§20), read for the page shown only."""
    cat = None
    if category:
        cat = category_get(category_id=int(category)) if category.isdigit() else category_get(slug=category)
    the_shop = shop_get_public(slug=shop) if shop else None
    qs = product_search(
        q=q[:60],
        category=cat,
        shop=the_shop,
        sort=sort if sort in SORTS else "default",
        min_price_fen=min_price_fen,
        max_price_fen=max_price_fen,
    )
    if (
        kwargs["paging"].page <= 1
    ):  # one page view per list; further pages are scrolling (like the web's htmx)
        _track_list(request, q=q[:60].strip(), category=cat, shop=the_shop)
    return Rows(qs, partial(with_card_prices, buyer=request.user))


def _track_list(request, *, q: str, category, shop) -> None:
    """The page view of a product list read through the API: a search (keywords, or no filter at all, like
    the web's /search/), else the category's or the shop's page."""
    if q or (category is None and shop is None):
        track_view(
            request,
            page_type="search",
            query=q,
            shop_id=shop.pk if shop else None,
            category_id=category.pk if category else None,
        )
    elif shop is not None:
        track_view(request, page_type="shop", shop_id=shop.pk, category_id=category.pk if category else None)
    else:
        track_view(request, page_type="category", category_id=category.pk)


@router.get(
    "/products/{product_id}",
    auth=OPTIONAL_AUTH,
    response={200: StoreProductOut, **PUBLIC_ERRORS},
    summary="商品详情（含 SKU 与库存；各 SKU 的促销价见 /products/{product_id}/promotions）",
)
def product(
    request,
    product_id: int,
    response: HttpResponse,
    aff: str = Query(
        "",
        max_length=16,
        pattern=r"^[a-z0-9]*$",
        description="推广链接的 aff 码（淘宝客）：记一次点击（同一访客 30 分钟内只记一次），本次浏览计入付费流量/淘宝客；"
        "响应头 X-Aff-Click 说明结果：recorded（已记录）/ repeat（重复点击）/ no_visitor（匿名且无访客 Cookie）/ "
        "ignored（无效或不指向本商品的链接）",
    ),
):
    item = product_get_public(product_id=product_id)
    source = ""
    if aff:
        source, response["X-Aff-Click"] = _affiliate_landing(request, aff=aff, item=item)
    track_view(
        request,
        page_type="product",
        shop_id=item.shop_id,
        product_id=item.pk,
        category_id=item.category_id,
        source=source,
    )
    item.shown_skus = list(item.skus.all())
    stock = available_by_sku(sku_ids=[s.pk for s in item.shown_skus])
    for sku in item.shown_skus:
        sku.available = stock.get(sku.pk, 0)
    item.return_policy = return_policy(product=item)
    item.ship_promise_hours = ship_promise_hours(product=item)
    return with_card_prices([item], buyer=request.user)[0]


def _affiliate_landing(request, *, aff: str, item) -> tuple[str, str]:
    """A product read through a tracking link, as the product page does it: (the view's source, the outcome)."""
    visitor = request_visitor(request)
    user = request.user if request.user.is_authenticated else None
    landed, click = click_land(
        code=aff,
        visitor=visitor,
        user_id=user.pk if user else None,
        product_id=item.pk,
        shop_id=item.shop_id,
    )
    if not landed:
        return "", "ignored"
    if click is not None:
        return "affiliate", "recorded"
    return "affiliate", "repeat" if visitor else "no_visitor"


@router.get("/shops/{slug}", auth=None, response={200: StoreShopOut, **PUBLIC_ERRORS}, summary="店铺信息")
def shop(request, slug: str):
    the_shop = shop_get_public(slug=slug)
    the_shop.product_count = product_search(shop=the_shop).count()
    credit = credit_of(shop_id=the_shop.pk)
    the_shop.credit_level = credit.level if credit else None
    return the_shop


@router.get(
    "/regions", auth=None, response={200: list[RegionOut], 422: Error}, summary="行政区划（省/市/区）"
)
def regions(request, parent: str = ""):
    return region_children(parent_code=parent.strip()[:12] or None)


# --- auth ---------------------------------------------------------------------------------------------------


@router.post(
    "/auth/token",
    auth=None,
    throttle=[AnonRateThrottle("20/m")],
    response={201: TokenOut, 401: Error, 422: Error, 429: Error},
    summary="用手机号/邮箱和密码换取 API 令牌",
)
def token_create(request, payload: TokenIn):
    if login_locked(login=payload.login):
        return 429, Error(detail="密码错误次数过多，请 15 分钟后再试", code="locked", field="password")
    user = authenticate(request, username=payload.login, password=payload.password)
    if user is None:
        return 401, Error(detail="登录名或密码错误", code="bad_credentials", field="password")
    key = api_token_create(user=user, name=payload.name)
    return 201, TokenOut(token=key, user_id=user.pk, display_name=user.display_name)


# --- cart ---------------------------------------------------------------------------------------------------


def _cart(request):
    return cart_priced(user=request.user)


@router.get("/cart", response={200: CartOut, 401: Error}, summary="购物车（按店铺分组，失效商品带原因）")
def cart(request):
    return _cart(request)


@router.post("/cart/items", response={201: CartOut, **ERRORS, **CSRF_ERRORS}, summary="加入购物车")
def cart_item_add(request, payload: CartItemIn):
    cart_add(user=request.user, sku_id=payload.sku_id, quantity=payload.quantity)
    return 201, _cart(request)


@router.patch(
    "/cart/items/{sku_id}", response={200: CartOut, **ERRORS, **CSRF_ERRORS}, summary="修改数量 / 勾选"
)
def cart_item_update(request, sku_id: int, payload: CartItemPatch):
    if payload.quantity is None and payload.selected is None:
        raise ValidationError("请提供 quantity 或 selected", field="quantity")
    if sku_id not in {i.sku_id for i in cart_items(user=request.user)}:
        raise NotFound("购物车里没有这个商品")
    if payload.quantity is not None:
        cart_set_quantity(user=request.user, sku_id=sku_id, quantity=payload.quantity)
    if payload.selected is not None:
        cart_select(user=request.user, sku_ids=[sku_id], selected=payload.selected)
    return _cart(request)


@router.delete(
    "/cart/items/{sku_id}",
    response={204: None, 404: Error, **AUTHED_ERRORS, **CSRF_ERRORS},
    summary="移出购物车",
)
def cart_item_remove(request, sku_id: int):
    if not cart_remove(user=request.user, sku_ids=[sku_id]):
        raise NotFound("购物车里没有这个商品")
    return 204, None


# --- checkout and orders ------------------------------------------------------------------------------------


def _coupon_ids(text: str | None) -> list[int] | None:
    try:
        return parse_ids(text)
    except ValueError:
        raise ValidationError(
            "coupon_ids 须为逗号分隔的优惠券 id（最多 20 个），如 12,15", field="coupon_ids"
        ) from None


@router.get(
    "/checkout/preview",
    response={200: StorePreviewOut, **ERRORS},
    summary="结算预览（运费、优惠明细、可用券、积分、应付）",
)
def checkout_preview(
    request,
    address_id: int | None = None,
    sku_id: int | None = None,
    quantity: int = 1,
    coupon_ids: str | None = None,
    use_points: bool = False,
    pickup: str = "",
):
    """Without `sku_id`: the selected cart items. With it: a direct buy of `quantity`.

    `pickup`: 到店自提 choices as `shop_id:store_id` pairs, comma-separated (e.g. `3:12`); each group lists its
    `pickup_stores` and the chosen `pickup_store_id` (freight 0).

    `coupon_ids`: comma-separated coupon ids to use ("" = none); omitted, the best combination is chosen.
    The answer's `coupon_ids`, `use_points` and `payable_fen` sent back to `POST /orders` place exactly this.
    """
    options = PricingOptions(coupon_ids=_coupon_ids(coupon_ids), use_points=use_points)
    items = [(sku_id, quantity)] if sku_id is not None else selected_cart_items(user=request.user)
    if not items:
        raise ValidationError("购物车中没有已勾选的商品", field="items")
    try:
        chosen = parse_pickup(pickup[:1000])
    except ValueError:
        raise ValidationError("pickup 须为逗号分隔的 店铺id:门店id，如 3:12", field="pickup") from None
    priced, address = preview(
        user=request.user, items=items, address_id=address_id, options=options, pickup=chosen
    )
    priced.ship_to = address
    stores = pickup_stores(shop_ids=[g.shop.pk for g in priced.groups])
    for group in priced.groups:
        group.pickup_stores = stores.get(group.shop.pk, [])
        group.pickup_store_id = chosen.get(group.shop.pk)
    products = {line.product.pk: line.product for line in priced.valid_lines}
    policies = return_policies(products=products.values())
    priced.no_return = [
        {"product_id": pk, "title": products[pk].title, "policy": policy}
        for pk, policy in policies.items()
        if not policy.eligible
    ]
    priced.needs_return_confirm = any(p.needs_confirm for p in policies.values())
    return priced


@router.post(
    "/orders",
    response={201: PaymentOut, **ERRORS, **CSRF_ERRORS},
    summary="下单（按店铺拆单，一次支付）",
    openapi_extra={
        "parameters": [
            {
                "in": "header",
                "name": "Idempotency-Key",
                "required": True,
                "schema": {"type": "string", "minLength": 8, "maxLength": 100},
                "description": "客户端生成的唯一键（如 UUID）；重试时使用同一个键不会重复下单",
            }
        ]
    },
)
def order_create(request, payload: OrderCreateIn):
    """Body: `items` or `from_cart: true`; `coupon_ids` / `use_points` as in the preview. Returns the payment
    (payment_no, amount_fen) and its orders."""
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not key:
        raise ValidationError(
            "缺少 Idempotency-Key 请求头：请为每次下单生成一个唯一键（如 UUID），重试时复用",
            code="idempotency_key_required",
            field="Idempotency-Key",
        )
    if payload.from_cart and payload.items:
        raise ValidationError("items 与 from_cart 只能二选一", field="items")
    # A replay with the same key returns the first answer even after that submit emptied the cart.
    items = (
        selected_cart_items(user=request.user)
        if payload.from_cart
        else [(i.sku_id, i.quantity) for i in payload.items]
    )
    payment = checkout_submit(
        user=request.user,
        items=items,
        address_id=payload.address_id,
        idempotency_key=key,
        buyer_note=payload.buyer_note,
        expected_payable_fen=payload.expected_payable_fen,
        from_cart=payload.from_cart,
        options=PricingOptions(coupon_ids=payload.coupon_ids, use_points=payload.use_points),
        confirm_no_return=payload.confirm_no_return,
        pickup={p.shop_id: p.store_id for p in payload.pickup},
    )
    return 201, cashier(request, payment.no)


@router.get("/orders", response={200: list[StoreOrderOut], **AUTHED_ERRORS}, summary="我的订单")
@paginate(Paged, page_size=10, max_page_size=50)
def orders(request, tab: str = "all", status: str = ""):
    """`tab`: all / unpaid / to_ship / to_receive / done / refund; or an exact `status`."""
    if status:
        return buyer_order_list(buyer=request.user, status=status)
    return buyer_orders_by_tab(buyer=request.user, tab=tab)


def _order_detail(request, order_id):
    order = buyer_order_get(buyer=request.user, order_id=order_id)
    order.current_refund = order_for_refund(order)
    order.late = late_shipment_of(order=order)
    windows = order_return_windows(order=order)
    for line in order.lines.all():  # the prefetched lines the schema reads next
        line.return_last_day = windows[line.pk]["last_day"]
    order.pickup_info = pickup_of_order(order_id=order.pk) if order.is_pickup else None
    if order.pickup_info is not None and order.pickup_info.status == "waiting":
        order.pickup_info.qr = qr_svg(order.pickup_info.code)
    return order


@router.get(
    "/orders/{order_id}", response={200: OrderDetailOut, 404: Error, **AUTHED_ERRORS}, summary="订单详情"
)
def order_detail(request, order_id: int):
    return _order_detail(request, order_id)


@router.post(
    "/orders/{order_id}/cancel",
    response={200: OrderDetailOut, **ERRORS, **CSRF_ERRORS},
    summary="取消未付款订单",
)
def order_cancel(request, order_id: int, payload: CancelIn | None = None):
    reason = (payload.reason if payload else "") or "买家取消"
    cancel(order_id=order_id, buyer=request.user, actor=request.user, actor_kind="buyer", reason=reason)
    return _order_detail(request, order_id)


@router.post(
    "/orders/{order_id}/confirm-receipt",
    response={200: OrderDetailOut, **ERRORS, **CSRF_ERRORS},
    summary="确认收货",
)
def order_confirm_receipt(request, order_id: int):
    confirm(buyer=request.user, order_id=order_id)
    return _order_detail(request, order_id)


@router.post(
    "/orders/{order_id}/refund",
    response={201: StoreRefundOut, **ERRORS, **CSRF_ERRORS},
    summary="申请退款（已付款未发货；已弃用，请用 POST /orders/{order_id}/cases 申请仅退款售后）",
    deprecated=True,
)
def order_refund(request, order_id: int, payload: RefundIn):
    lines = [(item.line_id, item.quantity) for item in payload.lines] if payload.lines is not None else None
    return 201, refund_request(buyer=request.user, order_id=order_id, reason=payload.reason, lines=lines)


@router.post(
    "/orders/{order_id}/refund/withdraw",
    response={200: StoreRefundOut, **ERRORS, **CSRF_ERRORS},
    summary="撤销退款申请",
)
def order_refund_withdraw(request, order_id: int):
    current = order_for_refund(buyer_order_get(buyer=request.user, order_id=order_id))
    if current is None:
        raise NotFound("该订单没有退款申请")
    return refund_withdraw(buyer=request.user, refund_id=current.pk)


# --- payments -----------------------------------------------------------------------------------------------


@router.get(
    "/payments/{payment_no}",
    response={200: PaymentOut, 404: Error, **AUTHED_ERRORS},
    summary="支付单（收银台）",
)
def payment(request, payment_no: str):
    return cashier(request, payment_no)


@router.post(
    "/payments/{payment_no}/sandbox-pay",
    response={200: SandboxPayOut, **ERRORS, **CSRF_ERRORS},
    summary="沙箱支付（演示环境）",
)
def payment_sandbox_pay(request, payment_no: str):
    outcome = sandbox_pay(buyer=request.user, payment_no=payment_no)
    return SandboxPayOut(outcome=outcome, payment=cashier(request, payment_no))


# --- addresses ----------------------------------------------------------------------------------------------


@router.get("/addresses", response={200: list[AddressOut], 401: Error}, summary="收货地址")
def addresses(request):
    return address_list(user=request.user)


@router.post("/addresses", response={201: AddressOut, **ERRORS, **CSRF_ERRORS}, summary="新增收货地址")
def address_create(request, payload: AddressIn):
    return 201, create(user=request.user, **payload.model_dump())


@router.delete(
    "/addresses/{address_id}",
    response={204: None, 404: Error, **AUTHED_ERRORS, **CSRF_ERRORS},
    summary="删除收货地址",
)
def address_delete(request, address_id: int):
    delete(user=request.user, address_id=address_id)
    return 204, None
