from django.contrib import admin

from wanshang.aftersales.models import Case, CaseReason, Refund
from wanshang.common.admin import ReadOnlyAdmin
from wanshang.common.money import fen_to_yuan_str


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["no", "order", "shop", "buyer", "amount", "status", "created_at", "refunded_at"]
    list_filter = ["status"]
    search_fields = ["no", "order__no", "buyer__username"]
    list_select_related = ["order", "shop", "buyer"]

    @admin.display(description="金额(元)", ordering="amount_fen")
    def amount(self, obj):
        return fen_to_yuan_str(obj.amount_fen)


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["no", "order", "shop", "buyer", "type", "status", "deadline_at", "created_at"]
    list_filter = ["type", "status"]
    search_fields = ["no", "order__no"]
    list_select_related = ["order", "shop", "buyer"]


@admin.register(CaseReason)
class CaseReasonAdmin(ReadOnlyAdmin):
    list_display = ["name", "fault", "for_refund_only", "for_return", "for_exchange", "no_reason", "active"]
