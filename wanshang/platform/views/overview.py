"""概览, 支付通知, 定时任务."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wanshang.catalog.selectors import product_on_sale_count
from wanshang.common.scheduler import jobs, run_job
from wanshang.common.selectors import job_runs, job_states
from wanshang.compliance.selectors import open_price_alert_count
from wanshang.marketing.selectors import flash_slots, platform_promotions
from wanshang.marketing.types import Kind
from wanshang.merchants.selectors import application_status_counts, shop_status_counts
from wanshang.orders.selectors import platform_totals
from wanshang.payments.selectors import (
    NOTIFICATION_ACCEPTED_OUTCOMES,
    notification_list,
    notification_refused_count,
    notification_refused_list,
)
from wanshang.platform.access import operator_view


@operator_view
def overview(request):
    now = timezone.now()
    return render(
        request,
        "platform/overview.html",
        {
            "nav": "overview",
            "applications": application_status_counts(),
            "shops": shop_status_counts(),
            "on_sale": product_on_sale_count(),
            "totals": platform_totals(),
            "refused": notification_refused_list(limit=10),
            "refused_count": notification_refused_count(),
            "price_alerts_open": open_price_alert_count(),
            "coupons_running": sum(
                1 for p in platform_promotions(kind=Kind.COUPON) if p.phase(now) == "running"
            ),
            "flash_slots_upcoming": len(flash_slots(upcoming_only=True, now=now)),
        },
    )


@operator_view
def notifications(request):
    only_refused = request.GET.get("refused") == "1"
    rows = notification_refused_list(limit=200) if only_refused else notification_list(limit=200)
    return render(
        request,
        "platform/notifications.html",
        {
            "nav": "notifications",
            "rows": rows,
            "only_refused": only_refused,
            "accepted": NOTIFICATION_ACCEPTED_OUTCOMES,
        },
    )


@operator_view
def job_list(request):
    return render(
        request, "platform/jobs.html", {"nav": "jobs", "states": job_states(), "runs": job_runs(limit=50)}
    )


@operator_view
@require_POST
def job_run_due(request):
    due = [state.name for state in job_states() if state.is_due]
    by_name = {job.name: job for job in jobs()}
    done = {name: run_job(by_name[name]) for name in due}
    if done:
        summary = "，".join(f"{name} 处理 {n} 条" for name, n in done.items())
        messages.success(request, f"已运行 {len(done)} 个到期任务：{summary}")
    else:
        messages.info(request, _("当前没有到期的任务"))
    return redirect("platform:jobs")


@operator_view
@require_POST
def job_run_one(request, name):
    job = next((j for j in jobs() if j.name == name), None)
    if job is None:
        messages.error(request, f"任务“{name}”不存在")
    else:
        messages.success(request, f"任务 {name} 已运行，处理 {run_job(job)} 条")
    return redirect("platform:jobs")
