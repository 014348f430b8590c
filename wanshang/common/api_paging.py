"""The API's one way of paging a list, shared by the three faces.

A list endpoint declares `response=list[ItemOut]` and `@paginate(Paged, page_size=20)`, and returns its rows (a
queryset or a list). Ninja then answers `{count, page, pages, items}` under the schema `Paged<ItemOut>` and
reads each item's fields from the row's attributes and the schema's resolvers: no hand-built dicts.

When the rows of one page need a batch look-up (stock of the page's SKUs, say), return `Rows(queryset, prepare)`:
`prepare` runs on that page's rows only, after slicing. A list that also reports something about the whole list
(a ledger's totals, an unread count) declares those fields in a subclass of `PageOut` given as
`@paginate(Paged, output=ThatPage)` and returns their values as `Rows(..., extra={...})`.

Bounds: `page` ≤ MAX_PAGE and `page_size` ≤ the endpoint's maximum are checked and a value out of range is a 422
that names the parameter and its limit. Unbounded, `offset=9223372036854775808` once reached the database and
failed there (bigint out of range: a 500 on PostgreSQL). A page past the end answers the last page (as Django's
`Paginator.get_page`), so a client that deleted the last row of the last page still gets rows.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from ninja import Field, Query, Schema
from ninja.pagination import PaginationBase
from pydantic import create_model

MAX_PAGE = 100_000  # × the largest page size (100–200) stays far below any integer limit


def page_query(default: int = 1):
    """`page: int = page_query()` — 1-based page number, for the few views that page by hand (reports)."""
    return Query(default, ge=1, le=MAX_PAGE, description=f"页码（1–{MAX_PAGE}）")


def page_size_query(default: int, maximum: int = 100):
    return Query(default, ge=1, le=maximum, description=f"每页条数（1–{maximum}）")


@dataclass(frozen=True)
class Rows:
    """A list endpoint's rows plus a step run on the one page shown (batch look-ups for that page only), and
    the values of the envelope's extra fields (see `Paged(output=...)`)."""

    rows: Any
    prepare: Callable[[list], Sequence] = list
    extra: Mapping[str, Any] = field(default_factory=dict)


class PageOut(Schema):
    """Envelope of every paged answer; ninja subclasses it per item schema as `Paged<Item>`."""

    count: int = Field(description="符合条件的总条数")
    page: int = Field(description="当前页码（超出末页时为末页）")
    pages: int = Field(description="总页数")
    items: list[Any]


class Paged(PaginationBase):
    """Page-number pagination with bounds that answer 422, and the `{count, page, pages, items}` envelope."""

    Output = PageOut
    items_attribute = "items"

    def __init__(
        self, *, page_size: int = 20, max_page_size: int = 100, output: type[PageOut] = PageOut, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.Output = output
        # one name per shape: the OpenAPI document keeps a single definition per name
        self.Input = create_model(
            f"PageQuery{page_size}Of{max_page_size}",
            __base__=Schema,
            page=(int, Field(1, ge=1, le=MAX_PAGE, description=f"页码（1–{MAX_PAGE}）")),
            page_size=(
                int,
                Field(page_size, ge=1, le=max_page_size, description=f"每页条数（1–{max_page_size}）"),
            ),
        )

    def paginate_queryset(self, queryset, pagination, request, **params) -> dict:
        rows = queryset if isinstance(queryset, Rows) else Rows(queryset)
        current = Paginator(rows.rows, pagination.page_size).get_page(pagination.page)
        return {
            **rows.extra,
            "count": current.paginator.count,
            "page": current.number,
            "pages": current.paginator.num_pages,
            "items": list(rows.prepare(list(current.object_list))),
        }
