"""数据中心 · A/B 实验 end to end: the seller pages and /api/seller/data/experiments, the storefront showing a
visitor's variant, results from real page views and a real payment, peeks, roles and shop isolation."""

from hashlib import sha256

import pytest
from django.urls import reverse

from wanshang.analytics.collector import ingest
from wanshang.analytics.tracking import Visit, visit_begin, visit_end
from wanshang.insights.experiments import (
    ExperimentInput,
    experiment_get,
    experiment_list,
    experiment_save,
    experiment_start,
    variant_index,
)

pytestmark = pytest.mark.django_db

JSON = "application/json"
API = "/api/seller/data/experiments"
NEW_TITLE = "夏季新款 冰丝连衣裙"


@pytest.fixture
def product(shop, make_product):
    return make_product(
        shop, title="纯棉连衣裙", images=["https://img.example.com/a.jpg", "https://img.example.com/a2.jpg"]
    )


def variants(**b):
    return [
        {"key": "A", "name": "原版", "weight": 50},
        {
            "key": "B",
            "name": "新标题",
            "weight": 50,
            "title": NEW_TITLE,
            "image": "https://img.example.com/b.jpg",
            **b,
        },
    ]


def api_payload(ids, **over) -> dict:
    data = {
        "key": "title-test",
        "name": "标题测试",
        "metric": "conversion",
        "variants": variants(),
        "product_ids": list(ids),
        "baseline_bps": 1000,
        "mde_bps": 200,
    }
    data.update(over)
    return data


def form_post(ids, *, rows=None, **over) -> dict:
    rows = rows if rows is not None else [("A", "原版", "50", "", ""), ("B", "新标题", "50", NEW_TITLE, "")]
    data = {
        "name": "标题测试",
        "key": "title-test",
        "metric": "conversion",
        "product_ids": ", ".join(str(i) for i in ids),
        "baseline_pct": "10",
        "mde_pct": "2",
    }
    for i, name in enumerate(("key", "name", "weight", "title", "image")):
        data[f"variant_{name}"] = [row[i] for row in rows]
    data.update(over)
    return data


def make_experiment(shop, product_ids, *, start=False, **over):
    fields = {
        "key": "title-test",
        "name": "标题测试",
        "metric": "conversion",
        "variants": variants(),
        "product_ids": list(product_ids),
        "baseline_bps": 1000,
        "mde_bps": 200,
        **over,
    }
    exp = experiment_save(shop=shop, data=ExperimentInput(**fields))
    if start:
        exp = experiment_start(shop=shop, experiment_id=exp.pk)
    return exp


def visitors_in(exp, key: str, count: int) -> list[str]:
    """Visitor ids (32 hex) that the experiment's hash puts into variant `key`."""
    found, n = [], 0
    while len(found) < count:
        v = sha256(f"v{n}".encode()).hexdigest()[:32]
        if (
            exp.variants[variant_index(key=exp.key, experiment_id=exp.pk, variants=exp.variants, visitor=v)][
                "key"
            ]
            == key
        ):
            found.append(v)
        n += 1
    return found


def url(name, *args):
    return reverse(f"sellercenter:{name}", args=args)


# --- pages ---------------------------------------------------------------------------------------------------------


def test_create_from_the_form_saves_a_draft_with_its_planned_sample(owner_client, shop, product):
    response = owner_client.post(url("data_experiment_create"), form_post([product.pk]))

    exp = experiment_list(shop=shop).get()
    assert response.status_code == 302 and response["Location"] == url("data_experiment_detail", exp.pk)
    assert exp.status == "draft" and exp.planned_per_arm == 3841
    assert exp.baseline_bps == 1000 and exp.mde_bps == 200
    assert [v["weight"] for v in exp.variants] == [50, 50] and exp.variants[1]["title"] == NEW_TITLE
    page = owner_client.get(url("data_experiments"))
    assert page.status_code == 200 and "标题测试" in page.content.decode()


@pytest.mark.parametrize(
    "rows,over,message",
    [
        ([("A", "原版", "60", "", ""), ("B", "新", "50", "x", "")], {}, "之和须为 100"),
        ([("A", "原版", "100", "", "")], {}, "2–4 个分组"),
        ([("A", "原版", "50", "", ""), ("B", "新", "abc", "x", "")], {}, "须为整数"),
        (None, {"product_ids": "999999"}, "不属于本店"),
        (None, {"product_ids": ""}, ""),
        (None, {"mde_pct": "0"}, ""),
    ],
)
def test_bad_form_input_shows_errors_and_saves_nothing(owner_client, shop, product, rows, over, message):
    response = owner_client.post(url("data_experiment_create"), form_post([product.pk], rows=rows, **over))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not experiment_list(shop=shop).exists()


def test_another_shops_product_is_refused_on_the_form(owner_client, shop, other_shop, make_product):
    theirs = make_product(other_shop)
    response = owner_client.post(url("data_experiment_create"), form_post([theirs.pk]))
    assert response.status_code == 400 and "不属于本店" in response.content.decode()
    assert not experiment_list(shop=shop).exists()


