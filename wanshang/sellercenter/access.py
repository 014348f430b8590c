"""Who may enter the seller center, and what the sidebar shows them.

Every page goes through `seller_view`: anonymous users are sent to log in, non-staff and roles lacking the
page's permission get a 403 page that says why, and the view gets `request.staff` / `request.shop` — the only
source of the shop for every seller-side read and write.
"""

from functools import cache, wraps
from urllib.parse import urlencode

from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, resolve, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wanshang.accounts.api_auth import BearerToken, Session
from wanshang.common.errors import DomainError, PermissionDenied
from wanshang.inbox.selectors import unread_count
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_for_user, staff_require

# (group, [(label, url name, "active" key)]). Who sees an entry is not written here: it is the permission the
# entry's view declared with @seller_view (see `view_perm`), so the menu and the page cannot disagree.
NAV = [
    (
        _("概览"),
        [
            (_("工作台"), "sellercenter:dashboard", "dashboard"),
            (_("消息中心"), "sellercenter:inbox", "inbox"),
        ],
    ),
    (
        pgettext_lazy("seller nav group", "商品"),
        [
            (_("商品管理"), "sellercenter:product_list", "products"),
            (_("发布商品"), "sellercenter:product_create", "product_new"),
            (_("图片体检"), "sellercenter:image_problems", "image_problems"),
            (_("图片授权声明"), "sellercenter:image_declarations", "image_declarations"),
            (_("日常巡检"), "sellercenter:patrol", "patrol"),
        ],
    ),
    (
        _("文案工具"),
        [
            (_("FABE 详情与设计单"), "sellercenter:copy_products", "copy_products"),
            (_("标题检查"), "sellercenter:copy_titles", "copy_titles"),
            (_("按钮文案检查"), "sellercenter:copy_buttons", "copy_buttons"),
        ],
    ),
    (
        pgettext_lazy("seller nav group", "库存"),
        [
            (_("库存管理"), "sellercenter:stock_list", "stock"),
            (_("低库存预警"), "sellercenter:low_stock", "low_stock"),
            (_("库存计划"), "sellercenter:stock_plan", "stock_plan"),
            (_("入库单"), "sellercenter:receipt_list", "receipts"),
            (_("库存流水"), "sellercenter:movements", "movements"),
            (_("仓库管理"), "sellercenter:warehouse_list", "warehouses"),
        ],
    ),
    (
        _("交易"),
        [
            (_("订单管理"), "sellercenter:order_list", "orders"),
            (_("退款管理"), "sellercenter:refund_list", "refunds"),
            (_("评价管理"), "sellercenter:review_list", "reviews"),
            (_("售后工作台"), "sellercenter:case_list", "cases"),
            (_("退货地址"), "sellercenter:return_addresses", "return_addresses"),
            (_("售后设置"), "sellercenter:aftersales_settings", "aftersales_settings"),
            (_("运费模板"), "sellercenter:freight_list", "freight"),
        ],
    ),
    (
        _("物流"),
        [
            (_("发货中心"), "sellercenter:shipments", "shipments"),
            (_("批量发货"), "sellercenter:shipping_batch", "shipping_batch"),
            (_("物流异常"), "sellercenter:shipping_alerts", "shipping_alerts"),
            (_("物流账户"), "sellercenter:shipping_account", "shipping_account"),
        ],
    ),
    (
        _("门店"),
        [
            (_("自提核销"), "sellercenter:pickup_verify", "pickup_verify"),
            (_("门店管理"), "sellercenter:store_list", "stores"),
        ],
    ),
    (
        _("客服"),
        [
            (_("客服工作台"), "sellercenter:service_desk", "service_desk"),
            (_("工单"), "sellercenter:ticket_list", "tickets"),
            (_("快捷短语"), "sellercenter:phrase_list", "phrases"),
            (_("常见问题"), "sellercenter:faq_list", "faq"),
            (_("客服设置"), "sellercenter:service_settings", "service_settings"),
            (_("SLA 策略"), "sellercenter:sla_policies", "sla"),
        ],
    ),
    (
        _("营销"),
        [
            (_("营销中心"), "sellercenter:marketing", "marketing"),
            (_("店铺活动页"), "sellercenter:shop_pages", "shop_pages"),
            (_("会员等级"), "sellercenter:member_levels", "member_levels"),
            (_("价格合规提醒"), "sellercenter:price_alerts", "price_alerts"),
            (_("淘宝客推广"), "sellercenter:affiliate_plans", "affiliates"),
            (_("达人效果"), "sellercenter:affiliate_results", "affiliate_results"),
        ],
    ),
    (
        _("推广中心"),
        [
            (_("推广账户"), "sellercenter:ads_account", "ads_account"),
            (_("推广计划"), "sellercenter:ads_plans", "ads_plans"),
            (_("推广报表"), "sellercenter:ads_reports", "ads_reports"),
        ],
    ),
    (
        _("数据中心"),
        [
            (_("实时概况"), "sellercenter:data_overview", "data_overview"),
            (_("流量与转化"), "sellercenter:data_traffic", "data_traffic"),
            (_("商品分析"), "sellercenter:data_products", "data_products"),
            (_("竞争情报"), "sellercenter:data_competition", "data_competition"),
            (_("交易报表"), "sellercenter:data_trade", "data_trade"),
            (_("异常提醒"), "sellercenter:data_alerts", "data_alerts"),
            (_("服务评价"), "sellercenter:data_service", "data_service"),
            (_("售后分析"), "sellercenter:data_aftersales", "data_aftersales"),
            (_("客服数据"), "sellercenter:data_chat", "data_chat"),
            (_("客户分析"), "sellercenter:data_customers", "data_customers"),
            (_("人群包"), "sellercenter:data_crowds", "data_crowds"),
            (_("A/B 实验"), "sellercenter:data_experiments", "data_experiments"),
        ],
    ),
    (
        _("体检中心"),
        [
            (_("店铺体检"), "sellercenter:health", "health"),
            (_("规则中心"), "sellercenter:health_rules", "health_rules"),
        ],
    ),
    (
        _("店铺"),
        [
            (_("店铺设置"), "sellercenter:shop_settings", "settings"),
            (_("员工与角色"), "sellercenter:staff_list", "staff"),
            (_("结算台账"), "sellercenter:settlements", "settlements"),
            (_("广告法用语"), "sellercenter:adlaw_hits", "adlaw_hits"),
            (_("广告法豁免"), "sellercenter:adlaw_claims", "adlaw_claims"),
        ],
    ),
]


