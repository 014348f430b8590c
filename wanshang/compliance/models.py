"""Price-rule records (明码标价和禁止价格欺诈规定): each SKU's lowest charged price per day, and flags raised."""

from django.db import models

from wanshang.common.scoping import ShopOwnedManager


class SkuDailyPrice(models.Model):
    """The lowest unit price actually charged for a SKU on a day (paid orders), for the §16 reference price."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    sku = models.ForeignKey("catalog.Sku", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    min_price_fen = models.BigIntegerField()

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["sku", "day"], name="uniq_sku_daily_price")]


class PriceAlert(models.Model):
    """A price-rule flag shown to the merchant and the platform, with the evidence."""

    class Rule(models.TextChoices):
        RAISE_BEFORE_DISCOUNT = "s17", "§17 先提价后打折"
        STRIKE_PRICE = "s16", "§16 划线价高于前7日最低成交价"

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    sku = models.ForeignKey("catalog.Sku", on_delete=models.CASCADE, related_name="+")
    promotion_id = models.BigIntegerField(null=True, blank=True)
    rule = models.CharField(max_length=4, choices=Rule.choices)
    message = models.CharField(max_length=300)
    evidence = models.JSONField(default=list)  # price history rows: [{"at", "price_fen", "old_price_fen"}]
    resolved = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["sku", "promotion_id", "rule"], name="uniq_price_alert")
        ]
