"""Plain forms of the seller center. They parse and type-check input; business rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wanshang.adlaw.selectors import CLAIM_KINDS as ADLAW_CLAIM_KINDS
from wanshang.catalog.selectors import EXCLUDABLE_RETURN_KINDS
from wanshang.common.errors import ValidationError as DomainValidationError
from wanshang.common.forms import YuanField  # noqa: F401  (re-exported for the seller views)
from wanshang.common.money import fen_to_yuan_str, yuan_to_fen
from wanshang.marketing.types import Kind
from wanshang.merchants.selectors import STAFF_ROLES

TEXT = forms.TextInput
ROLE_CHOICES = [(value, label) for value, label in STAFF_ROLES if value != "owner"]
INT_ERRORS = {
    "invalid": _("请输入整数"),
    "required": _("此项必填"),
    "min_value": _("不能小于 %(limit_value)s"),
    "max_value": _("不能大于 %(limit_value)s"),
}


def id_list(text: str) -> list[int]:
    """Ids typed as "101, 102" (commas, Chinese commas or new lines) → [101, 102]."""
    parts = [p.strip() for p in (text or "").replace("，", ",").replace("\n", ",").split(",") if p.strip()]
    bad = [p for p in parts if not p.isdigit()]
    if bad:
        raise forms.ValidationError(f"编号须为数字，“{bad[0]}” 无效")
    return [int(p) for p in parts]


def int_field(label, *, required=True, min_value=0, max_value=10_000_000, **kw):
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=min_value,
        max_value=max_value,
        error_messages=INT_ERRORS,
        **kw,
    )


def category_tree(leaves, *, allowed_ids=()) -> list[dict]:
    """The leaf categories a shop may use, grouped under their parents for the cascading picker:
    [{id, name, ok, children: [{id, name, ok, children: [{id, name, ok}]}]}] (一级 → 二级 → 三级), in the
    leaves' order. `ok` says the node itself may be chosen: every leaf; an upper node only when it is one of
    `allowed_ids` (the categories the shop was approved for) or lies under one, as the server requires; with
    no `allowed_ids` every node may be chosen."""
    allowed = {int(pk) for pk in allowed_ids}
    unlimited = not allowed  # a shop without 经营类目 may name any category
    roots: dict[int, dict] = {}
    for leaf in leaves:
        mid = leaf.parent
        top = getattr(mid, "parent", None)
        if mid is None or top is None:
            continue  # not a third-level category: only the plain select offers it
        top_ok = unlimited or top.pk in allowed
        node = roots.setdefault(top.pk, {"id": top.pk, "name": top.name, "ok": top_ok, "children": {}})
        branch = node["children"].setdefault(
            mid.pk, {"id": mid.pk, "name": mid.name, "ok": top_ok or mid.pk in allowed, "children": []}
        )
        branch["children"].append({"id": leaf.pk, "name": leaf.name, "ok": True})
    return [{**n, "children": list(n["children"].values())} for n in roots.values()]


class ApplyForm(forms.Form):
    company_name = forms.CharField(label=_("公司名称"), max_length=100)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=18,
        min_length=18,
        widget=TEXT(attrs={"placeholder": _("18 位，如 91350100M000100Y43")}),
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=40)
    contact_phone = forms.CharField(
        label=_("联系电话"), max_length=11, widget=forms.TextInput(attrs={"type": "tel"})
    )
    shop_name = forms.CharField(label=_("店铺名称"), max_length=60)
    category_ids = forms.MultipleChoiceField(
        label=_("申请经营类目"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个经营类目")},
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category_ids"].choices = [(str(c.pk), c.name) for c in categories]


class ProductForm(forms.Form):
    """The basic-information part of the product form; attributes and the SKU matrix are parsed beside it."""

    title = forms.CharField(label=_("商品标题"), max_length=60)
    subtitle = forms.CharField(label=_("副标题"), max_length=120, required=False)
    category_id = forms.TypedChoiceField(
        label=_("商品类目"),
        coerce=int,
        error_messages={"required": _("请选择类目"), "invalid_choice": _("请选择店铺可经营的三级类目")},
    )
    brand_id = forms.TypedChoiceField(label=_("品牌"), coerce=int, required=False, empty_value=None)
    images = forms.CharField(
        label=_("或粘贴图片地址（每行一个，排在上传的图片之后）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "https://…/1.jpg"}),
    )
    video_url = forms.CharField(label=_("或粘贴主图视频地址"), max_length=300, required=False)
    detail_html = forms.CharField(
        label=_("商品详情"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    tags = forms.CharField(label=_("标签（逗号分隔）"), max_length=200, required=False)
    is_wholesale = forms.BooleanField(label=_("批发商品"), required=False)
    min_order_qty = int_field(_("起批量"), min_value=1, max_value=100000, initial=1)
    freight_template_id = forms.TypedChoiceField(
        label=_("运费模板"), coerce=int, required=False, empty_value=None
    )
    ship_within_hours = int_field(
        _("承诺发货时间（小时）"),
        required=False,
        min_value=1,
        max_value=720,
        help_text=_("付款后多少小时内发货；不填按店铺设置。超时未发货将按平台规则赔付买家。"),
    )
    no_return_kind = forms.ChoiceField(
        label=_("7天无理由退货"),
        required=False,
        choices=[("", _("支持（类目法定不支持的除外）")), *EXCLUDABLE_RETURN_KINDS],
        help_text=_("选择不支持的原因后，买家下单时须勾选确认；定作、生鲜等法定不支持的由平台按类目设置。"),
    )
    no_return_note = forms.CharField(label=_("不支持的说明（展示给买家）"), max_length=100, required=False)

    def __init__(self, *args, categories=(), brands=(), templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category_id"].choices = [("", _("请选择类目"))] + [
            (
                c.pk,
                " / ".join(
                    filter(
                        None,
                        [
                            getattr(getattr(c.parent, "parent", None), "name", ""),
                            getattr(c.parent, "name", ""),
                            c.name,
                        ],
                    )
                ),
            )
            for c in categories
        ]
        self.category_tree = category_tree(categories)
        self.fields["brand_id"].choices = [("", _("无品牌"))] + [(b.pk, b.name) for b in brands]
        self.fields["freight_template_id"].choices = [("", _("店铺默认模板"))] + [
            (t.pk, t.name) for t in templates
        ]

    def image_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("images", "").splitlines() if line.strip()]

    def tag_list(self) -> list[str]:
        raw = self.cleaned_data.get("tags", "").replace("，", ",")
        return [t.strip() for t in raw.split(",") if t.strip()]


class StatusBulkForm(forms.Form):
    """上架/下架 of the ticked products; the ids themselves are checked by the service in the shop's scope."""

    action = forms.ChoiceField(
        choices=[("on_sale", _("上架")), ("off_shelf", _("下架"))],
        error_messages={"invalid_choice": _("请选择上架或下架"), "required": _("请选择上架或下架")},
    )


