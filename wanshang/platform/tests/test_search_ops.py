"""搜索运营: the search report, synonyms and hot words, by page and by API; buyers and sellers are refused."""

import pytest
from django.urls import reverse

from wanshang.search.selectors import hot_word_rows, suggest, synonym_list
from wanshang.search.services import query_click, query_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged():
    first = query_record(text_typed="连衣裙", results=5)
    for _ in range(2):
        query_record(text_typed="连衣裙", results=5)
    query_click(query_id=first.pk, product_id=1)
    query_record(text_typed="火星车", results=0)


def test_report_lists_top_and_zero_result_queries_with_click_rate(op_client, logged):
    html = op_client.get(reverse("platform:search")).content.decode()
    assert "连衣裙" in html and "33.3%" in html
    zero = html[html.index('id="zero-queries"') : html.index("</table>", html.index('id="zero-queries"'))]
    assert "火星车" in zero and "连衣裙" not in zero


def test_operator_adds_and_deletes_a_synonym_group(op_client):
    response = op_client.post(
        reverse("platform:search"), {"form": "synonym", "words": "连衣裙，裙子 长裙", "note": ""}
    )
    assert response.status_code == 302
    [group] = synonym_list()
    assert group.words == ["连衣裙", "裙子", "长裙"]
    op_client.post(reverse("platform:synonym_delete", args=[group.pk]))
    assert synonym_list() == []


@pytest.mark.parametrize("words", ["裙子", "裙子 裙子", "", "a" * 21 + " b"])
def test_bad_synonym_groups_are_form_errors(op_client, words):
    response = op_client.post(reverse("platform:search"), {"form": "synonym", "words": words})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode() or "field-error" in response.content.decode()
    assert synonym_list() == []


def test_pinned_hot_word_leads_and_hidden_word_is_never_suggested(op_client, logged):
    op_client.post(reverse("platform:search"), {"form": "hot", "term": "防晒霜", "action": "pin"})
    op_client.post(reverse("platform:search"), {"form": "hot", "term": "连衣裙", "action": "hide"})
    assert [t.term for t in hot_word_rows() if t.pinned] == ["防晒霜"]
    assert suggest(prefix="连衣") == []
    assert (
        op_client.post(reverse("platform:search"), {"form": "hot", "term": "", "action": "pin"}).status_code
        == 400
    )


def test_api_report_synonyms_and_hot_words(client, operator, api_token, logged):
    headers = api_token(operator)
    top = client.get("/api/platform/search/queries", **headers).json()
    assert top[0] == {
        "query": "连衣裙",
        "searches": 3,
        "zero_results": 0,
        "clicks": 1,
        "click_rate": pytest.approx(1 / 3),
    }
    zero = client.get("/api/platform/search/queries", {"zero_only": True}, **headers).json()
    assert [r["query"] for r in zero] == ["火星车"]
    made = client.post(
        "/api/platform/search/synonyms",
        {"words": ["手机", "智能手机"], "one_way": True},
        content_type="application/json",
        **headers,
    )
    assert made.status_code == 201 and made.json()["one_way"] is True
    bad = client.post(
        "/api/platform/search/synonyms",
        {"words": ["手机", "手机"]},
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 400 and "两个不同的词" in bad.json()["detail"]
    assert client.delete(f"/api/platform/search/synonyms/{made.json()['id']}", **headers).status_code == 204
    assert client.delete(f"/api/platform/search/synonyms/{made.json()['id']}", **headers).status_code == 404
    pinned = client.post(
        "/api/platform/search/hot-words",
        {"term": "防晒霜", "pinned": True},
        content_type="application/json",
        **headers,
    )
    assert pinned.json()["pinned"] is True
    assert client.get("/api/platform/search/queries", {"days": 0}, **headers).status_code == 422


def test_buyers_cannot_reach_search_ops(client, buyer, api_token):
    client.force_login(buyer)
    assert client.get(reverse("platform:search")).status_code in (302, 403)
    assert client.get("/api/platform/search/queries", **api_token(buyer)).status_code == 403