def test_draft_is_edited_running_is_not(owner_client, shop, product):
    exp = make_experiment(shop, [product.pk])
    assert owner_client.get(url("data_experiment_edit", exp.pk)).status_code == 200
    response = owner_client.post(url("data_experiment_edit", exp.pk), form_post([product.pk], name="改名后"))
    assert response.status_code == 302 and experiment_get(shop=shop, experiment_id=exp.pk).name == "改名后"

    experiment_start(shop=shop, experiment_id=exp.pk)
    response = owner_client.post(
        url("data_experiment_edit", exp.pk), form_post([product.pk], name="再改"), follow=True
    )
    assert "不能再修改" in response.content.decode()
    assert experiment_get(shop=shop, experiment_id=exp.pk).name == "改名后"


def test_start_and_stop_buttons_and_an_illegal_transition(owner_client, shop, product):
    exp = make_experiment(shop, [product.pk])

    response = owner_client.post(url("data_experiment_stop", exp.pk), follow=True)
    assert "只有进行中的实验可以结束" in response.content.decode()
    assert experiment_get(shop=shop, experiment_id=exp.pk).status == "draft"

    assert owner_client.post(url("data_experiment_start", exp.pk)).status_code == 302
    assert experiment_get(shop=shop, experiment_id=exp.pk).status == "running"
    assert owner_client.get(url("data_experiment_start", exp.pk)).status_code == 405  # POST only
    assert owner_client.post(url("data_experiment_stop", exp.pk)).status_code == 302
    assert experiment_get(shop=shop, experiment_id=exp.pk).status == "stopped"


def test_detail_shows_results_warnings_and_counts_peeks(owner_client, client, shop, product, paid_order):
    # given a running experiment, two visitors in each arm viewing the product, and one B visitor paying
    exp = make_experiment(shop, [product.pk], start=True)
    in_a, in_b = visitors_in(exp, "A", 2), visitors_in(exp, "B", 2)
    for visitor in in_a + in_b:
        client.cookies["wsv"] = visitor
        assert client.get(reverse("storefront:product", args=[product.pk])).status_code == 200
    ingest()
    token = visit_begin(Visit(visitor=in_b[0]))
    try:
        paid_order(product)
    finally:
        visit_end(token)

    # when the owner opens the results twice
    owner_client.get(url("data_experiment_detail", exp.pk))
    response = owner_client.get(url("data_experiment_detail", exp.pk))

    # then each arm has its visitors, B its converter, and the page warns about sample size and peeking
    assert response.status_code == 200
    arms = {a.key: a for a in response.context["results"].arms}
    assert (arms["A"].visitors, arms["A"].converters) == (2, 0)
    assert (arms["B"].visitors, arms["B"].converters) == (2, 1)
    assert arms["B"].revenue_fen > 0
    html = response.content.decode()
    assert "样本量不足，结论不可靠" in html and "19%" in html
    assert response.context["results"].views == 2
    assert "experiment-chart" in html and "vendor/echarts.min.js" in html


def test_a_role_with_data_but_not_marketing_reads_but_does_not_change(client, shop, product, make_staff):
    exp = make_experiment(shop, [product.pk])
    client.force_login(make_staff(shop, "finance"))

    assert client.get(url("data_experiments")).status_code == 200
    assert client.get(url("data_experiment_detail", exp.pk)).status_code == 200
    assert client.get(url("data_experiment_create")).status_code == 403
    assert client.post(url("data_experiment_start", exp.pk)).status_code == 403
    assert client.post(API, api_payload([product.pk], key="other"), content_type=JSON).status_code == 403
    assert experiment_get(shop=shop, experiment_id=exp.pk).status == "draft"


def test_warehouse_role_cannot_see_experiments(client, shop, make_staff):
    client.force_login(make_staff(shop, "warehouse"))
    assert client.get(url("data_experiments")).status_code == 403
    assert client.get(API).status_code == 403


def test_another_shops_experiment_is_404_on_every_page_and_endpoint(owner_client, other_shop, make_product):
    theirs = make_experiment(other_shop, [make_product(other_shop).pk])

    for name in ("data_experiment_detail", "data_experiment_edit"):
        assert owner_client.get(url(name, theirs.pk)).status_code == 404
    for name in ("data_experiment_start", "data_experiment_stop"):
        assert owner_client.post(url(name, theirs.pk)).status_code == 404
    assert owner_client.get(f"{API}/{theirs.pk}").status_code == 404
    assert owner_client.put(f"{API}/{theirs.pk}", api_payload([]), content_type=JSON).status_code == 404
    for action in ("start", "stop"):
        assert owner_client.post(f"{API}/{theirs.pk}/{action}").status_code == 404
    assert owner_client.get(API).json() == []
    assert experiment_get(shop=other_shop, experiment_id=theirs.pk).status == "draft"


# --- API -----------------------------------------------------------------------------------------------------------


