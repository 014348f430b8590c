"""营销中心 forms: what a person types (yuan, 折, rows of SKUs) ⇄ `marketing.services.PromotionInput`.

Money is typed in yuan and converted with `common.money.yuan_to_fen`; discounts are typed in 折 (8.5 → discount_bps
8500). One form class per kind; SKU rows are posted as parallel lists `item_sku`, `item_<column>` (the Alpine
row editor and the plain rows without JS post the same names). The forms parse and type-check only: business
rules (a price above the SKU's, overlapping promotions, …) are the service's, and its message is shown as is.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wanshang.common.errors import ValidationError as DomainValidationError
from wanshang.common.money import fen_to_yuan_str, yuan_to_fen
from wanshang.marketing.services import MAX_ITEMS, PromotionInput
from wanshang.marketing.types import ITEM_KINDS, LATER_TOKENS, TOKEN_LABELS, Kind, Scope
from wanshang.sellercenter.forms import YuanField, id_list, int_field

MAX_TIERS = 5
DT_FORMAT = "%Y-%m-%dT%H:%M"
DT_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DT_FORMAT)
DT_ERRORS = {"invalid": _("请填写有效的时间，如 2026-06-18 10:00")}
# Service field names → the form field that shows the message (anything else goes to the top of the form).
FIELD_ALIASES = {
    "type": "coupon_type",
    "amount_fen": "amount",
    "discount_bps": "discount",
    "threshold_fen": "threshold",
    "cap_fen": "cap",
    "every_fen": "every",
    "off_fen": "off",
    "price_fen": "bundle_price",
}


def zhe_to_bps(text) -> int:
    """'8.5' (折) → 8500 (万分比). Raises common.errors.ValidationError with a message a person understands."""
    raw = str(text).strip().replace("折", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise DomainValidationError(
            f"“{text}” 不是有效的折扣，请填写如 8.5（表示 8.5 折）", field="discount"
        ) from None
    if not value.is_finite() or not 0 < value < 10:
        raise DomainValidationError("折扣须大于 0 折、小于 10 折，如 8.5 表示 8.5 折", field="discount")
    if value != value.quantize(Decimal("0.01")):
        raise DomainValidationError("折扣最多两位小数，如 8.85", field="discount")
    return int(value * 1000)


def bps_to_zhe(bps) -> str:
    if bps in (None, ""):
        return ""
    text = f"{Decimal(int(bps)) / 1000:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def yuan_text(fen) -> str:
    return "" if fen in (None, "") else fen_to_yuan_str(int(fen))


def _fen(text: str, label: str) -> int:
    try:
        return yuan_to_fen(text)
    except DomainValidationError as exc:
        raise DomainValidationError(f"{label}：{exc.message}") from None


def _int(text: str, label: str) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        raise DomainValidationError(f"{label}须为整数，“{text}” 无效") from None


class ZheField(forms.CharField):
    """A discount typed in 折 ("8.5") cleaned to 万分比 (8500); None when empty and optional."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "placeholder": _("如 8.5")})
        )
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return bps_to_zhe(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return zhe_to_bps(value)
        except DomainValidationError as exc:
            raise forms.ValidationError(exc.message) from None


def token_key(kind: str) -> str:
    """Which row of kinds.LATER_TOKENS says what this kind may be combined with."""
    return "item" if kind in ITEM_KINDS else kind


# --- the forms, one per kind ---------------------------------------------------------------------------------


class PromotionForm(forms.Form):
    kind = ""
    limit_label = None  # None: the kind has no per-buyer limit
    columns: list[dict] = []  # SKU row columns; empty: the kind has no SKU rows

    name = forms.CharField(
        label=_("活动名称"), max_length=40, error_messages={"required": _("请填写活动名称")}
    )
    starts_at = forms.DateTimeField(
        label=_("开始时间"), required=False, widget=DT_WIDGET, error_messages=DT_ERRORS
    )
    ends_at = forms.DateTimeField(
        label=_("结束时间"), required=False, widget=DT_WIDGET, error_messages=DT_ERRORS
    )
    per_buyer_limit = int_field(_("每人限购（件，0 为不限）"), required=False, max_value=9999)
    combine_with = forms.MultipleChoiceField(
        label=_("可叠加的优惠"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("勾选的店铺级/平台级优惠可与本活动同时使用；不勾选则互斥。"),
    )

    def __init__(self, *args, levels=(), slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.levels, self.slots = list(levels), list(slots)
        self.fields["combine_with"].choices = [
            (t, TOKEN_LABELS[t]) for t in LATER_TOKENS[token_key(self.kind)]
        ]
        if self.limit_label is None:
            del self.fields["per_buyer_limit"]
        else:
            self.fields["per_buyer_limit"].label = self.limit_label

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label

    def clean(self):
        data = super().clean()
        if not data.get("starts_at") and "starts_at" not in self.errors:
            self.add_error("starts_at", _("请填写开始时间"))
        return data

    # what the service gets
    def config(self) -> dict:
        return {"combine_with": list(self.cleaned_data.get("combine_with") or [])}

    def promotion_input(self, items: list[dict]) -> PromotionInput:
        d = self.cleaned_data
        return PromotionInput(
            kind=self.kind,
            name=d["name"],
            starts_at=d["starts_at"],
            ends_at=d.get("ends_at"),
            scope=d.get("scope") or Scope.ALL,
            scope_ids=d.get("scope_ids") or [],
            config=self.config(),
            per_buyer_limit=d.get("per_buyer_limit") or 0,
            total_quantity=d.get("total_quantity") or 0,
            slot_id=d.get("slot_id"),
            items=items,
        )

    # SKU rows
    def item_columns(self) -> list[dict]:
        return list(self.columns)

    def item_from_row(self, row: dict) -> dict:
        return {}

    def row_from_item(self, item) -> dict:
        return {}

    # edit page
    @classmethod
    def initial_from(cls, promo) -> dict:
        config = promo.config or {}
        initial = {
            "name": promo.name,
            "starts_at": promo.starts_at,
            "ends_at": promo.ends_at,
            "per_buyer_limit": promo.per_buyer_limit,
            "combine_with": list(config.get("combine_with", [])),
        }
        initial.update(cls.initial_config(promo, config))
        return initial

    @classmethod
    def initial_config(cls, promo, config: dict) -> dict:
        return {}

    @classmethod
    def initial_new(cls) -> dict:
        return {"combine_with": list(LATER_TOKENS[token_key(cls.kind)]), "per_buyer_limit": 0}


class ScopedForm(PromotionForm):
    """Coupons and 满减 apply to the whole shop, chosen products or chosen categories."""

    scope = forms.ChoiceField(
        label=_("适用范围"),
        choices=[
            (Scope.ALL, _("全店通用")),
            (Scope.PRODUCTS, _("指定商品")),
            (Scope.CATEGORIES, _("指定类目")),
        ],
        initial=Scope.ALL,
        widget=forms.RadioSelect,
    )
    scope_ids = forms.CharField(
        label=_("商品或类目编号（逗号分隔）"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": _("如 101, 102")}),
    )

    def clean_scope_ids(self):
        return id_list(self.cleaned_data.get("scope_ids", ""))

    @classmethod
    def initial_config(cls, promo, config):
        return {"scope": promo.scope, "scope_ids": ", ".join(str(i) for i in promo.scope_ids or [])}


class CouponForm(ScopedForm):
    kind = Kind.COUPON
    limit_label = _("每人限领（张，0 为不限）")

    coupon_type = forms.ChoiceField(
        label=_("券类型"),
        choices=[("amount", _("满减券（减固定金额）")), ("percent", _("折扣券（打折）"))],
        initial="amount",
        widget=forms.RadioSelect,
    )
    amount = YuanField(label=_("面额（元）"), required=False)
    discount = ZheField(label=_("折扣（折）"), required=False)
    cap = YuanField(label=_("最多优惠（元，留空不封顶）"), required=False)
    threshold = YuanField(label=_("使用门槛：满（元，留空为无门槛）"), required=False)
    valid_days = int_field(_("领取后有效天数（0 为活动期内有效）"), required=False, max_value=365)
    public = forms.BooleanField(label=_("公开领取（不勾选则只能定向发放）"), required=False)
    total_quantity = int_field(_("发放总量（张）"), min_value=1, max_value=10_000_000)

    def clean(self):
        data = super().clean()
        if data.get("coupon_type") == "amount" and data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("请填写面额"))
        if (
            data.get("coupon_type") == "percent"
            and data.get("discount") is None
            and "discount" not in self.errors
        ):
            self.add_error("discount", _("请填写折扣"))
        return data

    def config(self):
        d = self.cleaned_data
        out = {
            **super().config(),
            "type": d["coupon_type"],
            "threshold_fen": d.get("threshold") or 0,
            "valid_days": d.get("valid_days") or 0,
            "public": bool(d.get("public")),
        }
        if d["coupon_type"] == "amount":
            out["amount_fen"] = d["amount"]
        else:
            out["discount_bps"], out["cap_fen"] = d["discount"], d.get("cap") or 0
        return out

    @classmethod
    def initial_config(cls, promo, config):
        return {
            **super().initial_config(promo, config),
            "coupon_type": config.get("type", "amount"),
            "amount": config.get("amount_fen"),
            "discount": config.get("discount_bps"),
            "cap": config.get("cap_fen") or None,
            "threshold": config.get("threshold_fen") or None,
            "valid_days": config.get("valid_days", 0),
            "public": config.get("public", True),
            "total_quantity": promo.total_quantity,
        }

    @classmethod
    def initial_new(cls):
        return {
            **super().initial_new(),
            "coupon_type": "amount",
            "public": True,
            "valid_days": 0,
            "scope": Scope.ALL,
        }


class FullReductionForm(ScopedForm):
    """满减/满折: tiers 满X减Y (up to 5 rows `tier_threshold`/`tier_off`), 每满X减Y with a cap, or 满N件打M折
    (rows `qty_count`/`qty_discount`)."""

    kind = Kind.FULL_REDUCTION

    mode = forms.ChoiceField(
        label=_("优惠方式"),
        choices=[
            ("tiers", _("阶梯满减（满X元减Y元）")),
            ("every", _("每满减（每满X元减Y元）")),
            ("qty", _("满件折（满N件打M折）")),
        ],
        initial="tiers",
        widget=forms.RadioSelect,
    )
    every = YuanField(label=_("每满（元）"), required=False)
    off = YuanField(label=_("减（元）"), required=False)
    cap = YuanField(label=_("最多减（元，留空不封顶）"), required=False)

    def tier_rows(self) -> list[dict]:
        return self._rows("tier_rows", ("tier_threshold", "tier_off"), ("threshold", "off"))

    def qty_rows(self) -> list[dict]:
        return self._rows("qty_rows", ("qty_count", "qty_discount"), ("count", "discount"))

    def _rows(self, initial_key, names, keys) -> list[dict]:
        if self.is_bound:
            cols = [self.data.getlist(n) for n in names]
            rows = (
                [
                    {k: (col[i] if i < len(col) else "").strip() for k, col in zip(keys, cols, strict=True)}
                    for i in range(max(len(c) for c in cols))
                ]
                if any(cols)
                else []
            )
        else:
            rows = list(self.initial.get(initial_key) or [])
        rows = rows[:MAX_TIERS]
        return rows + [{k: "" for k in keys} for _ in range(MAX_TIERS - len(rows))]

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        self.tiers = []
        try:
            if mode == "tiers":
                for n, row in enumerate(self.tier_rows(), start=1):
                    if row["threshold"] or row["off"]:
                        if not (row["threshold"] and row["off"]):
                            raise DomainValidationError(f"第{n}档：请同时填写“满”和“减”的金额")
                        self.tiers.append(
                            [_fen(row["threshold"], f"第{n}档门槛"), _fen(row["off"], f"第{n}档优惠")]
                        )
                if not self.tiers:
                    raise DomainValidationError("请至少填写一档满减，如 满 300 元减 30 元")
            elif mode == "qty":
                for n, row in enumerate(self.qty_rows(), start=1):
                    if row["count"] or row["discount"]:
                        if not (row["count"] and row["discount"]):
                            raise DomainValidationError(f"第{n}档：请同时填写件数和折扣")
                        try:
                            bps = zhe_to_bps(row["discount"])
                        except DomainValidationError as exc:
                            raise DomainValidationError(f"第{n}档：{exc.message}") from None
                        self.tiers.append([_int(row["count"], f"第{n}档件数"), bps])
                if not self.tiers:
                    raise DomainValidationError("请至少填写一档满件折，如 满 2 件打 9 折")
            elif mode == "every":
                for key, label in (("every", _("请填写每满金额")), ("off", _("请填写每满减的金额"))):
                    if data.get(key) is None and key not in self.errors:
                        self.add_error(key, label)
        except DomainValidationError as exc:
            self.add_error(None, exc.message)
        return data

    def config(self):
        d = self.cleaned_data
        out = {**super().config(), "mode": d["mode"]}
        if d["mode"] == "every":
            out.update(every_fen=d["every"], off_fen=d["off"], cap_fen=d.get("cap") or 0)
        else:
            out["tiers"] = self.tiers
        return out

    @classmethod
    def initial_config(cls, promo, config):
        out = {**super().initial_config(promo, config), "mode": config.get("mode", "tiers")}
        if out["mode"] == "tiers":
            out["tier_rows"] = [
                {"threshold": yuan_text(a), "off": yuan_text(b)} for a, b in config.get("tiers", [])
            ]
        elif out["mode"] == "qty":
            out["qty_rows"] = [
                {"count": str(a), "discount": bps_to_zhe(b)} for a, b in config.get("tiers", [])
            ]
        else:
            out.update(
                every=config.get("every_fen"), off=config.get("off_fen"), cap=config.get("cap_fen") or None
            )
        return out

    @classmethod
    def initial_new(cls):
        return {**super().initial_new(), "mode": "tiers", "scope": Scope.ALL}


def _price(row, key, label) -> int:
    if not row.get(key):
        raise DomainValidationError(f"请填写{label}")
    return _fen(row[key], label)


class TimeDiscountForm(PromotionForm):
    kind = Kind.TIME_DISCOUNT
    limit_label = _("每人限购（件，0 为不限）")
    columns = [{"key": "price", "label": _("折扣价（元）")}, {"key": "discount", "label": _("或 折扣（折）")}]

    def item_from_row(self, row):
        if row["price"] and row["discount"]:
            raise DomainValidationError("折扣价和折扣只填一项")
        if row["price"]:
            return {"price_fen": _fen(row["price"], "折扣价")}
        if row["discount"]:
            return {"discount_bps": zhe_to_bps(row["discount"])}
        raise DomainValidationError("请填写折扣价或折扣")

    def row_from_item(self, item):
        return {"price": yuan_text(item.price_fen), "discount": bps_to_zhe(item.discount_bps)}


class MemberPriceForm(PromotionForm):
    """会员价: shop-wide discounts per level (`level_<rank>` in 折) and/or per-SKU prices per level."""

    kind = Kind.MEMBER_PRICE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ends_at"].label = _("结束时间（留空为长期）")
        for level in self.levels:
            self.fields[f"level_{level.rank}"] = ZheField(
                label=f"{level.name}（{level.rank} 级）", required=False
            )

    def level_fields(self):
        return [self[f"level_{level.rank}"] for level in self.levels]

    def item_columns(self):
        return [{"key": f"lv{level.rank}", "label": f"{level.name}价（元）"} for level in self.levels]

    def config(self):
        d = self.cleaned_data
        return {
            **super().config(),
            "level_bps": {
                str(level.rank): d[f"level_{level.rank}"]
                for level in self.levels
                if d.get(f"level_{level.rank}") is not None
            },
        }

    def item_from_row(self, row):
        prices = {}
        for level in self.levels:
            text = row.get(f"lv{level.rank}", "")
            if text:
                prices[str(level.rank)] = _fen(text, f"{level.name}价")
        if not prices:
            raise DomainValidationError("请为至少一个会员等级填写会员价")
        return {"level_prices": prices}

    def row_from_item(self, item):
        return {f"lv{rank}": yuan_text(fen) for rank, fen in (item.level_prices or {}).items()}

    @classmethod
    def initial_config(cls, promo, config):
        return {f"level_{rank}": bps for rank, bps in (config.get("level_bps") or {}).items()}


class FlashSaleForm(PromotionForm):
    kind = Kind.FLASH_SALE
    limit_label = _("每人限购（件，0 为不限）")
    columns = [{"key": "price", "label": _("秒杀价（元）")}, {"key": "stock", "label": _("秒杀库存")}]

    slot_id = forms.TypedChoiceField(
        label=_("报名平台秒杀场次（可选）"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("该秒杀场次不存在或已停止报名")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot_id"].choices = [("", _("不报名，自定时间"))] + [
            (s.pk, f"{s.name}（{_local(s.starts_at)} – {_local(s.ends_at)}）") for s in self.slots
        ]

    def clean(self):
        slot_id = self.cleaned_data.get("slot_id")
        slot = next((s for s in self.slots if s.pk == slot_id), None) if slot_id else None
        if slot is not None:  # the slot's session times are the promotion's
            self.cleaned_data["starts_at"], self.cleaned_data["ends_at"] = slot.starts_at, slot.ends_at
            self.errors.pop("starts_at", None)
            self.errors.pop("ends_at", None)
        return super().clean()

    def item_from_row(self, row):
        if not row["stock"]:
            raise DomainValidationError("请填写秒杀库存")
        return {"price_fen": _price(row, "price", "秒杀价"), "stock": _int(row["stock"], "秒杀库存")}

    def row_from_item(self, item):
        return {"price": yuan_text(item.price_fen), "stock": str(item.stock)}

    @classmethod
    def initial_config(cls, promo, config):
        return {"slot_id": promo.slot_id}


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%m-%d %H:%M")


class GroupBuyForm(PromotionForm):
    kind = Kind.GROUP_BUY
    limit_label = _("每人限购（件，0 为不限）")
    columns = [{"key": "price", "label": _("拼团价（元）")}]

    size = int_field(_("成团人数"), min_value=2, max_value=50, initial=2)
    hours = int_field(_("成团时限（小时）"), min_value=1, max_value=72, initial=24)

    def config(self):
        return {**super().config(), "size": self.cleaned_data["size"], "hours": self.cleaned_data["hours"]}

    def item_from_row(self, row):
        return {"price_fen": _price(row, "price", "拼团价")}

    def row_from_item(self, item):
        return {"price": yuan_text(item.price_fen)}

    @classmethod
    def initial_config(cls, promo, config):
        return {"size": config.get("size"), "hours": config.get("hours")}

    @classmethod
    def initial_new(cls):
        return {**super().initial_new(), "size": 2, "hours": 24}


class BundleForm(PromotionForm):
    kind = Kind.BUNDLE
    columns = [{"key": "quantity", "label": _("件数")}]

    bundle_price = YuanField(label=_("套餐价（元）"))

    def config(self):
        return {**super().config(), "price_fen": self.cleaned_data["bundle_price"]}

    def item_from_row(self, row):
        return {"quantity": _int(row["quantity"], "件数") if row["quantity"] else 1}

    def row_from_item(self, item):
        return {"quantity": str(item.quantity)}

    @classmethod
    def initial_config(cls, promo, config):
        return {"bundle_price": config.get("price_fen")}


class WholesaleForm(PromotionForm):
    """阶梯价: per SKU up to 5 tiers [起订量, 单价]."""

    kind = Kind.WHOLESALE
    columns = [
        col
        for n in range(1, MAX_TIERS + 1)
        for col in (
            {"key": f"qty{n}", "label": f"第{n}档 起订量", "tier": n},
            {"key": f"price{n}", "label": f"第{n}档 单价（元）", "tier": n},
        )
    ]

    wholesale_only = forms.BooleanField(label=_("仅批发买家可享"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ends_at"].label = _("结束时间（留空为长期）")

    def config(self):
        return {**super().config(), "wholesale_only": bool(self.cleaned_data.get("wholesale_only"))}

    def item_from_row(self, row):
        tiers = []
        for n in range(1, MAX_TIERS + 1):
            qty, price = row.get(f"qty{n}", ""), row.get(f"price{n}", "")
            if qty or price:
                if not (qty and price):
                    raise DomainValidationError(f"第{n}档：请同时填写起订量和单价")
                tiers.append([_int(qty, f"第{n}档起订量"), _fen(price, f"第{n}档单价")])
        if not tiers:
            raise DomainValidationError("请至少填写一档阶梯价")
        return {"tiers": tiers}

    def row_from_item(self, item):
        row = {}
        for n, (qty, fen) in enumerate(item.tiers or [], start=1):
            row[f"qty{n}"], row[f"price{n}"] = str(qty), yuan_text(fen)
        return row

    @classmethod
    def initial_config(cls, promo, config):
        return {"wholesale_only": bool(config.get("wholesale_only"))}


FORMS: dict[str, type[PromotionForm]] = {
    f.kind: f
    for f in (
        CouponForm,
        FullReductionForm,
        TimeDiscountForm,
        MemberPriceForm,
        FlashSaleForm,
        GroupBuyForm,
        BundleForm,
        WholesaleForm,
    )
}


# --- SKU rows ----------------------------------------------------------------------------------------------


def item_rows_from_post(post, form: PromotionForm) -> list[dict]:
    """The SKU rows as typed; wholly blank rows are dropped."""
    keys = [c["key"] for c in form.item_columns()]
    skus = post.getlist("item_sku")
    cols = {k: post.getlist(f"item_{k}") for k in keys}
    rows = []
    for i, sku in enumerate(skus[: MAX_ITEMS + 1]):
        row = {"sku_id": sku.strip(), **{k: (v[i] if i < len(v) else "").strip() for k, v in cols.items()}}
        if row["sku_id"] or any(row[k] for k in keys):
            rows.append(row)
    return rows


def items_from_rows(rows: list[dict], form: PromotionForm) -> tuple[list[dict], list[str]]:
    """Rows → the service's item dicts (fen, 万分比); each bad row gets `error` and a line in the error list."""
    items, errors = [], []
    for n, row in enumerate(rows, start=1):
        row["error"] = ""
        try:
            if not row["sku_id"]:
                raise DomainValidationError("请选择商品规格")
            sku_id = _int(row["sku_id"], "商品规格编号")
            items.append({"sku_id": sku_id, **form.item_from_row(row)})
        except DomainValidationError as exc:
            row["error"] = exc.message
            errors.append(f"第{n}行{(' ' + row['label']) if row.get('label') else ''}：{exc.message}")
    return items, errors


def rows_from_promotion(promo, form: PromotionForm) -> list[dict]:
    return [
        {"sku_id": str(item.sku_id), **form.row_from_item(item), "error": ""} for item in promo.items.all()
    ]


def sku_label(sku) -> str:
    spec = f" {sku.spec_text}" if sku.spec_text else ""
    return f"{sku.product.title}{spec}（¥{fen_to_yuan_str(sku.price_fen)}）"


def service_field(exc) -> None:
    """Point a service error at the form field that shows it (amount_fen → amount …)."""
    exc.field = FIELD_ALIASES.get(exc.field, exc.field)
