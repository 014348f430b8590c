"""The replica router's decisions, without a replica: which request scope may read one, when the client is kept
on the primary, and where writes and migrations go. test_replicas.py runs the same against a real replica."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import RequestFactory

from wanshang.accounts.models import User
from wanshang.catalog.models import Product
from wanshang.common import dbrouter
from wanshang.search.models import SearchQuery

ALIAS = "replica_x"
router = dbrouter.ReplicaRouter()


@pytest.fixture(autouse=True)
def _one_healthy_replica(settings):
    """A replica this process has just found current (no query is made to it: the check is cached)."""
    settings.DATABASE_REPLICAS = [ALIAS]
    settings.DATABASE_REPLICA_CHECK_SECONDS = 60
    settings.DATABASE_STICKY_SECONDS = 15
    dbrouter.reset_health()
    dbrouter._health[ALIAS] = dbrouter._Health(checked_at=time.monotonic(), usable=True, lag=0.0)
    yield
    dbrouter.reset_health()


def through_middleware(request, view):
    """Runs `view(request)` inside the middleware; returns (the view's answer, the response)."""
    seen = {}

    def get_response(req):
        seen["answer"] = view(req)
        return HttpResponse("ok")

    response = dbrouter.ReplicaReadMiddleware(get_response)(request)
    return seen["answer"], response


def read_alias(request):
    return router.db_for_read(Product)


def test_a_get_to_a_listed_path_reads_the_replica():
    for path in ("/", "/c/dresses/", "/p/12/", "/search/", "/api/store/products", "/seller/data/traffic/"):
        answer, response = through_middleware(RequestFactory().get(path), read_alias)
        assert answer == ALIAS, path
        assert "ws_primary" not in response.cookies


def test_other_paths_and_methods_read_the_primary():
    for path in ("/cart/", "/checkout/", "/orders/", "/api/store/cart", "/seller/products/", "/platform/"):
        assert through_middleware(RequestFactory().get(path), read_alias)[0] == "default", path
    assert through_middleware(RequestFactory().post("/search/"), read_alias)[0] == "default"
    assert router.db_for_read(Product) == "default"  # outside any request


def test_sessions_and_users_are_always_read_on_the_primary():
    def both(request):
        return router.db_for_read(Session), router.db_for_read(User)

    assert through_middleware(RequestFactory().get("/p/1/"), both)[0] == ("default", "default")


def test_a_write_request_makes_the_client_sticky_for_the_window():
    _, response = through_middleware(RequestFactory().post("/cart/add/"), read_alias)
    cookie = response.cookies["ws_primary"]
    assert cookie["max-age"] == 15 and cookie["httponly"]
    until = float(cookie.value)  # now + the window (allowing for a slow machine between the two clocks)
    assert time.time() + 10 < until <= time.time() + 15.001  # written to the millisecond

    request = RequestFactory().get("/p/1/")
    request.COOKIES["ws_primary"] = cookie.value
    assert through_middleware(request, read_alias)[0] == "default"  # its own reads: the primary


def test_a_stale_or_forged_sticky_cookie_is_not_honoured():
    for value in (f"{time.time() - 1:.3f}", f"{time.time() + 3600:.3f}", "soon"):
        request = RequestFactory().get("/p/1/")
        request.COOKIES["ws_primary"] = value
        assert through_middleware(request, read_alias)[0] == ALIAS, value


def test_a_model_write_during_a_get_keeps_the_rest_of_it_and_the_client_on_the_primary():
    def write_then_read(request):
        assert router.db_for_write(Product) == "default"
        return router.db_for_read(Product)

    answer, response = through_middleware(RequestFactory().get("/p/1/"), write_then_read)
    assert answer == "default"
    assert "ws_primary" in response.cookies


def test_a_logged_search_makes_nobody_sticky():
    def log_a_search(request):
        router.db_for_write(SearchQuery)
        router.db_for_write(Session)
        return router.db_for_read(Product)

    answer, response = through_middleware(RequestFactory().get("/search/"), log_a_search)
    assert answer == ALIAS
    assert "ws_primary" not in response.cookies


def test_a_replica_marked_down_is_skipped_until_its_back_off_ends(settings):
    settings.DATABASE_REPLICA_RETRY_SECONDS = 60
    dbrouter.mark_down(ALIAS)
    assert through_middleware(RequestFactory().get("/p/1/"), read_alias)[0] == "default"
    assert dbrouter.replica_status(ALIAS)["down_for"] > 59


def test_a_replica_that_fails_during_a_request_is_left_for_the_rest_of_it():
    def fail_midway(request):
        first = router.db_for_read(Product)
        dbrouter.mark_down(ALIAS)
        return first, router.db_for_read(Product)

    assert through_middleware(RequestFactory().get("/p/1/"), fail_midway)[0] == (ALIAS, "default")


def test_a_lagging_replica_is_skipped():
    dbrouter._health[ALIAS] = dbrouter._Health(checked_at=time.monotonic(), usable=False, lag=30.0)
    assert through_middleware(RequestFactory().get("/p/1/"), read_alias)[0] == "default"


def test_code_may_ask_for_replica_reads_explicitly():
    with dbrouter.replica_reads():
        assert router.db_for_read(Product) == ALIAS
        assert dbrouter.used_replica()
    assert router.db_for_read(Product) == "default"


def test_writes_relations_and_migrations():
    with dbrouter.replica_reads():
        assert router.db_for_write(Product) == "default"
    assert router.allow_relation(object(), object())
    assert router.allow_migrate("default", "catalog")
    assert not router.allow_migrate(ALIAS, "catalog")


def test_a_cache_kept_for_long_is_filled_from_the_primary():
    with dbrouter.replica_reads():
        with dbrouter.primary_reads():
            assert router.db_for_read(Product) == "default"
        assert router.db_for_read(Product) == ALIAS


def test_a_cache_filled_from_a_replica_lives_no_longer_than_the_lag_just_after_a_change(settings):
    settings.DATABASE_REPLICA_MAX_LAG, settings.DATABASE_REPLICA_CHECK_SECONDS = 5, 2
    assert dbrouter.replica_safe_ttl(120) == 120  # read nothing from a replica
    with dbrouter.replica_reads():
        router.db_for_read(Product)
        assert dbrouter.replica_safe_ttl(120) == 7
        assert dbrouter.replica_safe_ttl(120, changed_at=lambda: time.time() - 3) == 7
        assert dbrouter.replica_safe_ttl(120, changed_at=lambda: time.time() - 60) == 120  # an old version


def test_with_replicas_the_listing_version_keeps_when_it_changed(db):
    from wanshang.catalog.selectors import listing_changed_at
    from wanshang.catalog.services import listings_changed

    assert listing_changed_at() == 0.0
    listings_changed()
    assert time.time() - 5 < listing_changed_at() <= time.time()
