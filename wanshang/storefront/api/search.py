"""Storefront JSON API for search (/api/store/search…): the same index, facets and fallbacks as the pages."""

from ninja import Field, Query, Router, Schema

from wanshang.analytics.selectors import visitor_of
from wanshang.catalog.selectors import category_get
from wanshang.common.errors import NotFound, ValidationError
from wanshang.search.selectors import SORTS, SearchParams, attribute_filter, hot_words, search, suggest
from wanshang.search.services import query_click, query_record
from wanshang.storefront.ad_slots import click_url, served_ads
from wanshang.storefront.api.schemas import PUBLIC_ERRORS, Error

SEARCH_ERRORS = {400: Error, **PUBLIC_ERRORS}

router = Router(tags=["storefront: search"])


class SearchFilters(Schema):
    q: str = Field("", max_length=60, description="关键词（中文、拼音或首字母）")
    category_id: int | None = Field(None, ge=1, le=2**62, description="只看该类目及其子类目")
    shop_id: int | None = Field(None, ge=1, le=2**62, description="店内搜索")
    brand_id: list[int] = Field(default_factory=list, max_length=20, description="品牌，可多选")
    min_price_fen: int | None = Field(None, ge=0, le=10**12)
    max_price_fen: int | None = Field(None, ge=0, le=10**12, description="含")
    in_stock: bool = False
    on_promotion: bool = False
    channel: str = Field("", pattern="^(|retail|wholesale)$", description="retail 零售 / wholesale 批发")
    attr: list[str] = Field(
        default_factory=list, max_length=10, description="属性筛选，形如 材质:纯棉，可多个"
    )
    sort: str = Field("default", pattern="^(" + "|".join(SORTS) + ")$", description="综合/销量/新品/价格")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=100)


class SearchFacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class SearchFacetOut(Schema):
    key: str = Field(
        description="筛选参数：category / brand / price / shop / in_stock / on_promotion / channel / attr"
    )
    label: str
    name: str = Field(description="key 为 attr 时的属性名")
    values: list[SearchFacetValueOut]


class SearchHitOut(Schema):
    id: int = Field(alias="pk")
    title: str
    image: str = Field(alias="main_image")
    min_price_fen: int
    sales_count: int
    is_wholesale: bool
    min_order_qty: int
    shop_name: str = Field(alias="shop.name")
    shop_slug: str = Field(alias="shop.slug")


class SearchAdOut(Schema):
    is_ad: bool = Field(True, description="恒为 true：这是商家付费推广，展示时须标明“广告”")
    label: str = Field("广告", description="展示用标签")
    position: int = Field(description="在本页结果中的位置（从 1 起，自然结果依次后移）")
    click_url: str = Field(description="点击时打开的地址（签名链接，一次有效；记录点击后跳转到商品页）")
    creative_id: int | None = Field(None, description="本次展示的创意（单元有创意时轮播），无创意为 null")
    title: str = Field("", description="展示标题：创意标题，无创意时为商品标题")
    image: str = Field("", description="展示图片：创意图片，无创意时为商品主图")
    product: SearchHitOut

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.title or obj.product.title

    @staticmethod
    def resolve_image(obj) -> str:
        return obj.image_url or obj.product.main_image or ""

    @staticmethod
    def resolve_click_url(obj) -> str:
        return click_url(obj.token)


class SearchResultOut(Schema):
    query_id: int | None = Field(description="本次搜索的编号；打开结果时回传给 /search/click 计点击率")
    count: int = Field(alias="total")
    page: int
    pages: int
    items: list[SearchHitOut] = Field(alias="products")
    facets: list[SearchFacetOut]
    words: list[str] = Field(description="实际用于匹配的词")
    fallback: str = Field(description="原词无结果时实际展示的查询")
    dropped: list[str]
    did_you_mean: str
    ads: list[SearchAdOut] = Field(
        default_factory=list, description="关键词推广（广告）：与自然结果分开返回，position 为其应插入的位置"
    )


class SuggestOut(Schema):
    q: str
    suggestions: list[str]


class SearchClickIn(Schema):
    query_id: int = Field(ge=1, le=2**62)
    product_id: int = Field(ge=1, le=2**62)


class SearchClickOut(Schema):
    counted: bool


def _attributes(raw: list[str]) -> tuple[tuple[str, str], ...]:
    pairs = [attribute_filter(item) for item in raw]
    if None in pairs:
        raise ValidationError("属性筛选须形如 材质:纯棉", field="attr")
    return tuple(pairs)


@router.get(
    "/search",
    auth=None,
    response={200: SearchResultOut, **SEARCH_ERRORS},
    summary="搜索商品（分面、纠错、降级）",
)
def search_products(request, filters: Query[SearchFilters]):
    category = None
    if filters.category_id:
        category = category_get(category_id=filters.category_id)
        if not category.is_active:
            raise NotFound("类目不存在")
    params = SearchParams(
        q=filters.q.strip(),
        category=category,
        shop_id=filters.shop_id,
        brand_ids=tuple(filters.brand_id),
        min_price_fen=filters.min_price_fen,
        max_price_fen=filters.max_price_fen,
        in_stock=filters.in_stock,
        on_promotion=filters.on_promotion,
        channel=filters.channel,
        attributes=_attributes(filters.attr),
        sort=filters.sort,
        page=filters.page,
        per_page=filters.page_size,
    )
    result = search(params)
    query_id = None
    if params.q and params.page == 1:
        user = request.user if request.user.is_authenticated else None
        query_id = query_record(
            text_typed=params.q,
            results=result.total,
            fallback=result.fallback,
            shop_id=params.shop_id,
            user=user,
            visitor=visitor_of(user_id=user.pk if user else None),
        ).pk
    result.query_id = query_id
    result.ads = served_ads(
        request, words=result.words, query=params.q, page=result.page, per_page=result.per_page
    )
    return result


@router.get(
    "/search/suggest",
    auth=None,
    response={200: SuggestOut, **PUBLIC_ERRORS},
    summary="搜索联想（前缀、拼音、首字母）",
)
def search_suggest(request, q: str = Query("", max_length=50)):
    typed = q.strip()
    return {"q": typed, "suggestions": suggest(prefix=typed) if typed else hot_words()}


@router.get("/search/hot", auth=None, response={200: list[str], **PUBLIC_ERRORS}, summary="热搜词")
def search_hot(request):
    return hot_words()


@router.post(
    "/search/click", auth=None, response={200: SearchClickOut, **PUBLIC_ERRORS}, summary="记录搜索结果点击"
)
def search_click(request, payload: SearchClickIn):
    return {"counted": query_click(query_id=payload.query_id, product_id=payload.product_id)}
