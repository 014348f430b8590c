"""Platform JSON API for 售后 (/api/platform/aftersales…): the reasons buyers choose from."""

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from wanshang.aftersales.selectors import reason_get, reason_list
from wanshang.aftersales.services import reason_save
from wanshang.common.api_paging import Paged
from wanshang.faces_common.aftersales_schemas import AfterSalesReasonOut
from wanshang.platform.api.errors import ERRORS

router = Router(tags=["platform: aftersales"])


class PlatformCaseReasonOut(AfterSalesReasonOut):
    pass


class PlatformCaseReasonIn(Schema):
    name: str = Field(min_length=2, max_length=30)
    fault: str = Field(description="buyer 买家原因 / shop 商家原因")
    for_refund_only: bool = False
    for_return: bool = False
    for_exchange: bool = False
    no_reason: bool = Field(False, description="七天无理由：申请时校验商品是否支持")
    active: bool = True
    position: int = Field(0, ge=0, le=999)


@router.get("/aftersales/reasons", response={200: list[PlatformCaseReasonOut], **ERRORS}, summary="售后原因")
@paginate(Paged, page_size=50, max_page_size=200)
def reasons(request):
    return reason_list(active_only=False)


@router.post("/aftersales/reasons", response={201: PlatformCaseReasonOut, **ERRORS}, summary="添加售后原因")
def reason_create(request, payload: PlatformCaseReasonIn):
    return 201, reason_save(**payload.model_dump())


@router.put(
    "/aftersales/reasons/{reason_id}", response={200: PlatformCaseReasonOut, **ERRORS}, summary="修改售后原因"
)
def reason_update(request, reason_id: int, payload: PlatformCaseReasonIn):
    reason_get(reason_id=reason_id)
    return reason_save(reason_id=reason_id, **payload.model_dump())