def test_api_creates_lists_starts_reads_and_stops(owner_client, shop, product):
    created = owner_client.post(API, api_payload([product.pk]), content_type=JSON)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft" and body["planned_per_arm"] == 3841
    assert body["variants"][1] == {
        "key": "B",
        "name": "新标题",
        "weight": 50,
        "title": NEW_TITLE,
        "image": "https://img.example.com/b.jpg",
    }
    exp_id = body["id"]

    assert [e["id"] for e in owner_client.get(API).json()] == [exp_id]
    assert owner_client.get(API, {"status": "running"}).json() == []
    assert owner_client.get(API, {"status": "nope"}).status_code == 400

    started = owner_client.post(f"{API}/{exp_id}/start")
    assert started.status_code == 200 and started.json()["status"] == "running"
    again = owner_client.post(f"{API}/{exp_id}/start")
    assert again.status_code == 409 and "只有草稿可以开始" in again.json()["detail"]
    assert (
        owner_client.put(f"{API}/{exp_id}", api_payload([product.pk]), content_type=JSON).status_code == 409
    )

    detail = owner_client.get(f"{API}/{exp_id}").json()
    assert detail["products"] == [{"id": product.pk, "title": "纯棉连衣裙"}]
    results = detail["results"]
    assert results["visitors"] == 0 and results["below_plan"] and results["views"] == 1
    assert [a["key"] for a in results["arms"]] == ["A", "B"] and results["arms"][0]["is_control"]
    assert any("样本量不足，结论不可靠" in w for w in results["warnings"])

    stopped = owner_client.post(f"{API}/{exp_id}/stop")
    assert stopped.status_code == 200 and stopped.json()["status"] == "stopped"
    assert owner_client.post(f"{API}/{exp_id}/stop").status_code == 409


@pytest.mark.parametrize(
    "over,status,message",
    [
        (
            {
                "variants": [
                    {"key": "A", "name": "原版", "weight": 50},
                    {"key": "B", "name": "新", "weight": 40},
                ]
            },
            400,
            "之和须为 100",
        ),
        ({"variants": [{"key": "A", "name": "原版", "weight": 100}]}, 400, "2–4 个分组"),
        ({"product_ids": [999999]}, 400, "不属于本店"),
        ({"product_ids": []}, 400, "至少选择一个"),
        ({"variants": variants(weight="50")}, 422, ""),  # strict integers
        ({"colour": "red"}, 422, ""),  # unknown field
    ],
)
def test_api_bad_input_is_4xx_and_saves_nothing(owner_client, shop, product, over, status, message):
    response = owner_client.post(API, api_payload([product.pk], **over), content_type=JSON)
    assert response.status_code == status, response.json()
    assert message in response.json()["detail"]
    assert not experiment_list(shop=shop).exists()


def test_api_refuses_another_shops_product(owner_client, shop, other_shop, make_product):
    response = owner_client.post(API, api_payload([make_product(other_shop).pk]), content_type=JSON)
    assert response.status_code == 400 and response.json()["field"] == "product_ids"
    assert not experiment_list(shop=shop).exists()


def test_api_refuses_a_product_already_in_a_running_experiment(owner_client, shop, product):
    make_experiment(shop, [product.pk], start=True)
    second = owner_client.post(API, api_payload([product.pk], key="image-test"), content_type=JSON).json()
    response = owner_client.post(f"{API}/{second['id']}/start")
    assert response.status_code == 409 and "同一商品同时只能参加一个实验" in response.json()["detail"]


# --- storefront ----------------------------------------------------------------------------------------------------


def test_storefront_shows_the_visitors_variant(client, shop, product):
    exp = make_experiment(shop, [product.pk], start=True)
    [in_b], [in_a] = visitors_in(exp, "B", 1), visitors_in(exp, "A", 1)
    page = reverse("storefront:product", args=[product.pk])

    client.cookies["wsv"] = in_b
    shown_b = client.get(page).content.decode()
    client.cookies["wsv"] = in_a
    shown_a = client.get(page).content.decode()

    assert f">{NEW_TITLE}</h1>" in shown_b and "https://img.example.com/b.jpg" in shown_b
    assert "https://img.example.com/a2.jpg" in shown_b  # only the main image is replaced
    assert ">纯棉连衣裙</h1>" in shown_a and NEW_TITLE not in shown_a
    assert "https://img.example.com/b.jpg" not in shown_a
    # the same visitor keeps their variant
    client.cookies["wsv"] = in_b
    assert f">{NEW_TITLE}</h1>" in client.get(page).content.decode()


def test_storefront_is_back_to_the_original_after_the_stop(client, owner_client, shop, product):
    exp = make_experiment(shop, [product.pk], start=True)
    [in_b] = visitors_in(exp, "B", 1)
    owner_client.post(url("data_experiment_stop", exp.pk))
    client.cookies["wsv"] = in_b
    html = client.get(reverse("storefront:product", args=[product.pk])).content.decode()
    assert NEW_TITLE not in html and ">纯棉连衣裙</h1>" in html
