"""Platform JSON API for 日常巡检 (/api/platform/patrol): the shops with the most open findings."""

from datetime import date

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from wanshang.common.api_paging import Paged
from wanshang.patrol.selectors import platform_overview
from wanshang.platform.api.errors import ERRORS

router = Router(tags=["platform: patrol"])


class PlatformPatrolShopOut(Schema):
    shop_id: int = Field(alias="shop.pk")
    shop_name: str = Field(alias="shop.name")
    day: date = Field(description="该店最新一次巡检的日期")
    products_checked: int
    findings_count: int
    open_count: int = Field(description="仍待处理的问题数")
    by_kind: dict[str, int] = Field(description="待处理问题按类型计数")


@router.get(
    "/patrol",
    response={200: list[PlatformPatrolShopOut], **ERRORS},
    summary="日常巡检：各店最新报告（待处理问题最多的在前）",
)
@paginate(Paged, page_size=50, max_page_size=200)
def patrol_shops(request):
    return platform_overview(limit=1000)