class SkuPriceForm(forms.Form):
    price = YuanField(label=_("售价（元）"))
    original_price = YuanField(label=_("划线价（元）"), required=False)


class StockAdjustForm(forms.Form):
    sku_id = forms.IntegerField(widget=forms.HiddenInput)
    warehouse_id = forms.IntegerField(label=_("仓库"))
    on_hand = int_field(_("实物库存"))
    reason = forms.CharField(label=_("调整原因"), max_length=200, required=False)


class StockFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False)
    warehouse = forms.TypedChoiceField(label=_("仓库"), coerce=int, required=False, empty_value=None)
    low = forms.BooleanField(label=_("只看低库存"), required=False)

    def __init__(self, *args, warehouses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].choices = [("", _("全部仓库"))] + [(w.pk, w.name) for w in warehouses]


class WarehouseForm(forms.Form):
    name = forms.CharField(label=_("仓库名称"), max_length=60)
    district_code = forms.CharField(label=_("所在地区"), max_length=12, required=False)
    detail = forms.CharField(label=_("详细地址"), max_length=200, required=False)
    contact = forms.CharField(label=_("联系人"), max_length=40, required=False)
    phone = forms.CharField(label=_("电话"), max_length=20, required=False)
    is_default = forms.BooleanField(label=_("设为默认发货仓"), required=False)


