"""发货与物流: 分包裹发货, 发货中心 (packages), 批量发货 (selection, Excel), 打印面单, 拣货单, 装箱单, 物流账户,
物流异常. Thin: shipping.services and shipping.selectors do the work."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wanshang.common.errors import NotFound, ValidationError
from wanshang.common.web import form_errors, message_errors
from wanshang.merchants import permissions as P
from wanshang.orders.selectors import seller_order_get, seller_order_list
from wanshang.sellercenter.access import seller_render, seller_view
from wanshang.sellercenter.shippingforms import AccountForm, ImportForm, PackageForm
from wanshang.shipping.selectors import (
    STATE_LABELS,
    account_of,
    order_shipments,
    pick_list,
    seller_alert_list,
    seller_orders_by_ids,
    seller_shipment_list,
    seller_shipments_by_ids,
    ship_plan,
)
from wanshang.shipping.services import (
    account_save,
    alert_resolve,
    document_labels,
    document_packing_slips,
    document_pick_list,
    import_template,
    shipment_create,
    shipments_batch_waybill,
    shipments_import,
)

MAX_IDS = 100


def _ids(values) -> list[int]:
    """Ids from repeated query or form fields; a bad one is a 400 with a message."""
    ids = []
    for value in values:
        for part in str(value).replace("，", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or len(part) > 18:
                raise ValidationError(f"编号须为数字，“{part[:20]}” 无效")
            ids.append(int(part))
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise ValidationError("请至少选择一个订单或包裹")
    if len(ids) > MAX_IDS:
        raise ValidationError(f"一次最多选择 {MAX_IDS} 个")
    return ids


def _results(request, results, title):
    ok = sum(r.ok for r in results)
    shipped = [r.shipment_id for r in results if r.ok]
    return seller_render(
        request,
        "sellercenter/shipping/results.html",
        {
            "results": results,
            "ok_count": ok,
            "bad_count": len(results) - ok,
            "label_ids": ",".join(map(str, shipped)),
            "title": title,
        },
        active="shipping_batch",
    )


def _pdf(data: bytes, name: str) -> HttpResponse:
    resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="{name}"'
    return resp


# --- 分包裹发货 ----------------------------------------------------------------------------------------------


def _ship_page(request, order, form, status=200):
    return seller_render(
        request,
        "sellercenter/shipping/ship.html",
        {
            "order": order,
            "form": form,
            "packages": order_shipments(order=order),
            "account": account_of(shop=request.shop),
        },
        status=status,
        active="orders",
    )


@seller_view(P.ORDER_SHIP)
def ship_page(request, order_id: int):
    order = seller_order_get(shop=request.shop, order_id=order_id)
    form = PackageForm(request.POST or None, plan=ship_plan(order=order))
    if request.method != "POST":
        return _ship_page(request, order, form)
    if not form.is_valid():
        return _ship_page(request, order, form, status=400)
    with form_errors(form, passthrough=NotFound) as outcome:
        shipment = shipment_create(
            shop=request.shop,
            order_id=order.pk,
            carrier=form.cleaned_data.get("carrier") or "",
            tracking_no=form.cleaned_data.get("tracking_no") or "",
            items=form.items(),
            waybill=form.cleaned_data["waybill"],
            actor=request.user,
        )
        messages.success(
            request,
            _("包裹 %(n)s 已发货，运单号 %(no)s") % {"n": shipment.package_no, "no": shipment.tracking_no},
        )
        return redirect("sellercenter:ship_page", order_id=order.pk)
    order = seller_order_get(shop=request.shop, order_id=order_id)
    return _ship_page(request, order, form, status=outcome.status)


# --- 发货中心: packages ---------------------------------------------------------------------------------------


@seller_view(P.ORDER_VIEW)
def shipment_list(request):
    state = request.GET.get("state") or ""
    state = state if state in STATE_LABELS else ""
    q = (request.GET.get("q") or "").strip()[:40]
    page = Paginator(seller_shipment_list(shop=request.shop, state=state, q=q), 20).get_page(
        request.GET.get("page")
    )
    tabs = [("", _("全部"))] + list(STATE_LABELS.items())
    return seller_render(
        request,
        "sellercenter/shipping/list.html",
        {"page": page, "state": state, "q": q, "tabs": tabs},
        active="shipments",
    )


@seller_view(P.ORDER_SHIP)
def labels_pdf(request):
    shipments = seller_shipments_by_ids(shop=request.shop, ids=_ids(request.GET.getlist("id")))
    if not shipments:
        raise NotFound("包裹不存在")
    return _pdf(document_labels(shop=request.shop, shipments=shipments), "waybills.pdf")


# --- 批量发货 ----------------------------------------------------------------------------------------------


@seller_view(P.ORDER_SHIP)
def batch(request):
    orders = seller_order_list(shop=request.shop, status="paid").order_by("paid_at", "pk")
    page = Paginator(orders, 50).get_page(request.GET.get("page"))
    return seller_render(
        request,
        "sellercenter/shipping/batch.html",
        {"page": page, "account": account_of(shop=request.shop), "import_form": ImportForm()},
        active="shipping_batch",
    )


@require_POST
@seller_view(P.ORDER_SHIP)
def batch_action(request):
    action = request.POST.get("action")
    with message_errors(request):
        ids = _ids(request.POST.getlist("order"))
        if action == "waybill":
            results = shipments_batch_waybill(shop=request.shop, order_ids=ids, actor=request.user)
            return _results(request, results, _("批量电子面单发货"))
        if action == "picklist":
            return redirect(f"{reverse('sellercenter:pick_list')}?order={','.join(map(str, ids))}")
        if action == "slips":
            orders = seller_orders_by_ids(shop=request.shop, ids=ids)
            return _pdf(document_packing_slips(shop=request.shop, orders=orders), "packing-slips.pdf")
        raise ValidationError("请选择要执行的操作")
    return redirect("sellercenter:shipping_batch")


@seller_view(P.ORDER_SHIP)
def batch_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with form_errors(form, add=lambda f, exc: f.add_error("file", exc.message)) as outcome:
            data = upload.read(2 * 1024 * 1024 + 1)
            results = shipments_import(shop=request.shop, data=data, actor=request.user)
            return _results(request, results, _("Excel 导入发货结果"))
        status = outcome.status
    else:
        status = 400 if request.method == "POST" else 200
    return seller_render(
        request,
        "sellercenter/shipping/import.html",
        {"import_form": form},
        status=status,
        active="shipping_batch",
    )


@seller_view(P.ORDER_SHIP)
def import_template_view(request):
    resp = HttpResponse(
        import_template(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    resp["Content-Disposition"] = 'attachment; filename="batch-ship-template.xlsx"'
    return resp


@seller_view(P.ORDER_SHIP)
def pick_list_view(request):
    ids = _ids(request.GET.getlist("order"))
    rows = pick_list(shop=request.shop, order_ids=ids)
    if request.GET.get("format") == "pdf":
        return _pdf(document_pick_list(shop=request.shop, rows=rows), "pick-list.pdf")
    return seller_render(
        request,
        "sellercenter/shipping/picklist.html",
        {
            "rows": rows,
            "ids": ",".join(map(str, ids)),
            "orders": len(ids),
            "units": sum(r.quantity for r in rows),
        },
        active="shipping_batch",
    )


# --- 物流账户 ----------------------------------------------------------------------------------------------


@seller_view(P.SHOP_EDIT)
def account_view(request):
    account = account_of(shop=request.shop)
    initial = {}
    if account:
        initial = {
            k: getattr(account, k)
            for k in AccountForm.base_fields
            if k != "app_key"  # a secret: never rendered back
        }
    form = AccountForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            with form_errors(form) as outcome:
                account_save(
                    shop=request.shop,
                    provider=d["provider"],
                    carrier=d["carrier"],
                    ebusiness_id=d["ebusiness_id"],
                    app_key=d["app_key"],
                    sender={k: v for k, v in d.items() if k.startswith("sender_")},
                )
                messages.success(request, _("物流账户已保存"))
                return redirect("sellercenter:shipping_account")
            status = outcome.status
    return seller_render(
        request,
        "sellercenter/shipping/account.html",
        {"form": form, "account": account},
        status=status,
        active="shipping_account",
    )


# --- 物流异常 ----------------------------------------------------------------------------------------------


@seller_view(P.ORDER_VIEW)
def alert_list(request):
    show_all = request.GET.get("all") == "1"
    page = Paginator(seller_alert_list(shop=request.shop, open_only=not show_all), 20).get_page(
        request.GET.get("page")
    )
    return seller_render(
        request,
        "sellercenter/shipping/alerts.html",
        {"page": page, "show_all": show_all},
        active="shipping_alerts",
    )


@require_POST
@seller_view(P.ORDER_SHIP)
def alert_resolve_view(request, alert_id: int):
    alert_resolve(shop=request.shop, alert_id=alert_id)
    messages.success(request, _("已标记为已处理"))
    return redirect("sellercenter:shipping_alerts")
