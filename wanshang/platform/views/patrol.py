"""日常巡检 across shops: each shop's latest report, the shops with the most open findings first."""

from django.shortcuts import render

from wanshang.patrol.selectors import platform_overview
from wanshang.platform.access import operator_view


@operator_view
def patrol_overview(request):
    return render(request, "platform/patrol.html", {"nav": "patrol", "rows": platform_overview(limit=100)})
