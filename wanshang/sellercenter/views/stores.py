"""门店管理 (stores, their pickup switch and 门店 staff) and 自提核销 (the phone-sized page where a store verifies
a buyer's pickup code: typed, or scanned with the phone's camera where the browser can read QR codes)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from wanshang.common.errors import NotFound
from wanshang.common.web import form_errors
from wanshang.inventory.selectors import warehouse_list
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_list
from wanshang.sellercenter.access import seller_render, seller_view
from wanshang.sellercenter.forms import PickupVerifyForm, StoreForm
from wanshang.sellercenter.views.inventory import _region_initial
from wanshang.stores.selectors import (
    seller_pickup_get,
    staff_pickups,
    store_get,
    store_list,
    store_staff_ids,
    stores_of_staff,
)
from wanshang.stores.services import pickup_verify, store_create, store_staff_set, store_update

FIELDS = ("name", "district_code", "detail", "phone", "hours", "warehouse_id", "pickup_enabled")


@seller_view(P.STORE_EDIT)
def store_list_view(request):
    return seller_render(
        request, "sellercenter/stores/list.html", {"stores": store_list(shop=request.shop)}, active="stores"
    )


@seller_view(P.STORE_EDIT)
def store_create_view(request):
    return _store_form(request)


@seller_view(P.STORE_EDIT)
def store_edit_view(request, store_id: int):
    return _store_form(request, store_get(shop=request.shop, store_id=store_id))


def _store_form(request, store=None):
    members = [m for m in staff_list(shop=request.shop) if m.role == P.STORE_ROLE and m.is_active]
    kwargs = {"warehouses": warehouse_list(shop=request.shop), "members": members}
    status = 200
    if request.method == "POST":
        form = StoreForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            fields = {key: data[key] for key in FIELDS}
            fields.update(latitude=data["latitude"], longitude=data["longitude"])
            with form_errors(form) as outcome:
                if store is None:
                    store = store_create(shop=request.shop, **fields)
                else:
                    store_update(shop=request.shop, store_id=store.pk, **fields)
                store_staff_set(shop=request.shop, store_id=store.pk, user_ids=data["staff"])
                messages.success(request, _("门店已保存"))
                return redirect("sellercenter:store_list")
            status = outcome.status
        else:
            status = 400
        code = request.POST.get("district_code", "")
    else:
        initial = {"pickup_enabled": True}
        if store is not None:
            initial = {key: getattr(store, key) for key in FIELDS}
            initial.update(
                latitude=store.latitude,
                longitude=store.longitude,
                staff=store_staff_ids(shop=request.shop, store_id=store.pk),
            )
        form = StoreForm(initial=initial, **kwargs)
        code = store.district_code if store else ""
    return seller_render(
        request,
        "sellercenter/stores/form.html",
        {"form": form, "store": store, "region_initial": _region_initial(code), "has_members": bool(members)},
        status=status,
        active="stores",
    )


@seller_view(P.PICKUP_VERIFY)
def pickup_verify_view(request):
    """核销. The store comes from the member's own stores (a 门店 member: those assigned to them)."""
    stores = stores_of_staff(staff=request.staff)
    chosen = request.POST.get("store_id") or request.GET.get("store") or (stores[0].pk if stores else "")
    store = next((s for s in stores if str(s.pk) == str(chosen)), stores[0] if stores else None)
    status = 200
    form = PickupVerifyForm(initial={"store_id": store.pk if store else None}, stores=stores)
    if request.method == "POST":
        form = PickupVerifyForm(request.POST, stores=stores)
        if form.is_valid():
            with form_errors(form) as outcome:
                pickup = pickup_verify(
                    staff=request.staff,
                    store_id=form.cleaned_data["store_id"],
                    code=form.cleaned_data["code"],
                )
                messages.success(request, _("核销成功：订单 %(no)s 已完成提货") % {"no": pickup.order.no})
                return redirect(f"{reverse('sellercenter:pickup_verify')}?store={store.pk}&done={pickup.pk}")
            status = outcome.status
        else:
            status = 400
    done = None
    if request.GET.get("done", "").isdigit():
        try:
            done = seller_pickup_get(staff=request.staff, pickup_id=int(request.GET["done"]))
        except NotFound:
            done = None
    waiting = (
        list(staff_pickups(staff=request.staff, store_id=store.pk).prefetch_related("order__lines")[:50])
        if store
        else []
    )
    return seller_render(
        request,
        "sellercenter/stores/verify.html",
        {"form": form, "store": store, "stores": stores, "waiting": waiting, "done": done},
        status=status,
        active="pickup_verify",
    )
