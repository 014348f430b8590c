"""The time-on-page beacon (static/storefront/beacon.js): `navigator.sendBeacon` posts how long a page was
visible with the page's signed token. It only calls `stay_record`, so it never slows anything."""

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from wanshang.analytics.services import stay_record
from wanshang.common.errors import ValidationError


@csrf_exempt  # a beacon carries no CSRF token; the signed page token is what it must bring
@require_POST
def stay_beacon(request):
    try:
        stay_record(token=request.POST.get("t", ""), duration_ms=request.POST.get("ms"))
    except ValidationError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    return HttpResponse(status=204)
