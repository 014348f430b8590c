"""What each seller-center role may do. One table, checked by `merchants.selectors.staff_require`."""

from django.utils.translation import gettext_lazy as _

from wanshang.merchants.models import StaffRole

PRODUCT_EDIT = "product.edit"
PRICE_EDIT = "price.edit"
STOCK_EDIT = "stock.edit"
ORDER_VIEW = "order.view"
ORDER_SHIP = "order.ship"
REFUND_HANDLE = "refund.handle"
FINANCE_VIEW = "finance.view"
FREIGHT_EDIT = "freight.edit"
SHOP_EDIT = "shop.edit"
STAFF_MANAGE = "staff.manage"
MARKETING = "marketing.edit"  # 营销中心: promotions, member levels, price-rule alerts
DATA_VIEW = "data.view"  # 数据中心: traffic, trade, products, customers, experiments
REVIEW_HANDLE = "review.handle"  # 评价管理: reply to reviews, report one to the platform
STORE_EDIT = "store.edit"  # 门店管理: stores, pickup on/off, store staff
PICKUP_VERIFY = "pickup.verify"  # 核销: verify a pickup code (a 门店 member: only at their own stores)
SERVICE_HANDLE = "service.handle"  # 客服: personal quick phrases, read the FAQ, handle tickets
SERVICE_MANAGE = "service.manage"  # 客服设置: hours, auto-replies, shop-wide phrases, FAQ, SLA policies
ADS_MANAGE = "ads.manage"  # 推广中心: the ad account (top-up, ledger), plans, groups, keywords, creatives
HEALTH_HANDLE = "health.handle"  # 体检中心: mark items fixed, appeal, acknowledge platform rules
INBOX_READ = "inbox.read"  # 消息中心: read the shop's messages, mark them read

ALL = {
    PRODUCT_EDIT,
    PRICE_EDIT,
    STOCK_EDIT,
    ORDER_VIEW,
    ORDER_SHIP,
    REFUND_HANDLE,
    FINANCE_VIEW,
    FREIGHT_EDIT,
    SHOP_EDIT,
    STAFF_MANAGE,
    MARKETING,
    DATA_VIEW,
    REVIEW_HANDLE,
    STORE_EDIT,
    PICKUP_VERIFY,
    SERVICE_HANDLE,
    SERVICE_MANAGE,
    ADS_MANAGE,
    HEALTH_HANDLE,
    INBOX_READ,
}

STORE_ROLE = StaffRole.STORE  # 门店: limited to the stores it is assigned to (wanshang.stores)

ROLE_PERMISSIONS: dict[str, set[str]] = {
    StaffRole.OWNER: ALL,
    StaffRole.OPERATIONS: {
        PRODUCT_EDIT,
        PRICE_EDIT,
        STOCK_EDIT,
        ORDER_VIEW,
        FREIGHT_EDIT,
        MARKETING,
        DATA_VIEW,
        REVIEW_HANDLE,
        STORE_EDIT,
        ADS_MANAGE,
        HEALTH_HANDLE,
        INBOX_READ,
    },
    StaffRole.SERVICE: {ORDER_VIEW, REFUND_HANDLE, REVIEW_HANDLE, SERVICE_HANDLE, INBOX_READ},
    StaffRole.WAREHOUSE: {STOCK_EDIT, ORDER_VIEW, ORDER_SHIP, INBOX_READ},
    StaffRole.FINANCE: {ORDER_VIEW, FINANCE_VIEW, DATA_VIEW, INBOX_READ},
    # 门店: the 核销 page and its own stores' pickup orders, nothing else (no order list, no shipping)
    StaffRole.STORE: {PICKUP_VERIFY},
}

LABELS = {
    PRODUCT_EDIT: _("编辑商品"),
    PRICE_EDIT: _("修改价格"),
    STOCK_EDIT: _("调整库存"),
    ORDER_VIEW: _("查看订单"),
    ORDER_SHIP: _("订单发货"),
    REFUND_HANDLE: _("处理退款"),
    FINANCE_VIEW: _("查看结算"),
    FREIGHT_EDIT: _("运费模板"),
    SHOP_EDIT: _("店铺设置"),
    STAFF_MANAGE: _("员工管理"),
    MARKETING: _("营销活动"),
    DATA_VIEW: _("数据中心"),
    REVIEW_HANDLE: _("评价管理"),
    STORE_EDIT: _("门店管理"),
    PICKUP_VERIFY: _("自提核销"),
    SERVICE_HANDLE: _("客服接待与工单"),
    SERVICE_MANAGE: _("客服设置"),
    ADS_MANAGE: _("推广中心"),
    HEALTH_HANDLE: _("体检中心"),
    INBOX_READ: _("消息中心"),
}


def role_can(role: str, perm: str) -> bool:
    return perm in ROLE_PERMISSIONS.get(role, set())
