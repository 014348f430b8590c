"""Carrier callbacks (server to server): no session, no CSRF; the signature is the auth."""

from django.http import JsonResponse
from ninja import Router

from wanshang.common.errors import DomainError
from wanshang.shipping.carriers.kdniao import push_answer
from wanshang.shipping.services import kdniao_push

router = Router()


@router.post(
    "/kdniao/push",
    auth=None,
    summary="快递鸟轨迹推送",
    description="快递鸟的表单推送（RequestData、RequestType=101、DataSign）。签名不符或数据不正确时返回 4xx 且不写入；"
    "重复与乱序推送只会得到一条按时间排序的轨迹。应答为快递鸟要求的 JSON（EBusinessID、UpdateTime、Success、Reason）。",
)
def kdniao_push_view(request):
    request_data = request.POST.get("RequestData", "")
    try:
        ebusiness_id, _ = kdniao_push(request_data=request_data, data_sign=request.POST.get("DataSign", ""))
    except DomainError as exc:
        return JsonResponse(push_answer("", success=False, reason=exc.message), status=exc.status_code)
    return JsonResponse(push_answer(ebusiness_id, success=True))
