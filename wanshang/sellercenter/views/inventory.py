"""库存 (stock per SKU per warehouse, adjust, low stock, ledger) and 仓库 (warehouses)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wanshang.catalog.selectors import seller_sku_get
from wanshang.common.errors import DomainError, NotFound
from wanshang.common.web import form_errors
from wanshang.fulfillment.selectors import region_path
from wanshang.inventory.selectors import (
    low_stock_skus,
    movement_list,
    seller_sku_stocks,
    seller_stock_list,
    warehouse_get,
    warehouse_list,
)
from wanshang.inventory.services import (
    stock_adjust,
    warehouse_create,
    warehouse_set_default,
    warehouse_update,
)
from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import seller_render, seller_view
from wanshang.sellercenter.forms import StockAdjustForm, StockFilterForm, WarehouseForm
from wanshang.sellercenter.views.products import safe_next


def _int_param(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@seller_view(P.STOCK_EDIT)
def stock_list(request):
    warehouses = warehouse_list(shop=request.shop)
    form = StockFilterForm(request.GET or None, warehouses=warehouses)
    data = form.cleaned_data if form.is_valid() else {}
    rows = seller_stock_list(
        shop=request.shop,
        q=(data.get("q") or "").strip(),
        warehouse_id=data.get("warehouse"),
        low_only=bool(data.get("low")),
    )
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return seller_render(
        request,
        "sellercenter/inventory/stock_list.html",
        {
            "form": form,
            "page": page,
            "warehouses": warehouses,
        },
        active="stock",
    )


@seller_view(P.STOCK_EDIT)
def stock_adjust_page(request):
    """Stock of one SKU in every warehouse, and the form that sets its on-hand count with a reason."""
    source = request.POST if request.method == "POST" else request.GET
    sku_id = _int_param(source.get("sku_id") or source.get("sku"))
    if sku_id is None:
        raise NotFound("SKU 不存在")
    sku = seller_sku_get(shop=request.shop, sku_id=sku_id)
    warehouses = warehouse_list(shop=request.shop)
    status = 200
    if request.method == "POST":
        form = StockAdjustForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            with form_errors(form, passthrough=NotFound) as outcome:
                stock = stock_adjust(
                    shop=request.shop,
                    sku_id=sku.pk,
                    warehouse_id=data["warehouse_id"],
                    on_hand=data["on_hand"],
                    actor=request.user,
                    reason=data["reason"],
                )
                messages.success(
                    request,
                    f"“{sku.product.title} {sku.spec_text}”在{stock.warehouse.name}的库存已设为 "
                    f"{stock.on_hand}",
                )
                return redirect(safe_next(request, f"{reverse('sellercenter:stock_adjust')}?sku={sku.pk}"))
            status = outcome.status
        else:
            status = 400
    else:
        default = next((w for w in warehouses if w.is_default), None)
        wanted = _int_param(request.GET.get("warehouse")) or (default.pk if default else None)
        form = StockAdjustForm(initial={"sku_id": sku.pk, "warehouse_id": wanted})
    stocks = {s.warehouse_id: s for s in seller_sku_stocks(shop=request.shop, sku_id=sku.pk)}
    rows = [{"warehouse": w, "stock": stocks.get(w.pk)} for w in warehouses]
    return seller_render(
        request,
        "sellercenter/inventory/adjust.html",
        {
            "sku": sku,
            "form": form,
            "rows": rows,
            "warehouses": warehouses,
        },
        status=status,
        active="stock",
    )


@seller_view(P.STOCK_EDIT)
def low_stock(request):
    page = Paginator(low_stock_skus(shop=request.shop), 30).get_page(request.GET.get("page"))
    return seller_render(request, "sellercenter/inventory/low_stock.html", {"page": page}, active="low_stock")


@seller_view(P.STOCK_EDIT)
def movements(request):
    sku_id = _int_param(request.GET.get("sku"))
    sku = seller_sku_get(shop=request.shop, sku_id=sku_id) if sku_id else None
    return seller_render(
        request,
        "sellercenter/inventory/movements.html",
        {
            "rows": movement_list(shop=request.shop, sku_id=sku_id),
            "sku": sku,
        },
        active="movements",
    )


# --- warehouses -------------------------------------------------------------------------------------------


@seller_view(P.STOCK_EDIT)
def warehouse_list_view(request):
    return seller_render(
        request,
        "sellercenter/inventory/warehouses.html",
        {
            "warehouses": warehouse_list(shop=request.shop),
        },
        active="warehouses",
    )


def _region_initial(code: str) -> dict:
    if not code:
        return {"province": "", "city": "", "district": ""}
    try:
        province, city, district = region_path(code=code)
    except DomainError:
        return {"province": "", "city": "", "district": ""}
    return {"province": province.code, "city": city.code, "district": district.code}


def _warehouse_form(request, warehouse=None):
    status = 200
    if request.method == "POST":
        form = WarehouseForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            fields = {key: data[key] for key in ("name", "detail", "contact", "phone", "is_default")}
            fields["district_code"] = data["district_code"] or None
            with form_errors(form) as outcome:
                if warehouse is None:
                    warehouse_create(shop=request.shop, **fields)
                else:
                    warehouse_update(shop=request.shop, warehouse_id=warehouse.pk, **fields)
                messages.success(request, _("仓库已保存"))
                return redirect("sellercenter:warehouse_list")
            status = outcome.status
        else:
            status = 400
        code = request.POST.get("district_code", "")
    else:
        initial = {}
        if warehouse is not None:
            initial = {
                key: getattr(warehouse, key)
                for key in ("name", "district_code", "detail", "contact", "phone", "is_default")
            }
        form = WarehouseForm(initial=initial)
        code = warehouse.district_code if warehouse else ""
    return seller_render(
        request,
        "sellercenter/inventory/warehouse_form.html",
        {
            "form": form,
            "warehouse": warehouse,
            "region_initial": _region_initial(code),
        },
        status=status,
        active="warehouses",
    )


@seller_view(P.STOCK_EDIT)
def warehouse_create_view(request):
    return _warehouse_form(request)


@seller_view(P.STOCK_EDIT)
def warehouse_edit(request, warehouse_id: int):
    return _warehouse_form(request, warehouse_get(shop=request.shop, warehouse_id=warehouse_id))


@require_POST
@seller_view(P.STOCK_EDIT)
def warehouse_default(request, warehouse_id: int):
    warehouse = warehouse_set_default(shop=request.shop, warehouse_id=warehouse_id)
    messages.success(request, f"已将“{warehouse.name}”设为默认发货仓")
    return redirect("sellercenter:warehouse_list")
