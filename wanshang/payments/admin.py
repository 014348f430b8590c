"""Django admin lists (/django-admin/). Payments, refunds and the ledger are written only by payment services."""

from django.contrib import admin

from wanshang.common.admin import ReadOnlyAdmin
from wanshang.common.money import fen_to_yuan_str
from wanshang.payments.models import GatewayRefund, Payment, PaymentNotification, SettlementEntry


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["no", "buyer", "amount", "status", "gateway", "gateway_trade_no", "created_at", "paid_at"]
    list_filter = ["status", "gateway"]
    search_fields = ["no", "gateway_trade_no", "buyer__username"]
    list_select_related = ["buyer"]
    date_hierarchy = "created_at"

    @admin.display(description="金额(元)", ordering="amount_fen")
    def amount(self, obj):
        return fen_to_yuan_str(obj.amount_fen)


@admin.register(PaymentNotification)
class PaymentNotificationAdmin(ReadOnlyAdmin):
    list_display = ["id", "received_at", "gateway", "payment_no", "verified", "outcome", "detail"]
    list_filter = ["gateway", "verified", "outcome"]
    search_fields = ["payment_no", "detail"]


@admin.register(GatewayRefund)
class GatewayRefundAdmin(ReadOnlyAdmin):
    list_display = [
        "no",
        "payment",
        "amount_fen",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "succeeded_at",
    ]
    list_filter = ["status"]
    search_fields = ["no", "payment__no", "gateway_refund_no"]
    list_select_related = ["payment"]


@admin.register(SettlementEntry)
class SettlementEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "shop",
        "order",
        "gross",
        "commission",
        "net",
        "status",
        "settleable_at",
        "settled_at",
    ]
    list_filter = ["status"]
    search_fields = ["order__no", "shop__name"]
    list_select_related = ["shop", "order"]

    @admin.display(description="订单实付(元)", ordering="gross_fen")
    def gross(self, obj):
        return fen_to_yuan_str(obj.gross_fen)

    @admin.display(description="平台佣金(元)", ordering="commission_fen")
    def commission(self, obj):
        return fen_to_yuan_str(obj.commission_fen)

    @admin.display(description="应结金额(元)", ordering="net_fen")
    def net(self, obj):
        return fen_to_yuan_str(obj.net_fen)
