"""Platform JSON API for 搜索运营 (/api/platform/search…): the search report, synonyms, hot words."""

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from wanshang.common.api_paging import Paged
from wanshang.platform.api.errors import ERRORS
from wanshang.search.selectors import query_report, synonym_list
from wanshang.search.services import hot_word_set, synonym_delete, synonym_save

router = Router(tags=["platform: search"])


class SearchReportFilters(Schema):
    days: int = Field(7, ge=1, le=90)
    zero_only: bool = Field(False, description="只看无结果的搜索词")
    limit: int = Field(50, ge=1, le=200)


class SearchQueryStatOut(Schema):
    query: str
    searches: int
    zero_results: int
    clicks: int
    click_rate: float


class SynonymIn(Schema):
    words: list[str] = Field(min_length=2, max_length=20)
    one_way: bool = False
    note: str = Field("", max_length=60)


class SynonymOut(Schema):
    id: int = Field(alias="pk")
    words: list[str]
    one_way: bool
    note: str


class HotWordIn(Schema):
    term: str = Field(min_length=1, max_length=50)
    pinned: bool | None = None
    hidden: bool | None = None


class HotWordOut(Schema):
    term: str
    pinned: bool
    hidden: bool
    searches: int


@router.get(
    "/search/queries",
    response={200: list[SearchQueryStatOut], **ERRORS},
    summary="搜索词报表（点击率、无结果）",
)
def search_queries(request, filters: Query[SearchReportFilters]):
    return query_report(days=filters.days, zero_only=filters.zero_only, limit=filters.limit)


@router.get("/search/synonyms", response={200: list[SynonymOut], **ERRORS}, summary="同义词列表")
@paginate(Paged, page_size=50, max_page_size=200)
def synonyms(request):
    return synonym_list()


@router.post("/search/synonyms", response={201: SynonymOut, **ERRORS}, summary="添加同义词组")
def synonyms_add(request, payload: SynonymIn):
    return 201, synonym_save(words=payload.words, one_way=payload.one_way, note=payload.note)


@router.put("/search/synonyms/{synonym_id}", response={200: SynonymOut, **ERRORS}, summary="修改同义词组")
def synonyms_edit(request, synonym_id: int, payload: SynonymIn):
    return synonym_save(
        words=payload.words, one_way=payload.one_way, note=payload.note, synonym_id=synonym_id
    )


@router.delete("/search/synonyms/{synonym_id}", response={204: None, **ERRORS}, summary="删除同义词组")
def synonyms_delete(request, synonym_id: int):
    synonym_delete(synonym_id=synonym_id)
    return 204, None


@router.post("/search/hot-words", response={200: HotWordOut, **ERRORS}, summary="置顶热搜词 / 不再联想")
def hot_words_set(request, payload: HotWordIn):
    return hot_word_set(term=payload.term, pinned=payload.pinned, hidden=payload.hidden)