def can(staff, perm) -> bool:
    """The check `seller_view` makes: no permission needed, or the staff member's role has it."""
    return perm is None or P.role_can(staff.role, perm)


@cache
def view_perm(url_name: str) -> str | None:
    """The permission the view behind `url_name` declared with `@seller_view(perm)`."""
    view = resolve(reverse(url_name)).func
    if not hasattr(view, "seller_perm"):
        raise ImproperlyConfigured(f"{url_name} is not a seller_view: the menu cannot tell who may open it")
    return view.seller_perm


def nav_for(staff) -> list[tuple[str, list[dict]]]:
    """The sidebar of a staff member: the entries whose view lets them in."""
    groups = []
    for title, items in NAV:
        visible = [
            {"label": label, "url": reverse(name), "key": key}
            for label, name, key in items
            if can(staff, view_perm(name))
        ]
        if visible:
            groups.append((title, visible))
    return groups


def login_url(next_path: str) -> str:
    try:
        base = reverse("accounts:login")
    except (
        NoReverseMatch
    ):  # the accounts face may not be mounted (yet); its path is fixed by wanshang/urls.py
        base = "/accounts/login/"
    return f"{base}?{urlencode({'next': next_path}, safe='/')}"


def forbidden(request, message: str):
    """403: inside the seller layout for staff whose role lacks the permission, standalone for non-staff."""
    if getattr(request, "staff", None) is not None:
        return seller_render(request, "sellercenter/forbidden.html", {"message": message}, status=403)
    return render(request, "sellercenter/not_staff.html", {"message": message}, status=403)


