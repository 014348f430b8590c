"""淘宝客 in the seller center: the shop's commission plans (shop-wide rate, product rates, targeted plans that
invite promoters) and each promoter's results. Always through `request.shop`: another shop's plan is a 404."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wanshang.affiliates import selectors as aff
from wanshang.affiliates.services import plan_end, product_rate_set, promoter_invite, shop_rate_set
from wanshang.catalog.selectors import seller_product_list
from wanshang.common.errors import NotFound
from wanshang.common.web import form_errors, message_errors
from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import seller_render, seller_view
from wanshang.sellercenter.affforms import InviteForm, ProductRateForm, ShopRateForm


def _products(shop):
    qs = seller_product_list(shop=shop, status="on_sale").select_related(None).prefetch_related(None)
    return list(qs.only("pk", "title")[:300])


@seller_view(P.MARKETING)
def affiliate_plans(request):
    shop, status = request.shop, 200
    plans = aff.seller_plans(shop=shop)
    shop_plan = plans["shop_plan"]
    initial = {"rate": f"{shop_plan.rate_bps / 100:g}"} if shop_plan and shop_plan.status == "active" else {}
    forms = {
        "shop_rate": ShopRateForm(initial=initial, prefix="shop"),
        "product_rate": ProductRateForm(products=_products(shop), prefix="product"),
        "invite": InviteForm(prefix="invite"),
    }
    action = request.POST.get("action", "")
    if request.method == "POST" and action in forms:
        kwargs = {"products": _products(shop)} if action == "product_rate" else {}
        form = type(forms[action])(request.POST, prefix=forms[action].prefix, **kwargs)
        forms[action] = form
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            with form_errors(form) as outcome:
                if action == "shop_rate":
                    shop_rate_set(shop=shop, rate_bps=data["rate"])
                elif action == "product_rate":
                    product_rate_set(
                        shop=shop, product_id=data["product_id"], rate_bps=data["rate"], note=data["note"]
                    )
                else:
                    promoter_invite(
                        shop=shop,
                        promoter_code=data["promoter_code"],
                        rate_bps=data["rate"],
                        note=data["note"],
                    )
                messages.success(request, _("佣金计划已保存"))
                return redirect("sellercenter:affiliate_plans")
            status = outcome.status
    return seller_render(
        request,
        "sellercenter/affiliates/plans.html",
        {
            **plans,
            **forms,
            "conf": aff.settings_view(),
            "promoters": aff.approved_promoters(q=request.GET.get("q", ""))[:20],
        },
        status=status,
        active="affiliates",
    )


@seller_view(P.MARKETING)
@require_POST
def affiliate_plan_end(request, plan_id: int):
    with message_errors(request, passthrough=NotFound):
        plan_end(shop=request.shop, plan_id=plan_id)
        messages.success(request, _("计划已结束"))
    return redirect("sellercenter:affiliate_plans")


@seller_view(P.MARKETING)
def affiliate_results(request):
    return seller_render(
        request,
        "sellercenter/affiliates/results.html",
        {
            "rows": aff.seller_promoter_results(shop=request.shop),
            "recent": aff.seller_commissions(shop=request.shop)[:30],
        },
        active="affiliate_results",
    )
