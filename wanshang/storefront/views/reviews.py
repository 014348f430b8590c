"""评价: the buyer's review form (with the shop's DSR), 追评 and the one edit; the product page's review list
(filters, sorts, pages, htmx) and “有用” votes."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wanshang.catalog.selectors import product_get_public
from wanshang.common.errors import DomainError, NotFound
from wanshang.common.web import form_errors
from wanshang.orders.selectors import REVIEWABLE_STATES, buyer_line_get, buyer_received_orders
from wanshang.reviews.selectors import (
    FILTERS,
    SORTS,
    buyer_review_get,
    buyer_review_list,
    buyer_reviews_by_line,
    decorate,
    product_rating,
    product_review_list,
)
from wanshang.reviews.services import needs_dsr, review_create, review_edit, review_followup, review_vote
from wanshang.storefront.forms import FollowupForm, ReviewEditForm, ReviewForm
from wanshang.storefront.views._common import buyer_required, is_htmx, safe_next

PER_PAGE = 10


def _days(name: str) -> int:
    return int(settings.WANSHANG[name])


def mark_review_actions(orders, *, buyer, now=None) -> None:
    """Give each line of the buyer's received orders `review_action` (review / followup / done / "") and
    `review` (theirs, if any): the order pages' 评价 and 追评 buttons. One query for all the orders."""
    now = now or timezone.now()
    orders = [o for o in orders if o.status in REVIEWABLE_STATES and o.received_at]
    lines = [line for o in orders for line in o.lines.all()]
    reviews = buyer_reviews_by_line(buyer=buyer, line_ids=[line.pk for line in lines])
    window, followup = _days("REVIEW_WINDOW_DAYS"), _days("REVIEW_FOLLOWUP_DAYS")
    for order in orders:
        open_until = order.received_at + timedelta(days=window)
        for line in order.lines.all():
            review = reviews.get(line.pk)
            line.review = review
            if review is None:
                refunded = line.refunded_qty >= line.quantity
                line.review_action = "review" if now <= open_until and not refunded else ""
            elif review.followup_at is None and now <= review.created_at + timedelta(days=followup):
                line.review_action = "followup"
            else:
                line.review_action = "done"


@buyer_required
def review_new(request, line_id):
    line = buyer_line_get(buyer=request.user, line_id=line_id)
    if request.method == "GET" and buyer_reviews_by_line(buyer=request.user, line_ids=[line.pk]):
        messages.info(request, _("这件商品已经评价过了，可以追加评价"))
        return redirect("storefront:order_detail", order_id=line.order_id)
    ask_dsr = needs_dsr(order_id=line.order_id)
    form = ReviewForm(request.POST or None, request.FILES or None, ask_dsr=ask_dsr)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with form_errors(form, passthrough=NotFound) as outcome:
                review_create(
                    buyer=request.user,
                    line_id=line.pk,
                    stars=form.cleaned_data["stars"],
                    text=form.cleaned_data["text"],
                    is_anonymous=form.cleaned_data["is_anonymous"],
                    dsr=form.dsr(),
                    images=form.cleaned_data["images"],
                )
                messages.success(request, _("评价已发布，感谢你的分享"))
                return redirect("storefront:order_detail", order_id=line.order_id)
            status = outcome.status
        else:
            status = 400
    return render(
        request,
        "storefront/review_form.html",
        {"line": line, "order": line.order, "form": form, "mode": "new", "ask_dsr": ask_dsr},
        status=status,
    )


