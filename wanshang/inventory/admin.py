"""Django admin lists (/django-admin/). Stock changes only through inventory services (they write the ledger)."""

from django.contrib import admin

from wanshang.common.admin import ReadOnlyAdmin
from wanshang.inventory.models import Stock, StockMovement, Warehouse


@admin.register(Warehouse)
class WarehouseAdmin(ReadOnlyAdmin):
    list_display = ["id", "shop", "name", "region_text", "contact", "phone", "is_default", "created_at"]
    list_filter = ["is_default"]
    search_fields = ["name", "shop__name"]
    list_select_related = ["shop"]


@admin.register(Stock)
class StockAdmin(ReadOnlyAdmin):
    list_display = ["id", "shop", "sku", "warehouse", "on_hand", "reserved", "updated_at"]
    search_fields = ["sku__product__title", "sku__barcode", "shop__name"]
    list_select_related = ["shop", "sku", "warehouse"]


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "shop",
        "sku",
        "warehouse",
        "kind",
        "on_hand_delta",
        "reserved_delta",
        "order_id",
        "actor",
        "reason",
        "created_at",
    ]
    list_filter = ["kind"]
    search_fields = ["sku__product__title", "reason", "order_id"]
    list_select_related = ["shop", "sku", "warehouse", "actor"]
