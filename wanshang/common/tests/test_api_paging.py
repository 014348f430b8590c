"""The shared pagination: envelope, bounds that answer 422, the last page past the end, per-page preparation."""

import pytest
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.testing import TestClient

from wanshang.common.api_paging import MAX_PAGE, Paged, PageOut, Rows


class NumberOut(Schema):
    n: int
    doubled: int


class Number:
    def __init__(self, n: int) -> None:
        self.n = n
        self.doubled = 0


prepared: list[list[int]] = []


def _double(rows: list[Number]) -> list[Number]:
    prepared.append([r.n for r in rows])
    for r in rows:
        r.doubled = r.n * 2
    return rows


router = Router()


@router.get("/numbers", response=list[NumberOut])
@paginate(Paged, page_size=3, max_page_size=5)
def numbers(request):
    return Rows([Number(n) for n in range(1, 11)], _double)


class NumbersPage(PageOut):
    total: int


@router.get("/numbers-with-total", response=list[NumberOut])
@paginate(Paged, page_size=3, output=NumbersPage)
def numbers_with_total(request):
    return Rows([Number(n) for n in range(1, 5)], _double, extra={"total": 10})


client = TestClient(router)


def test_envelope_reads_items_from_attributes_and_prepares_only_the_page():
    prepared.clear()
    data = client.get("/numbers?page=2").json()
    assert data == {
        "count": 10,
        "page": 2,
        "pages": 4,
        "items": [{"n": 4, "doubled": 8}, {"n": 5, "doubled": 10}, {"n": 6, "doubled": 12}],
    }
    assert prepared == [[4, 5, 6]]


def test_page_past_the_end_answers_the_last_page():
    data = client.get("/numbers?page=99&page_size=5").json()
    assert (data["page"], [i["n"] for i in data["items"]]) == (2, [6, 7, 8, 9, 10])


@pytest.mark.parametrize(
    "query",
    ["page=0", f"page={MAX_PAGE + 1}", "page=9223372036854775808", "page_size=6", "page_size=0", "page=x"],
)
def test_out_of_range_is_a_422_naming_the_parameter(query):
    response = client.get(f"/numbers?{query}")
    assert response.status_code == 422
    assert query.split("=")[0] in str(response.json())


def test_a_page_can_carry_fields_about_the_whole_list():
    data = client.get("/numbers-with-total?page=2").json()
    assert data == {"count": 4, "page": 2, "pages": 2, "total": 10, "items": [{"n": 4, "doubled": 8}]}


def test_each_page_size_bound_has_its_own_query_schema_name():
    """Two bounds under one name would collapse into one definition in the OpenAPI document."""
    assert Paged(page_size=3, max_page_size=5).Input.__name__ != Paged(page_size=3).Input.__name__
