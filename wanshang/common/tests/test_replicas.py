"""Read replicas against a real one: a throwaway primary and a streaming replica started for this module
(pgcluster.py), Django's "default" pointed at that primary and "replica_1" at the replica for its duration.

Which server answered is seen three ways: the alias that executed each query (execute wrappers on both
connections), `pg_is_in_recovery()` on the replica connection, and data — with replay paused, a row written
on the primary is missing on the replica, so a page that shows it was read on the primary.
"""

import collections
import contextlib
import itertools
import os
import shutil
import time

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import Client, override_settings

from wanshang.common import dbrouter
from wanshang.common.tests.pgcluster import PG_BIN, PgCluster

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("pg_replica")]

_seq = itertools.count(1)
REPLICA = "replica_1"


def _cannot_run() -> str | None:
    if not (PG_BIN / "initdb").exists():
        return f"PostgreSQL's server programs are not in {PG_BIN} (set PG_BIN)"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "running as root needs runuser to start PostgreSQL as the postgres user"
    return None


@pytest.fixture(scope="module")
def cluster():
    reason = _cannot_run()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI: the replica tests must run: {reason}")
        pytest.skip(reason)
    started = time.monotonic()
    made = PgCluster().start()
    made.start_seconds = time.monotonic() - started
    print(f"\nprimary + streaming replica started in {made.start_seconds:.1f} s")  # noqa: T201
    try:
        yield made
    finally:
        made.close()


def _config(url: str, engine: str) -> dict:
    import dj_database_url

    return {**dj_database_url.parse(url), "ENGINE": engine, "TEST": {"MIRROR": "default"}}


