"""Promotions (营销): one table for every kind, the SKUs each applies to, and what buyers hold of them.

A promotion's kind-specific rules live in `config` (validated by its kind in `kinds.py`); per-SKU prices,
flash-sale stock and wholesale tiers live in `PromotionItem`. Platform promotions have no shop.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from wanshang.common.scoping import ShopOwnedManager
from wanshang.marketing.types import Kind, Scope


class FlashSlot(models.Model):
    """A platform flash-sale session (秒杀场次): merchants enrol SKUs, the storefront shows its countdown."""

    name = models.CharField("场次名称", max_length=40)
    starts_at = models.DateTimeField("开始时间", db_index=True)
    ends_at = models.DateTimeField("结束时间")
    is_open = models.BooleanField("开放报名", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="slot_end_after_start"
            )
        ]

    def __str__(self):
        return self.name


class Promotion(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "生效"
        PAUSED = "paused", "已暂停"
        ENDED = "ended", "已结束"

    shop = models.ForeignKey(
        "merchants.Shop", null=True, blank=True, on_delete=models.CASCADE, related_name="promotions"
    )  # null: a platform promotion
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    name = models.CharField("活动名称", max_length=40)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    scope = models.CharField("适用范围", max_length=12, choices=Scope.choices, default=Scope.ALL)
    scope_ids = models.JSONField("范围 ID", default=list, blank=True)
    config = models.JSONField("规则", default=dict)
    per_buyer_limit = models.PositiveIntegerField("每人限购/限领", default=0)  # 0: no limit
    total_quantity = models.PositiveIntegerField("发放总量", default=0)  # coupons; 0: no limit
    issued_count = models.PositiveIntegerField(default=0)
    used_count = models.PositiveIntegerField(default=0)
    platform_share_bps = models.PositiveIntegerField("平台承担比例(万分比)", default=0)
    slot = models.ForeignKey(
        FlashSlot, null=True, blank=True, on_delete=models.PROTECT, related_name="promotions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["kind", "status", "ends_at"]),
            models.Index(fields=["shop", "kind", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="promo_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(total_quantity=0) | Q(issued_count__lte=models.F("total_quantity")),
                name="promo_issued_within_total",
            ),
            models.CheckConstraint(
                condition=Q(platform_share_bps__lte=10000), name="promo_share_at_most_all"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_platform(self) -> bool:
        return self.shop_id is None

    def phase(self, now) -> str:
        """What a person calls its state now: 未开始 / 进行中 / 已暂停 / 已结束."""
        if self.status == self.Status.ENDED or now >= self.ends_at:
            return "ended"
        if self.status == self.Status.PAUSED:
            return "paused"
        return "scheduled" if now < self.starts_at else "running"


class PromotionItem(models.Model):
    """A SKU in a promotion, with its promotion price (or discount), flash-sale stock, tiers or bundle count."""

    promotion = models.ForeignKey(Promotion, on_delete=models.CASCADE, related_name="items")
    shop = models.ForeignKey(
        "merchants.Shop", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    sku = models.ForeignKey("catalog.Sku", on_delete=models.CASCADE, related_name="+")
    product_id = models.BigIntegerField(db_index=True)
    price_fen = models.BigIntegerField("活动价", null=True, blank=True)
    discount_bps = models.PositiveIntegerField("折扣(万分比)", null=True, blank=True)  # 8500 = 8.5 折
    level_prices = models.JSONField("会员等级价", default=dict, blank=True)  # {"1": fen, ...}
    tiers = models.JSONField("阶梯价", default=list, blank=True)  # [[min_qty, fen], ...]
    quantity = models.PositiveIntegerField("套餐件数", default=1)
    stock = models.PositiveIntegerField("活动库存", default=0)
    sold = models.PositiveIntegerField("已抢", default=0)
    # Flash-sale stock is set aside in one warehouse (reserved there) from set-up until the sale ends:
    # `held` units are reserved for the sale and not yet in an order.
    hold_warehouse_id = models.BigIntegerField(null=True, blank=True)
    held = models.PositiveIntegerField("锁定库存", default=0)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["promotion", "sku"], name="uniq_promo_sku"),
            models.CheckConstraint(
                condition=Q(sold__lte=models.F("stock")) | Q(stock=0), name="promo_item_no_oversell"
            ),
            models.CheckConstraint(
                condition=Q(held__lte=models.F("stock") - models.F("sold")) | Q(held=0),
                name="promo_item_held_within_left",
            ),
            models.CheckConstraint(
                condition=Q(price_fen__isnull=True) | Q(price_fen__gt=0), name="promo_item_price_positive"
            ),
        ]


class FlashClaim(models.Model):
    """How many units of a flash-sale SKU one buyer holds (per-buyer limit; released with the order)."""

    item = models.ForeignKey(PromotionItem, on_delete=models.CASCADE, related_name="claims")
    shop = models.ForeignKey("merchants.Shop", null=True, on_delete=models.CASCADE, related_name="+")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(default=0)

    objects = ShopOwnedManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "buyer"], name="uniq_flash_claim")]


class Coupon(models.Model):
    """A coupon a buyer holds: claimed in the coupon center or issued to them (定向发放)."""

    class Status(models.TextChoices):
        UNUSED = "unused", "未使用"
        USED = "used", "已使用"
        VOID = "void", "已作废"

    promotion = models.ForeignKey(Promotion, on_delete=models.PROTECT, related_name="coupons")
    shop = models.ForeignKey(
        "merchants.Shop", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coupons")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.UNUSED)
    source = models.CharField(max_length=8, default="claim")  # claim / issued
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(db_index=True)
    payment = models.ForeignKey(
        "payments.Payment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["valid_until", "id"]
        indexes = [models.Index(fields=["buyer", "status", "valid_until"])]


class MemberLevel(models.Model):
    """A shop's membership level (店铺会员): reached by spend in the shop or by points."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="member_levels")
    rank = models.PositiveSmallIntegerField("等级")
    name = models.CharField("等级名称", max_length=20)
    min_spend_fen = models.BigIntegerField("累计消费满(分)", default=0)
    min_points = models.PositiveIntegerField("积分满", default=0)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["rank"]
        constraints = [models.UniqueConstraint(fields=["shop", "rank"], name="uniq_member_level_rank")]


