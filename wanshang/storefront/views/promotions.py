"""Promotions as the buyer meets them: claim a coupon (领券), buy at the flash-sale (秒杀) or group (拼团) price,
put a bundle (套餐) into the cart; the flash-sale board, a group's shareable page, the coupon center, and the
buyer's own coupons and points."""

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wanshang.accounts.selectors import address_default
from wanshang.catalog.selectors import product_get_public
from wanshang.checkout.services import cart_add
from wanshang.checkout.services import flash_buy as buy
from wanshang.checkout.services import group_buy as group_buy_for
from wanshang.common.errors import DomainError, NotFound
from wanshang.common.web import message_errors
from wanshang.marketing.selectors import (
    claimed_counts,
    flash_sale_board,
    group_team_get,
    points_of,
    product_promotions,
)
from wanshang.marketing.selectors import coupon_center as center
from wanshang.marketing.selectors import my_coupons as coupons_of
from wanshang.marketing.services import coupon_claim as claim
from wanshang.storefront.forms import BundleAddForm, CouponClaimForm, FlashBuyForm, GroupBuyForm
from wanshang.storefront.promo_display import GIVE_BACK_RULES, POINTS_REASONS, mask_name, team_status_label
from wanshang.storefront.views._common import buyer_required, is_htmx, safe_next

COUPON_TABS = [
    ("unused", gettext_lazy("未使用")),
    ("used", gettext_lazy("已使用")),
    ("expired", gettext_lazy("已过期")),
]


def _first_error(form) -> str:
    for errors in form.errors.values():
        return errors[0]
    return _("输入有误")


# --- coupons ---------------------------------------------------------------------------------------------------


@buyer_required
@require_POST
def coupon_claim(request):
    """领取: htmx answers with the coupon's claim area (已领取 or why not); otherwise back with a message."""
    form = CouponClaimForm(request.POST)
    back = safe_next(request, request.POST.get("next"), default="storefront:coupon_center")
    coupon = error = None
    if form.is_valid():
        try:
            coupon = claim(buyer=request.user, promotion_id=form.cleaned_data["promotion_id"])
        except DomainError as exc:
            error = exc.message
    else:
        error = _first_error(form)
    if is_htmx(request):
        promotion_id = coupon.promotion_id if coupon else (form.cleaned_data.get("promotion_id") or 0)
        return render(
            request,
            "storefront/_coupon_claim.html",
            {
                "promotion_id": promotion_id,
                "error": error,
                "just_claimed": coupon is not None,
                "back": back,
                "coupon": coupon.promotion if coupon else None,
                "held": claimed_counts(buyer=request.user, promotion_ids=[promotion_id]).get(promotion_id, 0),
            },
        )  # 200 even for a refusal: htmx swaps only successful answers, and the reason must show
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("领取成功，下单时自动使用"))
    return redirect(back)


def coupon_center(request):
    coupons = center()
    return render(
        request,
        "storefront/coupon_center.html",
        {
            "coupons": coupons,
            "claimed": claimed_counts(buyer=request.user, promotion_ids=[c.pk for c in coupons])
            if coupons
            else {},
        },
    )


@buyer_required
def my_coupons(request):
    state = request.GET.get("state", "unused")
    state = state if state in dict(COUPON_TABS) else "unused"
    return render(
        request,
        "storefront/my_coupons.html",
        {
            "tabs": COUPON_TABS,
            "state": state,
            "coupons": coupons_of(buyer=request.user, state=state),
            "rules": GIVE_BACK_RULES,
            "now": timezone.now(),
        },
    )


@buyer_required
def my_points(request):
    balance, entries = points_of(user=request.user)
    return render(
        request,
        "storefront/my_points.html",
        {
            "balance": balance,
            "entries": [{"entry": e, "reason": POINTS_REASONS.get(e.reason, e.reason)} for e in entries],
            "rules": GIVE_BACK_RULES,
        },
    )


# --- flash sales and group buys ----------------------------------------------------------------------------------


def flash_board(request):
    return render(request, "storefront/flash_board.html", {"sessions": flash_sale_board()})