def _url_of(db: dict) -> str:
    return (
        f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture(scope="module")
def replicated(cluster, request, django_db_blocker):
    """Django on the throwaway primary with the router, the middleware and replica_1 configured; everything
    put back afterwards. The schema comes from the run's migrated PostgreSQL test database when there is one
    (a copy takes seconds), else from running the migrations (about a minute)."""
    from django.conf import settings

    source = None
    if connections["default"].vendor == "postgresql":
        # the run's test database: migrated when a collected test asked for the database (the one below does)
        request.getfixturevalue("django_db_setup")
        with django_db_blocker.unblock():
            db = connections.settings["default"]
            if (
                db["NAME"].startswith("test_")
                and "django_migrations" in connections["default"].introspection.table_names()
            ):
                source = _url_of(db)
    saved = dict(connections.settings)
    with django_db_blocker.unblock():
        for alias in saved:
            connections[alias].close()
        connections.settings["default"] = connections.configure_settings(
            {"default": _config(cluster.url(cluster.primary_port), "django.db.backends.postgresql")}
        )["default"]
        connections.settings[REPLICA] = connections.configure_settings(
            {"default": _config(cluster.url(cluster.replica_port), "wanshang.common.pgreplica")}
        )["default"]
        del connections["default"]
        started = time.monotonic()
        if source:
            cluster.copy_database(source)
        else:
            call_command("migrate", verbosity=0, interactive=False)
        how = f"copied from {source}" if source else "migrated"
        print(f"throwaway primary {how} in {time.monotonic() - started:.1f} s")  # noqa: T201
        overrides = override_settings(
            DATABASE_REPLICAS=[REPLICA],
            DATABASE_ROUTERS=["wanshang.common.dbrouter.ReplicaRouter"],
            MIDDLEWARE=[
                settings.MIDDLEWARE[0],
                "wanshang.common.dbrouter.ReplicaReadMiddleware",
                *settings.MIDDLEWARE[1:],
            ],
            DATABASE_REPLICA_MAX_LAG=5,
            DATABASE_REPLICA_CHECK_SECONDS=0,  # every request checks: the tests change the replica's state
            DATABASE_REPLICA_RETRY_SECONDS=1,
            DATABASE_STICKY_SECONDS=15,
        )
        overrides.enable()
        try:
            yield cluster
        finally:
            overrides.disable()
            for alias in list(connections.settings):
                connections[alias].close()
                with contextlib.suppress(AttributeError):
                    del connections[alias]
            connections.settings.pop(REPLICA, None)
            connections.settings["default"] = saved["default"]
            dbrouter.reset_health()


@pytest.fixture
def rig(replicated):
    """Each test starts with a running, current replica whose state this process has forgotten."""
    if not replicated.replica_running():
        replicated.start_replica()
    if replicated.psql(replicated.replica_port, "SELECT pg_is_wal_replay_paused()") == "t":
        replicated.psql(replicated.replica_port, "SELECT pg_wal_replay_resume()")
    dbrouter.reset_health()
    yield replicated
    dbrouter.reset_health()


@contextlib.contextmanager
def executed_on():
    """Counts the queries each alias executed (a statement that failed on the replica is not counted there)."""
    seen = collections.Counter()
    seen.sql = collections.defaultdict(list)

    def recorder(alias):
        def wrap(execute, sql, params, many, context):
            result = execute(sql, params, many, context)
            seen[alias] += 1
            seen.sql[alias].append(sql)
            return result

        return wrap

    with contextlib.ExitStack() as stack:
        for alias in ("default", REPLICA):
            stack.enter_context(connections[alias].execute_wrapper(recorder(alias)))
        yield seen


@pytest.fixture(scope="module")
def scene(replicated):
    """A shop with a product on sale and its owner, made on the primary and replayed on the replica."""
    from wanshang.accounts.services import user_register
    from wanshang.catalog.services import (
        ProductInput,
        SkuInput,
        category_create,
        product_save,
        product_set_status,
    )
    from wanshang.merchants.selectors import staff_for_user
    from wanshang.merchants.services import application_approve, application_submit

    n = next(_seq)
    operator = user_register(login=f"1370000{n:04d}", password="Wanshang#2026")
    operator.is_staff = operator.is_superuser = True
    operator.save()
    owner = user_register(login=f"1380000{n:04d}", password="Wanshang#2026")
    parent = None
    for level, name in enumerate(("服饰内衣", "女装", "连衣裙"), start=1):
        parent = category_create(name=name, slug=f"r{n}-{level}", parent_id=parent.pk if parent else None)
    app = application_submit(
        user=owner,
        company_name=f"副本测试公司{n}",
        credit_code="91350100M000100Y43",
        contact_name="李四",
        contact_phone="13900001111",
        shop_name=f"副本测试店{n}",
        categories=[parent.parent.parent],
    )
    shop = application_approve(application_id=app.pk, reviewer=operator)
    staff = staff_for_user(user=owner)
    product = product_save(
        staff=staff,
        data=ProductInput(
            title="真丝连衣裙",
            category_id=parent.pk,
            skus=[SkuInput(spec_values=[], price_fen=19900, cost_fen=9000, stock=10, weight_g=300)],
        ),
    )
    product_set_status(staff=staff, product_ids=[product.pk], status="on_sale")
    replicated.wait_replayed()
    return {"owner": owner, "shop": shop, "category": parent, "product": product, "sku": product.skus.get()}


def test_without_replicas_nothing_is_installed(db):
    """The default configuration (no DATABASE_REPLICA_URLS): no router, no middleware, no replica alias."""
    from django.conf import settings

    assert settings.DATABASE_REPLICAS == []
    assert settings.DATABASE_ROUTERS == []
    assert "wanshang.common.dbrouter.ReplicaReadMiddleware" not in settings.MIDDLEWARE
    assert list(connections.settings) == ["default"]


def _price_shown(client, product_id) -> int:
    response = client.get(f"/api/store/products/{product_id}")
    assert response.status_code == 200, response.content
    return response.json()["skus"][0]["price_fen"]


def test_a_catalog_get_reads_the_replica(rig, scene):
    with executed_on() as seen:
        response = Client().get(f"/api/store/products/{scene['product'].pk}")
    assert response.status_code == 200
    assert response.json()["title"] == "真丝连衣裙"
    assert seen[REPLICA] > 0
    with connections[REPLICA].cursor() as cursor:  # the connection those reads used is a standby
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True
    assert "ws_primary" not in response.cookies  # a read makes nobody sticky


def test_pages_outside_the_list_and_writes_stay_on_the_primary(rig, scene):
    client = Client()
    client.force_login(scene["owner"])
    with executed_on() as seen:
        assert client.get("/cart/").status_code == 200  # not a replica-ok path
        assert client.get("/api/store/orders").status_code == 200
    assert seen[REPLICA] == 0 and seen["default"] > 0


def test_a_write_then_a_read_by_the_same_client_reads_the_write(rig, scene):
    """Replay paused (lag limit high, so the replica still counts as usable): the writer's next read must
    come from the primary; another visitor's read comes from the replica and shows the old price."""
    writer, other = Client(), Client()
    writer.force_login(scene["owner"])
    before = _price_shown(other, scene["product"].pk)
    rig.psql(rig.replica_port, "SELECT pg_wal_replay_pause()")
    with override_settings(DATABASE_REPLICA_MAX_LAG=3600):
        response = writer.patch(
            f"/api/seller/skus/{scene['sku'].pk}/price",
            {"price_fen": before - 1000},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        assert "ws_primary" in response.cookies
        with executed_on() as seen:
            assert _price_shown(writer, scene["product"].pk) == before - 1000  # read-your-writes
        assert seen[REPLICA] == 0
        with executed_on() as seen:
            assert _price_shown(other, scene["product"].pk) == before  # the paused replica's older row
        assert seen[REPLICA] > 0
        # after the window the writer reads the replica again
        with override_settings(DATABASE_STICKY_SECONDS=0.2):
            writer.patch(
                f"/api/seller/skus/{scene['sku'].pk}/price",
                {"price_fen": before},
                content_type="application/json",
            )
            time.sleep(0.3)
            with executed_on() as seen:
                _price_shown(writer, scene["product"].pk)
            assert seen[REPLICA] > 0
    rig.psql(rig.replica_port, "SELECT pg_wal_replay_resume()")


def test_a_lagging_replica_is_not_read(rig, scene):
    client = Client()
    rig.psql(rig.replica_port, "SELECT pg_wal_replay_pause()")
    rig.psql(
        rig.primary_port, f"UPDATE catalog_product SET title = '真丝连衣裙' WHERE id = {scene['product'].pk}"
    )
    with override_settings(DATABASE_REPLICA_MAX_LAG=0.5):
        deadline = time.monotonic() + 10
        while (
            dbrouter.replica_status(REPLICA)["lag"] is None or dbrouter.replica_status(REPLICA)["lag"] <= 0.5
        ):
            assert time.monotonic() < deadline, dbrouter.replica_status(REPLICA)
            time.sleep(0.2)
            dbrouter._usable(REPLICA)
        with executed_on() as seen:
            assert client.get(f"/api/store/products/{scene['product'].pk}").status_code == 200
        assert seen[REPLICA] == 0 and seen["default"] > 0
        rig.psql(rig.replica_port, "SELECT pg_wal_replay_resume()")
        rig.wait_replayed()
        with executed_on() as seen:  # caught up: back on the replica
            assert client.get(f"/api/store/products/{scene['product'].pk}").status_code == 200
        assert seen[REPLICA] > 0


def test_an_idle_primary_does_not_look_like_lag(rig, scene):
    rig.wait_replayed()
    time.sleep(1.2)  # the last replayed transaction is now older than the limit below
    with override_settings(DATABASE_REPLICA_MAX_LAG=1):
        # 0, not the age of the last transaction (an idle primary's own WAL, such as its snapshot record every
        # 15 s, may be in flight for a moment: look again then)
        deadline = time.monotonic() + 5
        while connections[REPLICA].replication_lag() != 0:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        with executed_on() as seen:
            Client().get(f"/api/store/products/{scene['product'].pk}")
        assert seen[REPLICA] > 0


def test_a_replica_going_away_mid_run_falls_back_and_comes_back(rig, scene):
    client = Client()
    url = f"/api/store/products/{scene['product'].pk}"
    with executed_on() as seen:
        assert client.get(url).status_code == 200
    assert seen[REPLICA] > 0  # its connection is open now
    rig.stop_replica()
    with executed_on() as seen:  # the kept connection is dead: the read is retried on the primary
        for _ in range(3):
            response = client.get(url)
            assert response.status_code == 200
            assert response.json()["title"] == "真丝连衣裙"
    assert seen[REPLICA] == 0 and seen["default"] > 0
    assert dbrouter.replica_status(REPLICA)["usable"] is False
    rig.start_replica()
    time.sleep(1.1)  # DATABASE_REPLICA_RETRY_SECONDS
    with executed_on() as seen:
        assert client.get(url).status_code == 200
    assert seen[REPLICA] > 0


def test_a_replica_dying_between_the_health_check_and_the_read(rig, scene):
    """The replica passed its check, then went away: the failed statement itself is retried on the primary."""
    with override_settings(DATABASE_REPLICA_CHECK_SECONDS=60):
        client = Client()
        url = f"/api/store/products/{scene['product'].pk}"
        assert client.get(url).status_code == 200
        assert dbrouter.replica_status(REPLICA)["usable"] is True
        rig.stop_replica()
        with executed_on() as seen:
            response = client.get(url)
        assert response.status_code == 200 and response.json()["title"] == "真丝连衣裙"
        assert seen["default"] > 0 and seen[REPLICA] == 0
        assert dbrouter.replica_status(REPLICA)["down_for"] > 0


def test_an_instance_read_from_the_replica_is_saved_on_the_primary(rig, scene):
    from wanshang.catalog.models import Product

    with dbrouter.replica_reads():
        product = Product.objects.get(pk=scene["product"].pk)
    assert product._state.db == REPLICA
    product.subtitle = "副本读出，主库写入"
    product.save(update_fields=["subtitle"])
    assert rig.psql(rig.primary_port, f"SELECT subtitle FROM catalog_product WHERE id = {product.pk}") == (
        "副本读出，主库写入"
    )


def test_reads_inside_a_transaction_stay_on_the_primary(rig, scene):
    from django.db import transaction

    from wanshang.catalog.models import Product

    with dbrouter.replica_reads():
        with transaction.atomic():
            assert Product.objects.get(pk=scene["product"].pk)._state.db == "default"
        assert Product.objects.get(pk=scene["product"].pk)._state.db == REPLICA


def test_web_pages_with_a_replica_configured(rig, scene):
    """The whole stack: a storefront list page, a product page and the seller's 数据中心 API."""
    client = Client()
    with executed_on() as seen:
        page = client.get(f"/c/{scene['category'].slug}/")
        detail = client.get(f"/p/{scene['product'].pk}/")
    assert page.status_code == 200 and "真丝连衣裙" in page.content.decode()
    assert detail.status_code == 200 and "真丝连衣裙" in detail.content.decode()
    assert seen[REPLICA] > 0
    assert "ws_primary" not in page.cookies and "ws_primary" not in detail.cookies

    seller = Client()
    seller.force_login(scene["owner"])
    with executed_on() as seen:
        board = seller.get("/api/seller/data/overview?period=7d")
        html = seller.get("/seller/data/")
    assert board.status_code == 200, board.content
    assert html.status_code == 200
    assert seen[REPLICA] > 0


def test_a_search_is_logged_without_making_the_searcher_sticky(rig, scene):
    client = Client()
    with executed_on() as seen:
        response = client.get("/search/", {"q": "连衣裙"})
    assert response.status_code == 200 and "真丝连衣裙" in response.content.decode()
    # the full-text search's own SQL (not the ORM's) asks the router too
    assert any("search_searchdoc" in sql for sql in seen.sql[REPLICA])
    assert not any("search_searchdoc" in sql for sql in seen.sql["default"])
    assert any("INSERT" in sql and "search_searchquery" in sql for sql in seen.sql["default"])  # the log
    assert "ws_primary" not in response.cookies


def test_the_health_check_is_one_query_per_replica_and_interval(rig, scene, monkeypatch):
    checks = []
    measure = type(connections[REPLICA]).replication_lag

    def counted(conn):
        checks.append(conn.alias)
        return measure(conn)

    monkeypatch.setattr(type(connections[REPLICA]), "replication_lag", counted)
    with override_settings(DATABASE_REPLICA_CHECK_SECONDS=60):
        client = Client()
        for _ in range(3):
            assert client.get(f"/api/store/products/{scene['product'].pk}").status_code == 200
    assert checks == [REPLICA]
