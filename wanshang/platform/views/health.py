"""体检中心 (platform): every shop's health, the items shops marked fixed waiting for verification, the appeals
to decide (uphold / overturn with a reason), and the rules center (publish a version, see who acknowledged)."""

from datetime import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wanshang.common.errors import NotFound
from wanshang.common.web import message_errors
from wanshang.health.selectors import (
    appeals_to_decide,
    decorate_items,
    items_to_verify,
    platform_shop_health,
    rule_acks,
    rule_get,
    rule_list,
    shop_health_decorate,
)
from wanshang.health.services import appeal_decide, item_verify, rule_publish
from wanshang.platform.access import operator_view
from wanshang.platform.views._util import page_of

TABS = [
    ("platform:health", _("店铺健康")),
    ("platform:health_items", _("待核验整改")),
    ("platform:health_appeals", _("申诉处理")),
    ("platform:health_rules", _("规则中心")),
]


def _render(request, template, context):
    return render(request, template, {"nav": "health", "tabs": TABS, **context})


@operator_view
def health_shops(request):
    q = (request.GET.get("q") or "").strip()[:60]
    warning_only = request.GET.get("warning") == "1"
    page = page_of(request, platform_shop_health(q=q, warning_only=warning_only))
    rows = shop_health_decorate(page.object_list)
    context = {"page": page, "rows": rows, "q": q, "warning_only": warning_only}
    return _render(request, "platform/health/shops.html", context)


@operator_view
def health_items(request):
    page = page_of(request, items_to_verify())
    return _render(
        request, "platform/health/items.html", {"page": page, "items": decorate_items(page.object_list)}
    )


@operator_view
@require_POST
def health_item_verify(request, item_id: int):
    passed = request.POST.get("decision") == "pass"
    with message_errors(request, passthrough=NotFound):
        item_verify(actor=request.user, item_id=item_id, passed=passed, note=request.POST.get("note", ""))
        messages.success(request, _("已核验通过") if passed else _("已退回商家继续整改"))
    return redirect("platform:health_items")


@operator_view
def health_appeals(request):
    status = request.GET.get("status") or "pending"
    status = status if status in ("pending", "upheld", "overturned") else "pending"
    page = page_of(request, appeals_to_decide(status=status))
    return _render(request, "platform/health/appeals.html", {"page": page, "status": status})


@operator_view
@require_POST
def health_appeal_decide(request, appeal_id: int):
    decision = request.POST.get("decision", "")
    with message_errors(request, passthrough=NotFound):
        appeal_decide(
            actor=request.user, appeal_id=appeal_id, decision=decision, note=request.POST.get("note", "")
        )
        messages.success(request, _("申诉成功，已撤销扣分") if decision == "overturn" else _("已维持原判"))
    return redirect("platform:health_appeals")


def _when(text: str):
    try:
        return timezone.make_aware(datetime.strptime(text, "%Y-%m-%dT%H:%M"))
    except (TypeError, ValueError):
        return None


@operator_view
def health_rules(request):
    form = {"code": "", "title": "", "body": "", "effective_at": ""}
    status = 200
    if request.method == "POST":
        form = {k: (request.POST.get(k) or "").strip() for k in form}
        with message_errors(request) as outcome:
            rule = rule_publish(
                actor=request.user,
                code=form["code"],
                title=form["title"],
                body=form["body"],
                effective_at=_when(form["effective_at"]),
            )
            messages.success(
                request, _("规则已发布：%(title)s v%(v)s") % {"title": rule.title, "v": rule.version}
            )
            return redirect("platform:health_rules")
        status = outcome.status
    page = page_of(request, rule_list())
    context = {"nav": "health", "tabs": TABS, "page": page, "form": form}
    return render(request, "platform/health/rules.html", context, status=status)


@operator_view
def health_rule_acks(request, rule_id: int):
    rule = rule_get(rule_id=rule_id)
    return _render(request, "platform/health/rule_acks.html", {"rule": rule, "acks": rule_acks(rule=rule)})
