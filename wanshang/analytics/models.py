"""数据中心 data: the raw event log and the daily visitor rollup (with their ingest and rollup bookkeeping).

Events are facts, appended and never edited (a buyer's deletion request removes theirs). Page-side events
arrive through the spool (`collector.py`) in batches; money events (order placed, paid, refunded) are
written in the same transaction as the order change, so a payment and its event are never half-written.
Metric definitions are in `wanshang/insights/metrics.py` and docs/data-center.md; alerts, crowd packs and
A/B experiments are insights' models.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wanshang.common.scoping import ShopOwnedManager


class EventKind(models.TextChoices):
    PAGE_VIEW = "pv", _("浏览")  # every page; page_type product = 商品浏览, search (with query) = 搜索
    STAY = "stay", _("停留")  # the client beacon: time on one page, in duration_ms
    CART_ADD = "cart", _("加购")
    FAVOURITE = "fav", _("收藏")
    ORDER_PLACED = (
        "order",
        _("下单"),
    )  # one per order; amount = the order's total (goods + freight − discounts)
    ORDER_PAID = "paid", _("支付")  # one per order; amount = what was paid, freight included
    ITEM_PAID = "item_paid", _("商品支付")  # one per order line; amount = the line's payable, no freight
    REFUND = "refund", _("退款")  # one per completed refund; amount = refunded


class PageType(models.TextChoices):
    HOME = "home", _("首页")
    SEARCH = "search", _("搜索结果")
    CATEGORY = "category", _("类目页")
    PRODUCT = "product", _("商品详情")
    SHOP = "shop", _("店铺首页")
    ACTIVITY = "activity", _("活动页")
    CART = "cart", _("购物车")
    CHECKOUT = "checkout", _("结算")
    ORDER = "order", _("订单")
    MINE = "mine", _("我的")
    OTHER = "other", _("其它")


class Event(models.Model):
    """One thing a visitor did. `shop` is set when it happened on (or to) that shop's pages or orders."""

    ts = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    visitor = models.CharField(max_length=32, blank=True)  # random id from the `wsv` cookie; "" for the API
    session = models.CharField(max_length=32, blank=True)
    user_id = models.BigIntegerField(null=True, blank=True)
    shop = models.ForeignKey(
        "merchants.Shop",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    product_id = models.BigIntegerField(null=True, blank=True)
    category_id = models.BigIntegerField(null=True, blank=True)
    page_type = models.CharField(max_length=10, blank=True)
    source = models.CharField(max_length=12, blank=True)  # level-2 source code, see sources.py
    ref_host = models.CharField(max_length=100, blank=True)  # external referrers only
    query = models.CharField(max_length=100, blank=True)
    terminal = models.CharField(max_length=3, blank=True)  # pc / h5
    order_id = models.BigIntegerField(null=True, blank=True)
    amount_fen = models.BigIntegerField(default=0)
    quantity = models.IntegerField(default=0)
    duration_ms = models.IntegerField(default=0)

    objects = ShopOwnedManager()

    class Meta:
        indexes = [
            models.Index(fields=["shop", "kind", "ts"], name="event_shop_kind_ts"),
            models.Index(fields=["kind", "ts"], name="event_kind_ts"),
            models.Index(fields=["ts"], name="event_ts"),
            models.Index(fields=["user_id"], name="event_user"),
            models.Index(fields=["visitor", "ts"], name="event_visitor_ts"),  # 猜你喜欢: one visitor's latest
        ]


class SpoolCursor(models.Model):
    """How far the ingester has read one spool file; moved in the same transaction as the rows it inserted."""

    name = models.CharField(max_length=200, unique=True)
    offset = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)


class VisitorDay(models.Model):
    """Rollup: one visitor's day in one scope. shop NULL = the whole marketplace; product set = that
    product's page within the shop. Rebuilt per day from the events (`rollup.py`), so it can always be
    recomputed; today is read from the events directly."""

    day = models.DateField()
    shop = models.ForeignKey(
        "merchants.Shop",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    product_id = models.BigIntegerField(null=True, blank=True)
    visitor = models.CharField(max_length=40)
    user_id = models.BigIntegerField(null=True, blank=True)
    pv = models.IntegerField(default=0)
    product_pv = models.IntegerField(default=0)
    stay_ms = models.BigIntegerField(default=0)
    carts = models.IntegerField(default=0)
    favs = models.IntegerField(default=0)
    source = models.CharField(max_length=12, blank=True)  # of the day's first page view in this scope
    terminal = models.CharField(max_length=3, blank=True)

    objects = ShopOwnedManager()

    class Meta:
        indexes = [
            models.Index(fields=["shop", "product_id", "day"], name="vday_scope_day"),
            models.Index(fields=["day"], name="vday_day"),
        ]


class RollupState(models.Model):
    """Which days are rolled up, and up to which event id (a day with newer events is rebuilt)."""

    day = models.DateField(unique=True)
    max_event_id = models.BigIntegerField(default=0)
    built_at = models.DateTimeField(auto_now=True)


class RollupCursor(models.Model):
    """One row: every traffic event with an id up to `event_id` has had its (complete) day rolled up."""

    event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
