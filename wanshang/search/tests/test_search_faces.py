"""Search through the storefront pages and the JSON API: facets, bad input, the query log, clicks, suggestions."""

import pytest

from wanshang.search.models import SearchQuery
from wanshang.search.services import terms_refresh
from wanshang.search.tests.test_relevance import mall  # noqa: F401 - the shared scene

pytestmark = pytest.mark.django_db


def test_search_page_shows_facets_and_logs_the_query(client, mall):  # noqa: F811
    page = client.get("/search/", {"q": "连衣裙"}).content.decode()
    assert "纯棉碎花连衣裙夏季" in page and "下架的连衣裙" not in page
    assert 'data-facet="brand"' in page and "花西子" in page and 'data-facet="channel"' in page
    logged = SearchQuery.objects.get()
    assert (logged.text, logged.results) == ("连衣裙", 3)
    assert f'data-search-query="{logged.pk}"' in page
    client.get("/search/", {"q": "连衣裙", "page": 2})
    assert SearchQuery.objects.count() == 1  # page 2 is the same search


def test_facet_links_narrow_the_results(client, mall):  # noqa: F811
    page = client.get("/search/", {"q": "连衣裙", "channel": "wholesale"}).content.decode()
    assert "批发连衣裙" in page and "纯棉碎花连衣裙夏季" not in page
    page = client.get("/search/", {"q": "连衣裙", "brand": str(mall["brand"].pk)}).content.decode()
    assert "真丝长款连衣裙" in page and "纯棉碎花连衣裙夏季" not in page


@pytest.mark.parametrize(
    "query",
    [
        {"brand": "x"},
        {"price": "1e9-"},
        {"attr": "no-colon"},
        {"category": "abc"},
        {"category": "999999"},
        {"shop": "-1"},
    ],
)
def test_bad_filters_are_reported_and_the_rest_still_applies(client, mall, query):  # noqa: F811
    response = client.get("/search/", {"q": "连衣裙", **query})
    assert response.status_code == 200
    page = response.content.decode()
    assert "message-error" in page and "纯棉碎花连衣裙夏季" in page


def test_category_page_has_subcategory_facets(client, mall):  # noqa: F811
    page = client.get(f"/c/{mall['women'].slug}/").content.decode()
    assert "百褶半身裙" in page and "商务长袖衬衫" not in page
    assert 'data-facet="category"' in page


def test_click_beacon_counts_the_first_click_only(client, mall):  # noqa: F811
    client.get("/search/", {"q": "连衣裙"})
    query = SearchQuery.objects.get()
    client.post("/search/click/", {"qid": query.pk, "pid": mall["dress"].pk})
    client.post("/search/click/", {"qid": query.pk, "pid": mall["dress2"].pk})
    client.post("/search/click/", {"qid": "junk", "pid": "x"})
    query.refresh_from_db()
    assert query.clicked_product_id == mall["dress"].pk


def test_suggest_page_endpoint(client, mall):  # noqa: F811
    terms_refresh()
    assert "连衣裙" in client.get("/search/suggest/", {"q": "lyq"}).json()["suggestions"]


def test_api_search_with_facets_and_fallback(client, mall):  # noqa: F811
    data = client.get("/api/store/search", {"q": "连衣裙 火星", "channel": "retail"}).json()
    assert data["count"] == 2 and data["dropped"] == ["火星"] and data["fallback"] == "连衣裙"
    assert {i["title"] for i in data["items"]} == {"纯棉碎花连衣裙夏季", "真丝长款连衣裙"}
    assert {f["key"] for f in data["facets"]} >= {"category", "brand", "price", "channel"}
    assert data["query_id"] == SearchQuery.objects.get().pk
    clicked = client.post(
        "/api/store/search/click",
        {"query_id": data["query_id"], "product_id": data["items"][0]["id"]},
        content_type="application/json",
    )
    assert clicked.json() == {"counted": True}


@pytest.mark.parametrize(
    "query",
    [
        {"sort": "cheapest"},
        {"channel": "b2b"},
        {"page": 0},
        {"page_size": 500},
        {"attr": "nocolon"},
        {"category_id": 0},
    ],
)
def test_api_bad_input_is_a_4xx_with_a_message(client, mall, query):  # noqa: F811
    response = client.get("/api/store/search", {"q": "连衣裙", **query})
    assert response.status_code in (400, 422)
    assert response.json()


def test_api_unknown_category_is_404(client, mall):  # noqa: F811
    assert client.get("/api/store/search", {"category_id": 987654}).status_code == 404


def test_api_suggest_and_hot_words(client, mall):  # noqa: F811
    client.get("/api/store/search", {"q": "连衣裙"})
    terms_refresh()
    assert client.get("/api/store/search/hot").json()[0] == "连衣裙"
    assert "连衣裙" in client.get("/api/store/search/suggest", {"q": "lianyi"}).json()["suggestions"]


def test_facet_labels_follow_the_language(client, mall, settings):  # noqa: F811
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/search/", {"q": "连衣裙"}).content.decode()
    assert "In stock only" in page and "Retail" in page and "仅看有货" not in page