def _address_or_redirect(request, form, back: str):
    """The address to ship to: the one posted, else the buyer's default; None and a redirect when there is none."""
    address_id = form.cleaned_data.get("address_id")
    if address_id:
        return address_id, None
    default = address_default(user=request.user)
    if default is not None:
        return default.pk, None
    messages.error(request, _("请先添加收货地址"))
    return None, redirect(resolve_url("accounts:address_create") + "?" + urlencode({"next": back}))


def _promo_buy(request, form, back: str, buy):
    """Run 立即抢购 / 拼团 like checkout: success goes to the cashier; a refusal comes back with its reason."""
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect(back)
    address_id, answer = _address_or_redirect(request, form, back)
    if answer is not None:
        return answer
    with message_errors(request, passthrough=NotFound):
        payment = buy(address_id)
        return redirect("storefront:cashier", payment_no=payment.no)
    return redirect(back)


@buyer_required
@require_POST
def flash_buy(request):
    form = FlashBuyForm(request.POST)
    back = safe_next(request, request.POST.get("next"), default="storefront:flash_board")
    return _promo_buy(
        request,
        form,
        back,
        lambda address_id: buy(
            buyer=request.user,
            item_id=form.cleaned_data["item_id"],
            quantity=form.cleaned_data["quantity"],
            address_id=address_id,
            idempotency_key=form.cleaned_data["idempotency_key"],
        ),
    )


@buyer_required
@require_POST
def group_buy(request):
    form = GroupBuyForm(request.POST)
    back = safe_next(request, request.POST.get("next"))
    return _promo_buy(
        request,
        form,
        back,
        lambda address_id: group_buy_for(
            buyer=request.user,
            item_id=form.cleaned_data["item_id"],
            team_id=form.cleaned_data.get("team_id"),
            quantity=form.cleaned_data["quantity"],
            address_id=address_id,
            idempotency_key=form.cleaned_data["idempotency_key"],
        ),
    )


def group_team(request, team_id):
    """A group's page, shared by link: anyone may look; a logged-in buyer not yet in it may join."""
    team = group_team_get(team_id=team_id)
    now = timezone.now()
    members = list(team.members.all())
    user = request.user
    is_member = user.is_authenticated and any(m.buyer_id == user.pk for m in members)
    open_now = team.status == "open" and team.expires_at > now
    seats = max(team.size - len(members), 0)
    return render(
        request,
        "storefront/group_team.html",
        {
            "team": team,
            "item": team.item,
            "sku": team.item.sku,
            "product": team.item.sku.product,
            "members": [
                {
                    "name": mask_name(m.buyer.display_name),
                    "leader": m.buyer_id == team.leader_id,
                    "paid": m.paid,
                }
                for m in members
            ],
            "empty_seats": range(seats),
            "seats": seats,
            "status_label": team_status_label(team, now),
            "open_now": open_now,
            "is_member": is_member,
            "can_join": open_now and seats > 0 and not is_member,
            "buy_address": address_default(user=user) if user.is_authenticated else None,
            "buy_key": uuid.uuid4().hex,
        },
    )


# --- bundles -----------------------------------------------------------------------------------------------------


@buyer_required
@require_POST
def bundle_add(request):
    """Put every SKU of a bundle into the cart with its quantity; all or nothing."""
    form = BundleAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("storefront:cart")
    product_id = form.cleaned_data["product_id"]
    with message_errors(request, passthrough=NotFound):
        product = product_get_public(product_id=product_id)
        promos = product_promotions(buyer=request.user, product=product, skus=list(product.skus.all()))
        bundle = next((b for b in promos.bundles if b[0].pk == form.cleaned_data["bundle_id"]), None)
        if bundle is None:
            raise NotFound(_("套餐不存在或已结束"))
        with transaction.atomic():  # one SKU refused (sold out …) leaves the cart as it was
            for member, sku in bundle[1]:
                cart_add(user=request.user, sku_id=sku.pk, quantity=member.quantity)
        messages.success(request, _("套餐“%(name)s”已加入购物车") % {"name": bundle[0].name})
        return redirect("storefront:cart")
    return redirect("storefront:product", product_id=product_id)
