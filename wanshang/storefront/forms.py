"""Plain forms of the storefront. They parse input; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wanshang.common.errors import ValidationError as DomainValidationError
from wanshang.common.money import yuan_to_fen
from wanshang.search.selectors import attribute_filter
from wanshang.storefront.promo_display import parse_ids

SORTS = [
    ("default", _("综合")),
    ("sales", _("销量")),
    ("new", _("新品")),
    ("price_asc", _("价格从低到高")),
    ("price_desc", _("价格从高到低")),
]


class PriceFilterForm(forms.Form):
    """The price range on listing pages, typed in yuan."""

    min_price = forms.CharField(required=False, max_length=14)
    max_price = forms.CharField(required=False, max_length=14)

    def _fen(self, name):
        text = (self.cleaned_data.get(name) or "").strip()
        if not text:
            return None
        try:
            return yuan_to_fen(text, field=name)
        except DomainValidationError as exc:
            raise forms.ValidationError(exc.message) from None

    def clean_min_price(self):
        return self._fen("min_price")

    def clean_max_price(self):
        return self._fen("max_price")

    def clean(self):
        data = super().clean()
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            raise forms.ValidationError(_("最低价不能高于最高价"))
        return data


class CartAddForm(forms.Form):
    sku_id = forms.IntegerField(
        min_value=1, error_messages={"required": _("请选择商品规格"), "invalid": _("请选择商品规格")}
    )
    quantity = forms.IntegerField(
        initial=1, error_messages={"required": _("请填写购买数量"), "invalid": _("购买数量须为整数")}
    )


class CartQuantityForm(forms.Form):
    sku_id = forms.IntegerField(min_value=1)
    quantity = forms.IntegerField(
        error_messages={"required": _("请填写购买数量"), "invalid": _("购买数量须为整数")}
    )


def parse_items(text: str) -> list[tuple[int, int]]:
    """'12:2,15:1' → [(12, 2), (15, 1)]. Raises forms.ValidationError for anything else."""
    items = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        sku, _sep, qty = part.partition(":")
        if not (sku.isdigit() and qty.lstrip("-").isdigit()):
            raise forms.ValidationError(_("结算商品无效，请返回购物车重新结算"))
        items.append((int(sku), int(qty)))
    if not items:
        raise forms.ValidationError(_("请选择要结算的商品"))
    return items


def parse_pickup(text: str) -> dict[int, int]:
    """到店自提 choices '3:12,5:20' (shop_id:store_id) → {3: 12, 5: 20}; '' → {}. ValueError for anything else."""
    out = {}
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        shop, _sep, store = part.partition(":")
        if not (shop.isdigit() and store.isdigit()) or len(out) >= 50:
            raise ValueError(part)
        out[int(shop)] = int(store)
    return out


def format_pickup(pickup: dict) -> str:
    return ",".join(f"{shop}:{store}" for shop, store in sorted(pickup.items()))


def format_items(items) -> str:
    return ",".join(f"{sku_id}:{qty}" for sku_id, qty in items)


class CheckoutForm(forms.Form):
    """The order confirmation. `items`, the coupons, points and `expected_payable_fen` echo exactly what the
    buyer was shown: the order is priced with the same choices, and a different total is refused."""

    mode = forms.ChoiceField(choices=[("cart", _("购物车")), ("direct", _("立即购买"))])
    items = forms.CharField(max_length=4000)
    address_id = forms.IntegerField(
        error_messages={"required": _("请选择收货地址"), "invalid": _("请选择收货地址")}
    )
    buyer_note = forms.CharField(required=False, max_length=200, label=_("买家留言"))
    idempotency_key = forms.CharField(min_length=8, max_length=100)
    expected_payable_fen = forms.IntegerField(min_value=0)
    coupon_ids = forms.CharField(required=False, max_length=400)  # the coupons applied on the page; "" = none
    use_points = forms.BooleanField(required=False)
    confirm_no_return = forms.BooleanField(required=False)  # 已知晓不支持7天无理由的商品
    pickup = forms.CharField(required=False, max_length=1000)  # 到店自提: shop_id:store_id,…

    def clean_items(self):
        return parse_items(self.cleaned_data["items"])

    def clean_pickup(self):
        try:
            return parse_pickup(self.cleaned_data["pickup"])
        except ValueError:
            raise forms.ValidationError(_("自提门店选择无效，请重新选择")) from None

    def clean_coupon_ids(self):
        """A list of coupon ids; None (the field was not sent at all) lets the engine pick the best."""
        if self.data.get("coupon_ids") is None:
            return None
        return coupon_ids_field(self.cleaned_data["coupon_ids"])


def coupon_ids_field(text) -> list[int] | None:
    try:
        return parse_ids(text)
    except ValueError:
        raise forms.ValidationError(_("优惠券选择无效，请重新选择")) from None


class CouponClaimForm(forms.Form):
    promotion_id = forms.IntegerField(
        min_value=1, error_messages={"required": _("优惠券不存在"), "invalid": _("优惠券不存在")}
    )


class _PromoBuyForm(forms.Form):
    """立即抢购 / 拼团: one SKU at the promotion price, to the chosen (or default) address."""

    item_id = forms.IntegerField(
        min_value=1, error_messages={"required": _("活动商品不存在"), "invalid": _("活动商品不存在")}
    )
    quantity = forms.IntegerField(
        initial=1, error_messages={"required": _("请填写购买数量"), "invalid": _("购买数量须为整数")}
    )
    address_id = forms.IntegerField(required=False, error_messages={"invalid": _("请选择收货地址")})
    idempotency_key = forms.CharField(
        min_length=8,
        max_length=100,
        error_messages={
            "required": _("页面已过期，请刷新后重试"),
            "min_length": _("页面已过期，请刷新后重试"),
        },
    )


class FlashBuyForm(_PromoBuyForm):
    pass


class GroupBuyForm(_PromoBuyForm):
    team_id = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={"invalid": _("拼团编号无效"), "min_value": _("拼团编号无效")},
    )


class BundleAddForm(forms.Form):
    product_id = forms.IntegerField(
        min_value=1, error_messages={"required": _("套餐不存在"), "invalid": _("套餐不存在")}
    )
    bundle_id = forms.IntegerField(
        min_value=1, error_messages={"required": _("套餐不存在"), "invalid": _("套餐不存在")}
    )


class CancelForm(forms.Form):
    reason = forms.CharField(required=False, max_length=200, label=_("取消原因"))


class RefundForm(forms.Form):
    reason = forms.CharField(
        max_length=200,
        label=_("退款原因"),
        error_messages={"required": _("请填写退款原因")},
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("例如：拍错了 / 不想要了")}),
    )


class GatewayForm(forms.Form):
    gateway = forms.CharField(max_length=20, error_messages={"required": _("请选择支付方式")})


class SearchForm(PriceFilterForm):
    """Search and category pages: the query, the facets a buyer clicked, the sort and the page.

    A bad value (a brand id that is not a number, a price band typed by hand) is a form error shown above the
    results; the rest of the filters still apply.
    """

    q = forms.CharField(required=False, max_length=60, strip=True)
    brand = forms.CharField(required=False, max_length=20)  # repeated: read from brand_values
    price = forms.RegexField(
        required=False, regex=r"^\d{1,12}-\d{0,12}$", error_messages={"invalid": _("价格区间无效")}
    )
    shop = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    in_stock = forms.BooleanField(required=False)
    on_promotion = forms.BooleanField(required=False)
    channel = forms.ChoiceField(
        required=False, choices=[("", ""), ("retail", _("零售")), ("wholesale", _("批发"))]
    )
    attr = forms.CharField(required=False, max_length=200)  # repeated: 材质:纯棉
    sort = forms.ChoiceField(required=False, choices=SORTS)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.brand_values = data.getlist("brand") if data is not None else []
        self.attr_values = data.getlist("attr") if data is not None else []

    def clean_brand(self):
        out = []
        for raw in self.brand_values[:20]:
            if not str(raw).isdigit() or len(str(raw)) > 18:
                raise forms.ValidationError(_("品牌编号无效"))
            out.append(int(raw))
        return tuple(out)

    def clean_attr(self):
        pairs = [attribute_filter(raw) for raw in self.attr_values[:10]]
        if None in pairs:
            raise forms.ValidationError(_("属性筛选无效"))
        return tuple(pairs)

    def filters(self) -> dict:
        """The valid part of the input as search parameters (invalid fields are left out)."""
        data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        low, high = data.get("min_price"), data.get("max_price")
        band = data.get("price") or ""
        if band and low is None and high is None:
            lo, _sep, hi = band.partition("-")
            low, high = int(lo), (int(hi) if hi else None)
        return {
            "q": data.get("q") or "",
            "brand_ids": data.get("brand") or (),
            "min_price_fen": low,
            "max_price_fen": high,
            "shop_id": data.get("shop"),
            "in_stock": bool(data.get("in_stock")),
            "on_promotion": bool(data.get("on_promotion")),
            "channel": data.get("channel") or "",
            "attributes": data.get("attr") or (),
            "sort": data.get("sort") or "default",
            "page": data.get("page") or 1,
        }


# --- 评价 ---------------------------------------------------------------------------------------------------------

STAR_CHOICES = [(n, str(n)) for n in range(5, 0, -1)]


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Up to the review limit of pictures in one input; each is validated by content in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/*", "multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleImageField, self).clean(f, initial) for f in files]


class ReviewForm(forms.Form):
    """The review of one order line, and the shop's DSR when the order has none yet (`ask_dsr`)."""

    stars = forms.TypedChoiceField(
        label=_("商品评分"), choices=STAR_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("评价内容"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("说说这件商品的优点和不足，帮助其他买家")}),
    )
    images = MultipleImageField(label=_("晒图（最多 9 张）"))
    is_anonymous = forms.BooleanField(label=_("匿名评价"), required=False)
    description = forms.TypedChoiceField(
        label=_("描述相符"), choices=STAR_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    service = forms.TypedChoiceField(
        label=_("服务态度"), choices=STAR_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    logistics = forms.TypedChoiceField(
        label=_("物流服务"), choices=STAR_CHOICES, coerce=int, widget=forms.RadioSelect
    )

    def __init__(self, *args, ask_dsr: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.ask_dsr = ask_dsr
        if not ask_dsr:
            for name in ("description", "service", "logistics"):
                del self.fields[name]

    def dsr(self) -> dict | None:
        if not self.ask_dsr:
            return None
        return {k: self.cleaned_data[k] for k in ("description", "service", "logistics")}


class FollowupForm(forms.Form):
    text = forms.CharField(
        label=_("追评内容"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("用了一段时间，感受如何？")}),
    )
    images = MultipleImageField(label=_("晒图（最多 9 张）"))


class ReviewEditForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("商品评分"), choices=STAR_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("评价内容"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 4})
    )


class PromoterApplyForm(forms.Form):
    """达人申请."""

    name = forms.CharField(label=_("达人昵称"), max_length=40)
    channels = forms.CharField(
        label=_("推广渠道"),
        max_length=300,
        help_text=_("平台与账号，如：小红书 @好物君；抖音 @好物君；微信群 3 个"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    audience = forms.CharField(
        label=_("粉丝与受众"),
        max_length=300,
        help_text=_("粉丝数量、人群与擅长的品类"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    contact = forms.CharField(label=_("联系方式"), max_length=60, help_text=_("手机号或微信号"))


class WithdrawalForm(forms.Form):
    """提现: an amount in yuan to an account."""

    amount = forms.CharField(label=_("提现金额（元）"), max_length=20)
    account = forms.CharField(label=_("收款账户"), max_length=60, help_text=_("支付宝账号或银行卡号"))

    def clean_amount(self):
        try:
            return yuan_to_fen(self.cleaned_data["amount"], field="amount")
        except DomainValidationError as exc:
            raise forms.ValidationError(exc.message) from exc
