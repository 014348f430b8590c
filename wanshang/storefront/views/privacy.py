"""我的 → 隐私: what the 数据中心 keeps about a buyer, and deleting their behaviour data on request."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wanshang.analytics.types import VISITOR_COOKIE
from wanshang.insights.services import buyer_events_delete
from wanshang.storefront.views._common import buyer_required


@buyer_required
def my_privacy(request):
    return render(request, "storefront/my_privacy.html", {})


@buyer_required
@require_POST
def events_delete(request):
    """Deletes after the buyer ticked the confirmation; the browser gets a new visitor id afterwards, so what it
    does next is not linked to what was deleted."""
    if request.POST.get("confirm") != "1":
        messages.error(request, _("请先勾选“我已了解”再删除"))
        return redirect("storefront:my_privacy")
    deleted = buyer_events_delete(user_id=request.user.pk)
    messages.success(request, _("已删除你的 %(n)s 条浏览和行为记录") % {"n": deleted})
    response = redirect("storefront:my_privacy")
    response.delete_cookie(VISITOR_COOKIE, samesite="Lax")
    return response