def seller_error(request, exc: DomainError):
    """A domain error escaping a view (another shop's id, a refused action): its message, its status."""
    if getattr(request, "staff", None) is not None:
        return seller_render(
            request, "sellercenter/error.html", {"message": exc.message}, status=exc.status_code
        )
    return render(request, "error.html", {"message": exc.message}, status=exc.status_code)


def seller_view(perm: str | None = None):
    """Require login and an active staff membership (with `perm`); put `request.staff` / `request.shop`.

    The view keeps `perm` as `seller_perm`: the sidebar shows the view's menu entry by the same check.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect(login_url(request.get_full_path()))
            member = staff_for_user(user=request.user)
            if member is not None:
                request.staff, request.shop = member, member.shop
            try:
                staff_require(user=request.user, perm=perm)
            except PermissionDenied as exc:
                return forbidden(request, exc.message)
            request.domain_error_page = seller_error  # DomainErrorMiddleware shows it inside the layout
            return view(request, *args, **kwargs)

        wrapper.seller_perm = perm
        return wrapper

    return decorator


def seller_context(request) -> dict:
    """Layout context: sidebar, role, and what the current role may do (for buttons)."""
    staff = request.staff
    return {
        "staff": staff,
        "shop": request.shop,
        "nav": nav_for(staff),
        # the bell in the header of every page: one indexed count query, for the roles that read the inbox
        "inbox_unread": unread_count(shop=request.shop) if P.role_can(staff.role, P.INBOX_READ) else None,
        "allowed": {
            name: P.role_can(staff.role, perm)
            for name, perm in (
                ("product", P.PRODUCT_EDIT),
                ("price", P.PRICE_EDIT),
                ("stock", P.STOCK_EDIT),
                ("order", P.ORDER_VIEW),
                ("ship", P.ORDER_SHIP),
                ("refund", P.REFUND_HANDLE),
                ("finance", P.FINANCE_VIEW),
                ("freight", P.FREIGHT_EDIT),
                ("shop", P.SHOP_EDIT),
                ("staff", P.STAFF_MANAGE),
                ("marketing", P.MARKETING),
                ("data", P.DATA_VIEW),
            )
        },
    }


def seller_render(
    request, template: str, context: dict | None = None, *, status: int = 200, active: str = ""
):
    return render(
        request, template, {**seller_context(request), "active": active, **(context or {})}, status=status
    )


# --- the JSON API (/api/seller/…) ---------------------------------------------------------------------------------


def _staff_or_403(user, perms=()):
    if user is None:
        return None  # not authenticated by this method: the next one is tried, then 401
    # not shop staff, or a role without the permission: PermissionDenied, 403 through the API's error handler
    for perm in perms or (None,):  # one look-up when the route names no permission
        staff_require(user=user, perm=perm)
    return user


class StaffBearer(BearerToken):
    def __init__(self, *perms):
        super().__init__()
        self.perms = perms

    def authenticate(self, request, token):
        return _staff_or_403(super().authenticate(request, token), self.perms)


class StaffSession(Session):
    def __init__(self, *perms, csrf=True):
        super().__init__(csrf=csrf)
        self.perms = perms

    def authenticate(self, request, key):
        return _staff_or_403(super().authenticate(request, key), self.perms)


def seller_auth(*perms) -> list:
    """A seller API route's auth: shop staff whose role has every one of `perms`, checked before the body or
    the query is parsed, so a buyer or a role without the permission gets 403 and not a 422 about fields of a
    form they may not use. The handler still takes its staff membership through staff_require."""
    return [StaffBearer(*perms), StaffSession(*perms, csrf=True)]


# The seller API's default auth (routes that need no particular permission): shop staff only.
SELLER_AUTH = seller_auth()
