"""Bounds of the API's paging parameters (page, page_size, limit, offset), shared by the three faces.

Unbounded, `offset=9223372036854775808` reached the database and failed there (bigint out of range: a 500 on
PostgreSQL); bounded, an out-of-range value is a 422 that names the parameter and its limit. Nobody pages a
million rows deep through the API: the exports and the data center serve that.
"""

from ninja import Query

MAX_OFFSET = 1_000_000
MAX_PAGE = 100_000  # × the largest page size (100–200) stays far below any integer limit


def page_query(default: int = 1):
    """`page: int = page_query()` — 1-based page number."""
    return Query(default, ge=1, le=MAX_PAGE, description=f"页码（1–{MAX_PAGE}）")


def page_size_query(default: int, maximum: int = 100):
    return Query(default, ge=1, le=maximum, description=f"每页条数（1–{maximum}）")
