"""The one shop-scoped entry for seller-side data.

Every merchant-owned model uses `ShopOwnedManager`; seller-side selectors call `Model.objects.for_shop(shop)`.
It fails closed: without a shop it raises instead of returning every shop's rows.
"""

from django.db import models


class ShopScopeMissing(RuntimeError):
    pass


class ShopOwnedQuerySet(models.QuerySet):
    def for_shop(self, shop):
        if shop is None or getattr(shop, "pk", None) is None:
            raise ShopScopeMissing("a seller-side query must name its shop")
        return self.filter(shop_id=shop.pk)


ShopOwnedManager = models.Manager.from_queryset(ShopOwnedQuerySet)
