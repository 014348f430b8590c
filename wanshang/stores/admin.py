from django.contrib import admin

from wanshang.stores.models import Pickup, Store


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ("name", "shop", "region_text", "pickup_enabled")
    list_filter = ("pickup_enabled",)


@admin.register(Pickup)
class PickupAdmin(admin.ModelAdmin):
    list_display = ("order", "store", "status", "expires_at", "picked_up_at")
    list_filter = ("status",)
    readonly_fields = ("code",)
