"""Traffic of keyword ads: the impressions the search page showed, the clicks through the signed redirect and
the paid order lines attributed to a click. Append-only facts; reports aggregate them (`reports.py`).
Rules: docs/ads-serving.md."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wanshang.common.scoping import ShopOwnedManager


class Placement(models.TextChoices):
    """Where an ad was shown: the search results (直通车 keyword ads) or a placement outside search
    (引力魔方 audience ads and 全站推广)."""

    SEARCH = "search", _("搜索结果")
    HOME = "home", _("首页猜你喜欢")
    PRODUCT = "product", _("商品详情页推荐")
    CART = "cart", _("购物车")
    ORDER_DONE = "order_done", _("支付完成页")


class AdImpression(models.Model):
    """One ad shown in one slot of one page view. Spooled by the page (`traffic.impressions_record`) and
    inserted in batches by the `ads.ingest` job (adspool.py), ≤ one ingest interval later; never updated."""

    ts = models.DateTimeField()
    page_view = models.CharField(max_length=32)  # the page view's random id (also the auction's tie seed)
    shop = models.ForeignKey(
        "merchants.Shop", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    plan_id = models.BigIntegerField()
    group_id = models.BigIntegerField()
    keyword_id = models.BigIntegerField()
    product_id = models.BigIntegerField()
    position = models.PositiveSmallIntegerField()  # 1-based place among the results
    price_fen = models.PositiveIntegerField()  # the GSP price a click would cost
    query = models.CharField(max_length=100, blank=True)
    visitor = models.CharField(max_length=32, blank=True)
    terminal = models.CharField(max_length=3, blank=True)
    placement = models.CharField(max_length=10, choices=Placement.choices, default=Placement.SEARCH)
    creative_id = models.BigIntegerField(null=True, blank=True)  # the creative shown (rotation), if any
    crowd_id = models.BigIntegerField(null=True, blank=True)  # the audience target that won it, if any

    objects = ShopOwnedManager()

    class Meta:
        indexes = [
            models.Index(fields=["shop", "ts"], name="ad_imp_shop_ts"),
            models.Index(fields=["keyword_id", "ts"], name="ad_imp_keyword_ts"),
        ]


class AdClick(models.Model):
    """One click through a signed ad link (`traffic.click_record`, settled by the `ads.ingest` job in
    click_batch.py): one row per token, so a replayed link finds its row and is never charged again. Only
    `charged` clicks cost money; the others say why not."""

    class Status(models.TextChoices):
        CHARGED = "charged", _("已扣费")
        DUPLICATE = "duplicate", _("重复点击")
        BOT = "bot", _("机器流量")
        INVALID = "invalid", _("无效点击")
        UNPAID = "unpaid", _("预算或余额不足")

    token_hash = models.CharField(max_length=64, unique=True)
    ts = models.DateTimeField()
    issued_at = models.DateTimeField()
    page_view = models.CharField(max_length=32, blank=True)
    shop = models.ForeignKey(
        "merchants.Shop", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    plan_id = models.BigIntegerField()
    group_id = models.BigIntegerField()
    keyword_id = models.BigIntegerField()
    product_id = models.BigIntegerField()
    position = models.PositiveSmallIntegerField(default=0)
    query = models.CharField(max_length=100, blank=True)
    visitor = models.CharField(max_length=32, blank=True)
    user_id = models.BigIntegerField(null=True, blank=True)
    terminal = models.CharField(max_length=3, blank=True)
    price_fen = models.PositiveIntegerField()  # the auction's price carried by the token
    charged_fen = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices)
    reason = models.CharField(max_length=40, blank=True)
    placement = models.CharField(max_length=10, choices=Placement.choices, default=Placement.SEARCH)
    creative_id = models.BigIntegerField(null=True, blank=True)
    crowd_id = models.BigIntegerField(null=True, blank=True)

    objects = ShopOwnedManager()

    class Meta:
        indexes = [
            models.Index(fields=["shop", "ts"], name="ad_click_shop_ts"),
            models.Index(fields=["visitor", "group_id", "ts"], name="ad_click_visitor_group"),
            models.Index(fields=["product_id", "ts"], name="ad_click_product_ts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(charged_fen__lte=models.F("price_fen")), name="ad_click_charge_within_price"
            )
        ]


class AdConversion(models.Model):
    """A paid order line attributed to the buyer's last valid ad click on its product within the window.
    One per order line (a replayed `OrdersPaid` finds it)."""

    shop = models.ForeignKey(
        "merchants.Shop", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    click = models.ForeignKey(AdClick, on_delete=models.PROTECT, related_name="conversions")
    order_id = models.BigIntegerField()
    line_id = models.BigIntegerField(unique=True)
    plan_id = models.BigIntegerField()
    group_id = models.BigIntegerField()
    keyword_id = models.BigIntegerField()
    product_id = models.BigIntegerField()
    query = models.CharField(max_length=100, blank=True)
    quantity = models.PositiveIntegerField()
    amount_fen = models.BigIntegerField()  # the line's payable, no freight
    paid_at = models.DateTimeField()
    placement = models.CharField(max_length=10, choices=Placement.choices, default=Placement.SEARCH)

    objects = ShopOwnedManager()

    class Meta:
        indexes = [models.Index(fields=["shop", "paid_at"], name="ad_conv_shop_paid")]


class AdSpoolCursor(models.Model):
    """How far the ads' ingest job has read one spool file (or the Redis stream, `redis:<key>`); moved in the
    transaction that inserts the file's impressions and clicks and charges them (common/spool.py)."""

    name = models.CharField(max_length=200, unique=True)
    offset = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
