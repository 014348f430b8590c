"""达人中心 (the promoter center, /promoter/): apply to become a 达人, then the products open for promotion with
their rates and estimated earnings, tracking links, clicks, orders, earnings by state, withdrawals and shops'
invitations. And `affiliate_click`, which the product and shop pages call for a `?aff=` visit: the click
recorded, and the page view counted as 付费流量 / 淘宝客 when the link is a live link to that page."""

from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wanshang.affiliates import selectors as aff
from wanshang.affiliates.services import (
    click_land,
    invitation_answer,
    link_create,
    promoter_apply,
    withdrawal_request,
)
from wanshang.analytics.services import current_visit, source_declare
from wanshang.common.errors import DomainError
from wanshang.common.web import form_errors
from wanshang.storefront.forms import PromoterApplyForm, WithdrawalForm
from wanshang.storefront.views._common import buyer_required, int_or_none


def affiliate_click(request, *, shop_id: int, product_id: int | None = None) -> None:
    """A product or shop page opened through a tracking link (`?aff=<code>`): record the click for the
    visitor (analytics' cookie) so that their order paid within the window is attributed."""
    code = request.GET.get("aff", "")
    if not code or request.method != "GET":
        return
    visit = current_visit()
    user = request.user if request.user.is_authenticated else None
    landed, _click = click_land(
        code=code,
        visitor=visit.visitor if visit else "",
        user_id=user.pk if user else None,
        product_id=product_id,
        shop_id=shop_id,
    )
    if landed:
        source_declare("affiliate")


def link_url(request, link) -> str:
    """The full tracking URL of a link: the product (or shop) page with `?aff=<code>`."""
    if link.product_id:
        path = reverse("storefront:product", args=[link.product_id])
    else:
        path = reverse("storefront:shop", args=[link.shop.slug])
    return request.build_absolute_uri(f"{path}?aff={link.code}")


def promoter_view(view):
    """A page of the center: logged in (else the log-in page), an approved promoter (else the application
    page, which says where the application stands); the view gets the promoter."""

    @buyer_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        promoter = aff.promoter_of(user=request.user)
        if promoter is None or promoter.status != "approved":
            return redirect("storefront:promoter_apply")
        request.promoter = promoter
        return view(request, promoter, *args, **kwargs)

    return wrapper


def _center(request, template: str, context: dict, *, tab: str, status: int = 200):
    context.update(promoter=request.promoter, tab=tab, conf=aff.settings_view())
    return render(request, template, context, status=status)


@promoter_view
def promoter_home(request, promoter):
    recent = aff.promoter_commissions(promoter=promoter)[:8]
    return _center(
        request,
        "storefront/promoter/home.html",
        {
            "summary": aff.promoter_summary(promoter=promoter),
            "recent": recent,
            "labels": aff.COMMISSION_STATUS_LABELS,
        },
        tab="home",
    )


@buyer_required
def promoter_apply_view(request):
    promoter = aff.promoter_of(user=request.user)
    if promoter is not None and promoter.status == "approved":
        return redirect("storefront:promoter_home")
    status = 200
    if request.method == "POST":
        form = PromoterApplyForm(request.POST)
        if form.is_valid():
            with form_errors(form) as outcome:
                promoter_apply(user=request.user, **form.cleaned_data)
                messages.success(request, _("达人申请已提交，平台审核后即可使用达人中心"))
                return redirect("storefront:promoter_apply")
            status = outcome.status
        else:
            status = 400
    else:
        initial = {}
        if promoter is not None:
            initial = {k: getattr(promoter, k) for k in ("name", "channels", "audience", "contact")}
        form = PromoterApplyForm(initial=initial)
    return render(
        request,
        "storefront/promoter/apply.html",
        {"form": form, "promoter": promoter, "conf": aff.settings_view()},
        status=status,
    )


@promoter_view
def promoter_products(request, promoter):
    q = request.GET.get("q", "").strip()[:40]
    page = Paginator(aff.promotable_products(promoter=promoter, q=q), 20).get_page(request.GET.get("page"))
    items = aff.decorate_rates(page.object_list, promoter=promoter)
    return _center(
        request, "storefront/promoter/products.html", {"page": page, "items": items, "q": q}, tab="products"
    )


@buyer_required
@require_POST
def promoter_link_create(request):
    """A refusal (not a promoter, a product no longer on sale) reaches the error page with its 4xx."""
    promoter = aff.promoter_require(user=request.user)
    product_id, shop_id = (
        int_or_none(request.POST.get("product_id")),
        int_or_none(request.POST.get("shop_id")),
    )
    link = link_create(promoter=promoter, product_id=product_id, shop_id=None if product_id else shop_id)
    messages.success(request, _("推广链接已生成：%(url)s") % {"url": link_url(request, link)})
    return redirect(f"{reverse('storefront:promoter_links')}?new={link.pk}")


@promoter_view
def promoter_links(request, promoter):
    page = Paginator(aff.promoter_links(promoter=promoter), 20).get_page(request.GET.get("page"))
    rows = [{"link": link, "url": link_url(request, link)} for link in page.object_list]
    return _center(
        request,
        "storefront/promoter/links.html",
        {"page": page, "rows": rows, "new": int_or_none(request.GET.get("new"))},
        tab="links",
    )


@promoter_view
def promoter_orders(request, promoter):
    state = request.GET.get("status", "")
    rows = aff.promoter_commissions(promoter=promoter, status=state)
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return _center(
        request,
        "storefront/promoter/orders.html",
        {
            "page": page,
            "state": state,
            "labels": aff.COMMISSION_STATUS_LABELS,
            "clawbacks": aff.promoter_clawbacks(promoter=promoter)[:20],
        },
        tab="orders",
    )


@promoter_view
def promoter_withdrawals(request, promoter):
    status = 200
    form = WithdrawalForm()
    if request.method == "POST":
        form = WithdrawalForm(request.POST)
        if form.is_valid():
            with form_errors(form) as outcome:
                withdrawal_request(
                    promoter=promoter,
                    amount_fen=form.cleaned_data["amount"],
                    account=form.cleaned_data["account"],
                )
                messages.success(request, _("提现申请已提交，平台审核后打款"))
                return redirect("storefront:promoter_withdrawals")
            status = outcome.status
        else:
            status = 400
    page = Paginator(aff.promoter_withdrawals(promoter=promoter), 20).get_page(request.GET.get("page"))
    return _center(
        request,
        "storefront/promoter/withdrawals.html",
        {"form": form, "page": page, "balance": aff.promoter_balance(promoter=promoter)},
        tab="withdrawals",
        status=status,
    )


@promoter_view
def promoter_invitations(request, promoter):
    if request.method == "POST":
        try:
            invitation_answer(
                promoter=promoter,
                plan_id=int_or_none(request.POST.get("plan_id")) or 0,
                accept=request.POST.get("decision") == "accept",
            )
            messages.success(request, _("已处理邀请"))
        except DomainError as exc:
            messages.error(request, exc.message)
            return _center(
                request,
                "storefront/promoter/invitations.html",
                {"plans": aff.promoter_invitations(promoter=promoter)},
                tab="invitations",
                status=exc.status_code,
            )
        return redirect("storefront:promoter_invitations")
    return _center(
        request,
        "storefront/promoter/invitations.html",
        {"plans": aff.promoter_invitations(promoter=promoter)},
        tab="invitations",
    )
