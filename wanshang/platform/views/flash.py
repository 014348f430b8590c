"""秒杀场次: the platform sets up flash-sale sessions, merchants enrol SKUs, operators take enrolments down."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from wanshang.common.errors import NotFound
from wanshang.common.web import form_errors, message_errors
from wanshang.marketing.selectors import flash_slot_get, flash_slots, promotion_phase_label
from wanshang.marketing.services import flash_slot_remove_promotion, flash_slot_save
from wanshang.platform.access import operator_view
from wanshang.platform.forms import FlashSlotForm
from wanshang.platform.marketing import SLOT_PHASES, slot_phase


def decorate_slot(slot, now):
    slot.phase_key = slot_phase(slot, now)
    slot.phase_label = SLOT_PHASES[slot.phase_key]
    promos = list(slot.promotions.all())
    slot.enrolled = sum(1 for p in promos if p.status != "ended")
    slot.shop_names = sorted({p.shop.name for p in promos if p.status != "ended" and p.shop_id})
    return slot


def _save(request, form, *, slot_id=None):
    d = form.cleaned_data
    with form_errors(form):
        return flash_slot_save(
            actor=request.user,
            name=d["name"],
            starts_at=d["starts_at"],
            ends_at=d["ends_at"],
            slot_id=slot_id,
            is_open=d["is_open"],
        )
    return None


@operator_view
def slot_index(request):
    show_all = request.GET.get("all") == "1"
    form = FlashSlotForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            slot = _save(request, form)
            if slot is not None:
                messages.success(
                    request, f"秒杀场次“{slot.name}”已创建" + ("，商家现在可以报名" if slot.is_open else "")
                )
                return redirect("platform:flash_slot_detail", slot_id=slot.pk)
        status = 400
    now = timezone.now()
    slots = [decorate_slot(s, now) for s in flash_slots(upcoming_only=not show_all)]
    return render(
        request,
        "platform/flash_slots.html",
        {
            "nav": "flash",
            "slots": slots,
            "form": form,
            "show_all": show_all,
        },
        status=status,
    )


def _enrolments(slot, now) -> list[dict]:
    """The merchants' flash sales in the slot (the template reads each one's SKUs), live ones first."""
    rows = [
        {
            "promo": promo,
            "phase_label": promotion_phase_label(promo, now),
            "removable": promo.status != "ended" and promo.ends_at > now,
            "items": list(promo.items.all()),
        }
        for promo in slot.promotions.all()
    ]
    return sorted(
        rows,
        key=lambda r: (not r["removable"], r["promo"].shop.name if r["promo"].shop_id else "", r["promo"].pk),
    )


def _detail_page(request, slot, *, form=None, status=200):
    now = timezone.now()
    decorate_slot(slot, now)
    if form is None:
        form = FlashSlotForm(
            initial={
                "name": slot.name,
                "starts_at": timezone.localtime(slot.starts_at),
                "ends_at": timezone.localtime(slot.ends_at),
                "is_open": slot.is_open,
            }
        )
    return render(
        request,
        "platform/flash_slot_detail.html",
        {
            "nav": "flash",
            "slot": slot,
            "form": form,
            "enrolments": _enrolments(slot, now),
        },
        status=status,
    )


@operator_view
def slot_detail(request, slot_id):
    slot = flash_slot_get(slot_id=slot_id)
    if request.method == "POST":
        form = FlashSlotForm(request.POST)
        if form.is_valid() and _save(request, form, slot_id=slot.pk) is not None:
            messages.success(request, f"秒杀场次“{form.cleaned_data['name']}”已保存")
            return redirect("platform:flash_slot_detail", slot_id=slot.pk)
        return _detail_page(request, slot, form=form, status=400)
    return _detail_page(request, slot)


@operator_view
@require_POST
def slot_toggle(request, slot_id, action):
    with message_errors(request, passthrough=NotFound):
        slot = flash_slot_get(slot_id=slot_id)
        slot = flash_slot_save(
            actor=request.user,
            name=slot.name,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            slot_id=slot.pk,
            is_open=action == "open",
        )
        messages.success(
            request,
            f"“{slot.name}”已开放商家报名"
            if slot.is_open
            else f"“{slot.name}”已停止报名，已报名的商品不受影响",
        )
    return redirect("platform:flash_slot_detail", slot_id=slot_id)


@operator_view
@require_POST
def slot_remove_promotion(request, slot_id, promotion_id):
    with message_errors(request, passthrough=NotFound):
        slot = flash_slot_get(slot_id=slot_id)
        if promotion_id not in {p.pk for p in slot.promotions.all()}:
            raise NotFound("该场次没有这条报名记录")
        promo = flash_slot_remove_promotion(actor=request.user, promotion_id=promotion_id)
        messages.success(request, f"已撤下“{promo.name}”：该秒杀已结束，前台不再展示")
    return redirect("platform:flash_slot_detail", slot_id=slot_id)