def _review_form_page(request, review, form, *, mode: str, save, done: str):
    """追评 and the one edit: the same form page, saved through `save(cleaned_data)`, back to the order."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with form_errors(form, passthrough=NotFound) as outcome:
                save(form.cleaned_data)
                messages.success(request, done)
                return redirect("storefront:order_detail", order_id=review.order_id)
            status = outcome.status
        else:
            status = 400
    return render(
        request,
        "storefront/review_form.html",
        {"review": review, "order_id": review.order_id, "form": form, "mode": mode},
        status=status,
    )


@buyer_required
def review_followup_view(request, review_id):
    review = buyer_review_get(buyer=request.user, review_id=review_id)
    return _review_form_page(
        request,
        review,
        FollowupForm(request.POST or None, request.FILES or None),
        mode="followup",
        save=lambda data: review_followup(
            buyer=request.user, review_id=review.pk, text=data["text"], images=data["images"]
        ),
        done=_("追评已发布"),
    )


@buyer_required
def review_edit_view(request, review_id):
    review = buyer_review_get(buyer=request.user, review_id=review_id)
    return _review_form_page(
        request,
        review,
        ReviewEditForm(request.POST or None, initial={"stars": review.stars, "text": review.text}),
        mode="edit",
        save=lambda data: review_edit(
            buyer=request.user, review_id=review.pk, stars=data["stars"], text=data["text"]
        ),
        done=_("评价已修改，平台审核通过后重新展示"),
    )


def review_context(request, product_id: int) -> dict:
    """The product page's review block: summary, filter tabs with counts, the sort, one page of reviews."""
    kind = request.GET.get("rf", "all")
    kind = kind if kind in FILTERS else "all"
    sort = request.GET.get("rs", "recent")
    sort = sort if sort in SORTS else "recent"
    summary = product_rating(product_id=product_id)
    # the stored figures say whether there is anything to list: a product without reviews costs no more query
    rows = product_review_list(product_id=product_id, kind=kind, sort=sort) if summary.count_of(kind) else []
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("rp"))
    return {
        "rating": summary,
        "review_page": page,
        "reviews": decorate(page.object_list, viewer=request.user),
        "review_filters": [(key, _(label), summary.count_of(key)) for key, (label, _q) in FILTERS.items()],
        "review_sorts": [(key, _(label)) for key, (label, _o) in SORTS.items()],
        "review_kind": kind,
        "review_sort": sort,
        "review_product_id": product_id,
    }


def product_reviews(request, product_id):
    """The review list alone (htmx swaps it in place when a filter, sort or page is picked)."""
    product_get_public(product_id=product_id)
    context = review_context(request, product_id)
    template = "storefront/_reviews.html" if is_htmx(request) else "storefront/reviews_page.html"
    return render(request, template, context)


@buyer_required
@require_POST
def review_helpful(request, review_id):
    count, error = None, ""
    try:
        count = review_vote(user=request.user, review_id=review_id)
    except NotFound:
        raise
    except DomainError as exc:
        error = exc.message
    if is_htmx(request):
        return render(
            request,
            "storefront/_helpful_button.html",
            {"review_id": review_id, "count": count, "voted": True, "error": error},
        )
    if error:
        messages.error(request, error)
    return redirect(safe_next(request, request.headers.get("Referer")))


MY_TABS = {"todo": gettext_lazy("待评价"), "followup": gettext_lazy("可追评"), "done": gettext_lazy("已评价")}


@buyer_required
def my_reviews(request):
    """我的评价: lines waiting for a review, reviews that may still get a 追评, and every review written."""
    tab = request.GET.get("tab", "todo")
    tab = tab if tab in MY_TABS else "todo"
    context = {"tab": tab, "tabs": MY_TABS}
    if tab == "done":
        page = Paginator(buyer_review_list(buyer=request.user), PER_PAGE).get_page(request.GET.get("page"))
        context.update(page=page, reviews=decorate(page.object_list, viewer=request.user))
    else:
        since = timezone.now() - timedelta(
            days=max(_days("REVIEW_WINDOW_DAYS"), _days("REVIEW_FOLLOWUP_DAYS"))
        )
        orders = list(buyer_received_orders(buyer=request.user, since=since))
        mark_review_actions(orders, buyer=request.user)
        wanted = "review" if tab == "todo" else "followup"
        context["lines"] = [
            (order, line) for order in orders for line in order.lines.all() if line.review_action == wanted
        ]
    return render(request, "storefront/my_reviews.html", context)
