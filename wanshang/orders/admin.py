"""Django admin lists (/django-admin/). Orders change only through the state machine (orders.transitions)."""

from django.contrib import admin

from wanshang.common.admin import ReadOnlyAdmin
from wanshang.common.money import fen_to_yuan_str
from wanshang.orders.models import Order, OrderEvent, OrderLine


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fields = ["title", "spec_text", "unit_price_fen", "quantity", "discount_fen", "payable_fen"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrderEventInline(OrderLineInline):
    model = OrderEvent
    fields = ["created_at", "from_status", "to_status", "actor_kind", "actor", "note"]
    readonly_fields = ["created_at"]


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ["no", "shop", "buyer", "status", "total", "created_at", "paid_at"]
    list_filter = ["status"]
    search_fields = ["no", "tracking_no", "shop__name", "buyer__username", "buyer__phone"]
    list_select_related = ["shop", "buyer"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline, OrderEventInline]

    @admin.display(description="实付(元)", ordering="total_fen")
    def total(self, obj):
        return fen_to_yuan_str(obj.total_fen)