class OrderFilterForm(forms.Form):
    status = forms.CharField(required=False)
    q = forms.CharField(label=_("搜索"), required=False, max_length=60)
    date_from = forms.DateField(
        label=_("下单起"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("下单止"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ShipForm(forms.Form):
    carrier = forms.ChoiceField(
        label=_("快递公司"),
        error_messages={"required": _("请选择快递公司"), "invalid_choice": _("请选择快递公司")},
    )
    tracking_no = forms.CharField(label=_("运单号"), max_length=40, required=False)

    def __init__(self, *args, carriers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].choices = [("", _("请选择"))] + list(carriers)


class RefundRejectForm(forms.Form):
    note = forms.CharField(
        label=_("拒绝理由"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写拒绝理由")},
    )


class FreightTemplateForm(forms.Form):
    name = forms.CharField(label=_("模板名称"), max_length=60)
    mode = forms.ChoiceField(
        label=_("计价方式"),
        choices=[("piece", _("按件数")), ("weight", _("按重量"))],
        widget=forms.RadioSelect,
    )
    first_units = int_field(_("首件（件）/首重（克）"), min_value=1, max_value=10**9)
    first_price = YuanField(label=_("首费（元）"))
    additional_units = int_field(_("续件（件）/续重（克）"), min_value=1, max_value=10**9)
    additional_price = YuanField(label=_("续费（元）"))
    free_threshold = YuanField(
        label=_("满额包邮（元，留空不包邮）"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": _("留空则不包邮")}),
    )
    excluded_regions = forms.MultipleChoiceField(
        label=_("不配送地区"), required=False, widget=forms.CheckboxSelectMultiple
    )
    is_default = forms.BooleanField(label=_("设为店铺默认模板"), required=False)

    def __init__(self, *args, provinces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["excluded_regions"].choices = [(p.code, p.name) for p in provinces]


class ShopSettingsForm(forms.Form):
    name = forms.CharField(label=_("店铺名称"), max_length=60)
    logo_url = forms.CharField(label=_("店铺标志地址"), max_length=300, required=False)
    description = forms.CharField(
        label=_("店铺简介"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    ship_within_hours = int_field(
        _("承诺发货时间（小时）"),
        required=False,  # left empty: unchanged
        min_value=1,
        max_value=720,
        help_text=_(
            "付款后多少小时内发货（默认 48）；商品可单独承诺。超时未发货按平台规则赔付买家，从结算中扣除。"
        ),
    )


class StaffAddForm(forms.Form):
    login = forms.CharField(label=_("手机号或邮箱"), max_length=150)
    role = forms.ChoiceField(label=_("角色"), choices=ROLE_CHOICES)


class StaffRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=ROLE_CHOICES)


# --- 营销中心 (the promotion form of each kind is in promoforms.py) ----------------------------------------------


class CouponIssueForm(forms.Form):
    """定向发放: buyer ids typed as a list."""

    buyer_ids = forms.CharField(
        label=_("买家编号（逗号或换行分隔）"),
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "10001, 10002"}),
        error_messages={"required": _("请填写买家编号")},
    )

    def clean_buyer_ids(self):
        ids = id_list(self.cleaned_data["buyer_ids"].replace(" ", ","))
        if not ids:
            raise forms.ValidationError(_("请填写买家编号"))
        return ids


class PromotionFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部类型"))] + list(Kind.choices)
    )
    phase = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[
            ("", _("全部")),
            ("running", _("进行中")),
            ("scheduled", _("未开始")),
            ("paused", _("已暂停")),
            ("ended", _("已结束")),
        ],
    )


class MemberLevelRowsForm:
    """会员等级: 9 rows `level_rank`, `level_name`, `level_spend` (yuan), `level_points` → member_levels_save's list."""

    ROWS = 9

    def __init__(self, post=None, levels=()):
        if post is not None:
            cols = [post.getlist(n) for n in ("level_rank", "level_name", "level_spend", "level_points")]
            self.rows = (
                [
                    {
                        k: (col[i] if i < len(col) else "").strip()
                        for k, col in zip(("rank", "name", "spend", "points"), cols, strict=True)
                    }
                    for i in range(max(len(c) for c in cols))
                ]
                if any(cols)
                else []
            )
        else:
            self.rows = [
                {
                    "rank": str(lv.rank),
                    "name": lv.name,
                    "spend": fen_to_yuan_str(lv.min_spend_fen) if lv.min_spend_fen else "",
                    "points": str(lv.min_points or ""),
                }
                for lv in levels
            ]
        self.rows = self.rows[: self.ROWS]
        self.errors: list[str] = []

    def padded(self) -> list[dict]:
        return self.rows + [
            {"rank": "", "name": "", "spend": "", "points": ""} for _ in range(self.ROWS - len(self.rows))
        ]

    def levels(self) -> list[dict]:
        """The typed levels in the service's shape; bad rows go to `errors` (blank rows are skipped)."""
        out = []
        for n, row in enumerate(self.rows, start=1):
            if not any(row.values()):
                continue
            if not row["rank"] or not row["name"]:
                self.errors.append(f"第{n}行：请填写等级和名称")
                continue
            if not row["rank"].isdigit() or not (row["points"] or "0").isdigit():
                self.errors.append(f"第{n}行：等级和积分须为整数")
                continue
            try:
                spend = yuan_to_fen(row["spend"]) if row["spend"] else 0
            except DomainValidationError as exc:
                self.errors.append(f"第{n}行：累计消费：{exc.message}")
                continue
            out.append(
                {
                    "rank": int(row["rank"]),
                    "name": row["name"],
                    "min_spend_fen": spend,
                    "min_points": int(row["points"] or 0),
                }
            )
        return out


class ReviewReplyForm(forms.Form):
    text = forms.CharField(
        label=_("回复内容"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写回复内容")},
    )
    followup = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ReviewReportForm(forms.Form):
    reason = forms.CharField(
        label=_("举报理由"),
        max_length=300,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("例如：评价含广告、辱骂或与商品无关，请说明")}
        ),
        error_messages={"required": _("请填写举报理由")},
    )


# --- 库存计划 and 入库单 -----------------------------------------------------------------------------------------


class PlanFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=60)
    need = forms.BooleanField(label=_("只看需补货"), required=False)
    sort = forms.ChoiceField(label=_("排序"), required=False)

    def __init__(self, *args, sorts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sort"].choices = [(k, _(v)) for k, v in (sorts or {}).items()]


class PlanSettingsForm(forms.Form):
    lead_days = forms.IntegerField(label=_("采购提前期（天）"), min_value=0, max_value=365)
    safety_days = forms.IntegerField(label=_("安全库存（天）"), min_value=0, max_value=365)
    safety_units = forms.IntegerField(
        label=_("安全库存（件，填写则代替天数）"), min_value=0, max_value=1_000_000, required=False
    )
    review_days = forms.IntegerField(label=_("补货周期（天）"), min_value=0, max_value=365)
    window_days = forms.TypedChoiceField(label=_("销量统计窗口"), coerce=int)
    campaign_uplift_pct = forms.IntegerField(label=_("活动销量倍数（%）"), min_value=100, max_value=5000)
    campaign_horizon_days = forms.IntegerField(label=_("活动提前预警（天）"), min_value=1, max_value=90)

    def __init__(self, *args, windows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["window_days"].choices = [(w, _("近 %(n)s 天") % {"n": w}) for w in windows]


class SkuPlanForm(forms.Form):
    lead_days = forms.IntegerField(
        label=_("采购提前期（天，留空用店铺设置）"), min_value=0, max_value=365, required=False
    )
    safety_units = forms.IntegerField(
        label=_("安全库存（件，留空用店铺设置）"), min_value=0, max_value=1_000_000, required=False
    )
    pack_size = forms.IntegerField(label=_("箱规（件）"), min_value=1, max_value=10_000, initial=1)


class ReceiptForm(forms.Form):
    warehouse_id = forms.TypedChoiceField(label=_("入库仓库"), coerce=int)
    supplier_name = forms.CharField(label=_("供应商"), max_length=60)
    expected_date = forms.DateField(label=_("预计到货日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
    submit_now = forms.BooleanField(label=_("供应商已发货，直接标记为在途"), required=False, initial=True)

    def __init__(self, *args, warehouses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse_id"].choices = [(w.pk, w.name) for w in warehouses]


class StoreForm(forms.Form):
    """门店: the fields of `stores.services.store_create`; the service checks them again (and the warehouse is
    the shop's own)."""

    name = forms.CharField(
        label=_("门店名称"), max_length=60, error_messages={"required": _("请填写门店名称")}
    )
    district_code = forms.CharField(
        label=_("所在地区"), max_length=12, error_messages={"required": _("请选择省/市/区")}
    )
    detail = forms.CharField(
        label=_("详细地址"), max_length=200, error_messages={"required": _("请填写详细地址")}
    )
    phone = forms.CharField(
        label=_("门店电话"), max_length=20, error_messages={"required": _("请填写门店电话")}
    )
    hours = forms.CharField(
        label=_("营业时间"),
        max_length=100,
        help_text=_("如 09:00-21:00；或 周一至周五 09:00-18:00，周末 10:00-20:00"),
        error_messages={"required": _("请填写营业时间")},
    )
    warehouse_id = forms.TypedChoiceField(
        label=_("供货仓库"),
        coerce=int,
        help_text=_("到店自提的商品从这个仓库扣库存"),
        error_messages={"required": _("请选择供货仓库"), "invalid_choice": _("请选择本店的供货仓库")},
    )
    pickup_enabled = forms.BooleanField(label=_("支持到店自提"), required=False)
    latitude = forms.DecimalField(
        label=_("纬度（选填）"), required=False, max_digits=9, decimal_places=6, min_value=-90, max_value=90
    )
    longitude = forms.DecimalField(
        label=_("经度（选填）"), required=False, max_digits=9, decimal_places=6, min_value=-180, max_value=180
    )
    staff = forms.TypedMultipleChoiceField(
        label=_("门店员工"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("只列出角色为“门店”的员工：他们只能看到并核销所指派门店的自提订单"),
        error_messages={"invalid_choice": _("只能指派本店“门店”角色的员工")},
    )

    def __init__(self, *args, warehouses=(), members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse_id"].choices = [("", _("请选择"))] + [(w.pk, w.name) for w in warehouses]
        self.fields["staff"].choices = [(m.user_id, str(m.user)) for m in members]


class PickupVerifyForm(forms.Form):
    store_id = forms.TypedChoiceField(
        label=_("门店"), coerce=int, error_messages={"invalid_choice": _("请选择你的门店")}
    )
    code = forms.CharField(
        label=_("提货码"),
        max_length=20,
        error_messages={"required": _("请输入 8 位数字提货码")},
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "placeholder": "12345678",
                "autofocus": True,
            }
        ),
    )

    def __init__(self, *args, stores=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store_id"].choices = [(s.pk, s.name) for s in stores]


class ImageDeclarationForm(forms.Form):
    """图片授权声明: a picture of the shop marked as showing a brand's logo or a person's portrait."""

    asset_id = forms.IntegerField(label=_("图片"), error_messages={"required": _("请选择图片")})
    kind = forms.ChoiceField(
        label=_("图片包含"),
        choices=[("brand", _("品牌标识（Logo）")), ("portrait", _("人物肖像"))],
        error_messages={"required": _("请选择图片包含的内容")},
    )
    subject = forms.CharField(label=_("品牌或人物名称"), max_length=60, required=False)
    file = forms.FileField(
        label=_("授权文件（PDF 或图片）"),
        required=False,
        help_text=_("品牌授权书或肖像使用授权书；PDF、JPEG、PNG、WebP，不超过 5 MB。可以稍后再上传。"),
    )


class DeclarationFileForm(forms.Form):
    file = forms.FileField(label=_("授权文件"), error_messages={"required": _("请选择授权文件")})


class AdlawClaimForm(forms.Form):
    """广告法 exemption claim: the term, the exact wording it is allowed in, the SAMR 2023 kind, a note.
    The evidence files come from request.FILES.getlist("evidence") (checked by the service)."""

    term = forms.CharField(label=_("用语"), max_length=40)
    text = forms.CharField(
        label=_("适用文字"), max_length=200, help_text=_("含该用语的原文，豁免仅对这段文字有效")
    )
    kind = forms.ChoiceField(label=_("豁免类型"), choices=ADLAW_CLAIM_KINDS)
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("统计数据须写明时间、地域和数据来源"),
    )
