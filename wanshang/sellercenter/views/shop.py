"""店铺设置, 员工与角色 (owner only), 结算台账 (finance and owner)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wanshang.adlaw.selectors import open_hits
from wanshang.adlaw.services import shop_settings_save
from wanshang.common.errors import NotFound
from wanshang.common.web import form_errors, message_errors
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_list
from wanshang.merchants.services import staff_add, staff_change_role, staff_remove
from wanshang.payments.selectors import SETTLEMENT_STATUSES, settlement_list, settlement_totals
from wanshang.sellercenter.access import seller_render, seller_view
from wanshang.sellercenter.forms import ShopSettingsForm, StaffAddForm, StaffRoleForm
from wanshang.sellercenter.views.adlaw import hit_rows, warnings_message


@seller_view(P.SHOP_EDIT)
def shop_settings(request):
    shop = request.shop
    status = 200
    if request.method == "POST":
        form = ShopSettingsForm(request.POST)
        if form.is_valid():
            with form_errors(form) as outcome:
                warnings = shop_settings_save(shop=shop, **form.cleaned_data)[1]
                messages.success(request, _("店铺设置已保存"))
                warnings_message(request, warnings)
                return redirect("sellercenter:shop_settings")
            status = outcome.status
        else:
            status = 400
    else:
        form = ShopSettingsForm(
            initial={
                "name": shop.name,
                "logo_url": shop.logo_url,
                "description": shop.description,
                "ship_within_hours": shop.ship_within_hours,
            }
        )
    adlaw_rows = hit_rows(open_hits(shop=shop, source="shop", source_id=shop.pk))
    return seller_render(
        request,
        "sellercenter/shop/settings.html",
        {"form": form, "adlaw_rows": adlaw_rows},
        status=status,
        active="settings",
    )


def _staff_page(request, add_form=None, status=200):
    return seller_render(
        request,
        "sellercenter/shop/staff.html",
        {
            "members": staff_list(shop=request.shop),
            "add_form": add_form or StaffAddForm(),
            "role_form": StaffRoleForm(),
            "perm_labels": P.LABELS,
            "role_perms": [
                (value, label, sorted(P.LABELS[p] for p in P.ROLE_PERMISSIONS.get(value, ())))
                for value, label in StaffRoleForm.base_fields["role"].choices
            ],
        },
        status=status,
        active="staff",
    )


@seller_view(P.STAFF_MANAGE)
def staff_page(request):
    if request.method == "POST":
        form = StaffAddForm(request.POST)
        if form.is_valid():
            with form_errors(form) as outcome:
                member = staff_add(
                    shop=request.shop, login=form.cleaned_data["login"], role=form.cleaned_data["role"]
                )
                messages.success(
                    request, f"已添加员工 {member.user.display_name}（{member.get_role_display()}）"
                )
                return redirect("sellercenter:staff_list")
            return _staff_page(request, form, status=outcome.status)
        return _staff_page(request, form, status=400)
    return _staff_page(request)


@require_POST
@seller_view(P.STAFF_MANAGE)
def staff_role(request, staff_id: int):
    form = StaffRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择角色：运营、客服、仓库或财务"))
        return redirect("sellercenter:staff_list")
    with message_errors(request, passthrough=NotFound):
        member = staff_change_role(shop=request.shop, staff_id=staff_id, role=form.cleaned_data["role"])
        messages.success(request, f"{member.user.display_name} 的角色已改为{member.get_role_display()}")
    return redirect("sellercenter:staff_list")


@require_POST
@seller_view(P.STAFF_MANAGE)
def staff_delete(request, staff_id: int):
    with message_errors(request, passthrough=NotFound):
        staff_remove(shop=request.shop, staff_id=staff_id)
        messages.success(request, _("已移除该员工"))
    return redirect("sellercenter:staff_list")


@seller_view(P.FINANCE_VIEW)
def settlements(request):
    status = request.GET.get("status") or ""
    status = status if status in dict(SETTLEMENT_STATUSES) else ""
    page = Paginator(settlement_list(shop=request.shop, status=status or None), 30).get_page(
        request.GET.get("page")
    )
    return seller_render(
        request,
        "sellercenter/shop/settlements.html",
        {
            "page": page,
            "status": status,
            "tabs": [("", _("全部"))] + list(SETTLEMENT_STATUSES),
            "totals": settlement_totals(shop=request.shop),
        },
        active="settlements",
    )