class PointsAccount(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="points")
    balance = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="points_nonnegative")]


class PointsEntry(models.Model):
    """Points ledger: every earn, spend and return, with the balance after it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="points_entries"
    )
    delta = models.BigIntegerField()
    balance_after = models.BigIntegerField()
    reason = models.CharField(max_length=20)  # earn / redeem / return / reverse
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=100, blank=True)
    ref = models.CharField(
        max_length=40, blank=True
    )  # "earn:<order>", "refund:<refund>": makes each entry once
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["ref"], condition=~Q(ref=""), name="uniq_points_ref"),
        ]


class GroupTeam(models.Model):
    """One group of a group buy (一个团): completes when `size` members have paid before `expires_at`."""

    class Status(models.TextChoices):
        OPEN = "open", "拼团中"
        COMPLETE = "complete", "拼团成功"
        FAILED = "failed", "拼团失败"

    promotion = models.ForeignKey(Promotion, on_delete=models.PROTECT, related_name="teams")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(PromotionItem, on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    size = models.PositiveSmallIntegerField()
    paid_count = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    expires_at = models.DateTimeField(db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(paid_count__lte=models.F("size")), name="team_not_overfull")
        ]


class GroupMember(models.Model):
    team = models.ForeignKey(GroupTeam, on_delete=models.CASCADE, related_name="members")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    order = models.OneToOneField("orders.Order", on_delete=models.CASCADE, related_name="group_member")
    paid = models.BooleanField(default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["team", "buyer"], name="uniq_team_buyer")]


# --- precomputed buyer prices (lists and the product page read these; docs/promotions.md) -------------------
#
# What a SKU costs one price group now: 0 = a visitor not logged in, or a buyer below every member level of
# the shop; n = the shop's member level of rank n. Written by `promotions/display.py` with the cart's own item
# step, in the transaction of every promotion, member-level and price change, and again by the
# `marketing.display_prices` job when a promotion starts or ends (`valid_until`). Group 0 has a row for every
# active SKU of a shop; a member group has one only where its price differs from group 0's.

LIVE_FLASH = 1  # a flash-sale price: depends on the stock left and the buyer's claims, priced live
LIVE_LIMIT = 2  # a per-buyer limit: a logged-in buyer who used it up pays another price, priced live
LIVE_WHOLESALE = 4  # a price only wholesale accounts get: priced live for them


class SkuDisplayPrice(models.Model):
    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    product_id = models.BigIntegerField()
    sku_id = models.BigIntegerField()
    price_group = models.PositiveSmallIntegerField(default=0)
    list_price_fen = models.BigIntegerField()  # the SKU's own price it was computed from
    price_fen = models.BigIntegerField()
    label = models.CharField(max_length=60, blank=True)
    kind = models.CharField(max_length=20, blank=True)
    promotion_id = models.BigIntegerField(null=True)
    ends_at = models.DateTimeField(null=True)  # the winning promotion's end (the page's countdown)
    live = models.PositiveSmallIntegerField(default=0)  # LIVE_* bits
    flash = models.JSONField(default=list)  # [[flash item id, had stock left]] of running flash sales
    valid_until = models.DateTimeField()  # the shop's next promotion start or end, at the latest

    objects = ShopOwnedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sku_id", "price_group"], name="uniq_sku_display_price")
        ]
        indexes = [models.Index(fields=["shop", "valid_until"], name="sku_display_price_due")]


class ProductDisplayPrice(models.Model):
    """A product card's price per group: the cheapest active SKU's row, and the dearest price."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    product_id = models.BigIntegerField()
    price_group = models.PositiveSmallIntegerField(default=0)
    sku_id = models.BigIntegerField()  # the cheapest SKU for this group
    own_min_fen = models.BigIntegerField()  # the product's min_price_fen it was computed from
    list_price_fen = models.BigIntegerField()  # the cheapest SKU's own price
    price_fen = models.BigIntegerField()
    max_price_fen = models.BigIntegerField()
    label = models.CharField(max_length=60, blank=True)
    kind = models.CharField(max_length=20, blank=True)
    promotion_id = models.BigIntegerField(null=True)
    ends_at = models.DateTimeField(null=True)
    live = models.PositiveSmallIntegerField(default=0)  # LIVE_* bits of any of its SKUs
    flash = models.JSONField(default=list)  # its SKUs' [[flash item id, had stock left]]
    tags = models.JSONField(
        default=list
    )  # the card's promotion tags (限时折扣, 秒杀, 拼团 …), as product_tags
    valid_until = models.DateTimeField()

    objects = ShopOwnedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product_id", "price_group"], name="uniq_product_display_price")
        ]
        indexes = [models.Index(fields=["shop", "valid_until"], name="product_display_price_due")]


class DisplayPriceShop(models.Model):
    """When a shop's display prices were last written and until when they hold (the job's work list)."""

    shop = models.OneToOneField("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    computed_at = models.DateTimeField()
    valid_until = models.DateTimeField(db_index=True)
