"""价格合规: price-rule flags across all shops (§16 strike price, §17 raise before a discount), with evidence."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wanshang.compliance.selectors import open_price_alert_count, price_alerts
from wanshang.compliance.services import price_alert_resolve
from wanshang.platform.access import operator_view
from wanshang.platform.marketing import evidence_rows


@operator_view
def alert_index(request):
    show_all = request.GET.get("all") == "1"
    alerts = price_alerts(shop=None, include_resolved=show_all)
    for alert in alerts:
        alert.evidence_rows = evidence_rows(alert.evidence)
    return render(
        request,
        "platform/price_alerts.html",
        {
            "nav": "alerts",
            "alerts": alerts,
            "show_all": show_all,
            "open_count": open_price_alert_count(),
        },
    )


@operator_view
@require_POST
def alert_resolve(request, alert_id):
    alert = price_alert_resolve(alert_id=alert_id)  # an unknown id: NotFound → the 404 page
    messages.success(request, f"已将“{alert.sku.product.title}”的价格提醒标记为已处理")
    return redirect("platform:price_alerts")
