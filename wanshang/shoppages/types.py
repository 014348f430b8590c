"""The shapes of a campaign page's modules, shared by the services, the selectors and the faces."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# module type → its label in the editor
MODULE_TYPES = {
    "banner": _("横幅图片"),
    "heading": _("小标题"),
    "text": _("文字段落"),
    "products": _("商品格"),
    "coupons": _("优惠券"),
    "button": _("行动按钮"),
}
# where a banner or a button leads: a product, a coupon (the button claims it), the shop's home page
TARGET_KINDS = {
    "shop": _("店铺首页"),
    "product": _("商品"),
    "coupon": _("优惠券"),
}
HEADING_MAX = 40
ALT_MAX = 60
LABEL_MAX = 16
TITLE_MAX = 60
SLUG_MAX = 60

# which text of a module the 广告法 scanner reads, and the field name it is recorded under (`<key>.<n>`,
# n = the module's 1-based position); the page's own title is "title"
TEXT_KEYS = {"banner": "alt", "heading": "text", "text": "text", "button": "label"}
SCAN_FIELD = {"banner": "alt", "heading": "heading", "text": "text", "button": "label"}

STATE_LABELS = {"draft": _("草稿"), "published": _("已发布"), "offline": _("已下线")}
WINDOW_LABELS = {"running": _("进行中"), "not_started": _("活动未开始"), "ended": _("活动已结束")}


@dataclass
class Block:
    """One module as a buyer sees it: the stored data plus what it refers to, read in batches."""

    type: str
    data: dict
    image: object | None = None  # banner: the media asset
    products: list = field(default_factory=list)  # product grid: public products, each with `.stock`
    coupons: list = field(default_factory=list)  # coupon block: claimable coupons, each with `.label`
    target_kind: str = ""  # banner / button: shop, product, coupon ("" none)
    target_product: object | None = None
    target_coupon: object | None = None


@dataclass
class SaveResult:
    page: object
    warnings: dict  # scan field → [adlaw Hit] (warn terms, not blocking)
    buttons: dict  # scan field (label.<n>) → [copywriting ButtonFinding]
