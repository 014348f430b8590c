"""Shared test fixtures: small factories that go through the real services. Scenario fixtures used by several
apps' tests (shop, other_shop, address, place, promo, make_buyers) are in wanshang/common/tests/fixtures.py."""

import itertools
import os

import pytest

pytest_plugins = ["wanshang.common.tests.fixtures"]

_seq = itertools.count(1)
# "gw0", "gw1", … when pytest-xdist runs the suite in several processes; they share the Redis database.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request):
    """With --reuse-db (make test-fast) the SQLite test database is a file under var/ kept between runs (one per
    xdist worker); otherwise an in-memory one made afresh, as in CI."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    test = db.setdefault("TEST", {})
    if (
        request.config.getoption("reuse_db")
        and db["ENGINE"] == "django.db.backends.sqlite3"
        and not test.get("NAME")
    ):
        test["NAME"] = str(settings.VAR_DIR / "test-db.sqlite3")
    request.getfixturevalue("django_db_modify_db_settings_parallel_suffix")  # adds _gw0, _gw1, … to the names


def _reload_regions(sender, **kwargs):
    if sender.label == "fulfillment":
        from wanshang.fulfillment.services import regions_ensure_loaded

        regions_ensure_loaded()
    if sender.label == "aftersales":  # the reasons migration 0003 seeds
        from wanshang.aftersales.services import reasons_ensure_seeded

        reasons_ensure_seeded()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A transactional test ends with Django's flush, which empties every table, the regions the migration loaded
    among them, and the tests after it in the same process (in any order under xdist) would find none. The flush
    sends post_migrate, as a migration does: reload the regions then. (Test set-up only; the app uses no signals.)
    A kept database (--reuse-db) may come from an interrupted run: check it once at the start."""
    from django.db.models.signals import post_migrate

    from wanshang.fulfillment.services import regions_ensure_loaded

    with django_db_blocker.unblock():
        regions_ensure_loaded()
    post_migrate.connect(_reload_regions, dispatch_uid="tests-reload-regions", weak=False)
    yield
    post_migrate.disconnect(dispatch_uid="tests-reload-regions")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow and the tests create hundreds of users; tests/test_passwords.py
    checks the real configuration hashes with argon2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Each test starts with an empty cache of its own: local memory instead of the shared file cache
    (a real Redis when the run sets REDIS_URL), cleared because it outlives a test's rolled-back rows.
    On Redis each test process keeps to its own key prefix and deletes only its own keys: cache.clear() would
    flush the database under the tests another xdist worker is running."""
    from django.core.cache import cache

    if not settings.REDIS_URL:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        cache.clear()
    else:
        prefix = f"test-{WORKER}"
        settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": prefix}}
        client = cache._cache.get_client(write=True)
        stale = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if stale:
            client.delete(*stale)
    yield


@pytest.fixture
def require_postgres():
    """For concurrency and locking tests: skip off PostgreSQL, but under CI=true fail instead."""
    import os

    from django.db import connection

    if connection.vendor != "postgresql":
        if os.environ.get("CI") == "true":
            pytest.fail("CI: these tests need PostgreSQL (set DATABASE_URL)")
        pytest.skip("needs PostgreSQL: run scripts/test with a reachable server")


@pytest.fixture(autouse=True)
def _own_event_spool(settings, tmp_path):
    """Each test spools its 数据中心 events and its ad impressions and clicks into folders of its own (tests read
    them with the ingest jobs: analytics' ingest(), ads' `wanshang.ads.tests.spooling.ads_ingested()`)."""
    settings.WANSHANG = {
        **settings.WANSHANG,
        "ANALYTICS_SPOOL_DIR": str(tmp_path / "events"),
        "ADS_SPOOL_DIR": str(tmp_path / "adevents"),
    }


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    """Uploads of each test go to a folder of its own, never to var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language (Chinese). The active language is per thread and a request with
    the `django_language` cookie leaves English active in the test process, so without this a later test in the
    same worker read English messages where it expected Chinese."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def make_user(db):
    from wanshang.accounts.services import user_register

    def make(login=None, password="Wanshang#2026", **extra):
        login = login or f"139{next(_seq):08d}"
        user = user_register(login=login, password=password)
        for key, value in extra.items():
            setattr(user, key, value)
        if extra:
            user.save()
        return user

    return make


@pytest.fixture
def buyer(make_user):
    return make_user()


@pytest.fixture
def operator(make_user):
    return make_user(is_staff=True, is_superuser=True)


@pytest.fixture
def make_address(db):
    from wanshang.accounts.services import address_create
    from wanshang.fulfillment.services import regions_ensure_loaded

    regions_ensure_loaded()  # transactional tests truncate the tables the migration filled

    def make(user, district_code="110105", **kw):
        return address_create(
            user=user,
            receiver=kw.get("receiver", "张三"),
            phone=kw.get("phone", "13800138000"),
            district_code=district_code,
            detail=kw.get("detail", "望京街道阜通东大街6号"),
            is_default=kw.get("is_default", False),
        )

    return make


@pytest.fixture
def make_category(db):
    from wanshang.catalog.services import category_create

    def make(names=("服饰内衣", "女装", "连衣裙")):
        n = next(_seq)
        parent = None
        for level, name in enumerate(names, start=1):
            parent = category_create(name=name, slug=f"c{n}-{level}", parent_id=parent.pk if parent else None)
        return parent

    return make


@pytest.fixture
def make_shop(make_user, operator, make_category):
    """An approved shop with its owner (the applicant) and a default warehouse and freight template."""
    from wanshang.merchants.selectors import staff_for_user
    from wanshang.merchants.services import application_approve, application_submit

    def make(name=None, category=None):
        n = next(_seq)
        owner = make_user()
        category = category or make_category()
        app = application_submit(
            user=owner,
            company_name=f"测试公司{n}",
            credit_code="91350100M000100Y43",
            contact_name="李四",
            contact_phone="13900001111",
            shop_name=name or f"测试店铺{n}",
            categories=[category.parent.parent],
        )
        shop = application_approve(application_id=app.pk, reviewer=operator)
        shop.owner = owner
        shop.owner_staff = staff_for_user(user=owner)
        shop.test_category = category
        return shop

    return make


@pytest.fixture
def make_product(django_capture_on_commit_callbacks):
    """A product on sale with SKUs: make(shop, prices=[9900], stock=10, axes=None).

    Saved as a merchant's request would: its after-commit work (the search index) runs before it is returned.
    """
    from wanshang.catalog.services import ProductInput, SkuInput, product_save, product_set_status

    def make(shop, *, title=None, prices=(9900,), stock=10, on_sale=True, weight_g=500, **fields):
        n = next(_seq)
        if len(prices) == 1:
            axes, specs = [], [[]]
        else:
            values = [f"款{i + 1}" for i in range(len(prices))]
            axes, specs = [{"name": "款式", "values": values}], [[v] for v in values]
        data = ProductInput(
            title=title or f"测试商品{n}",
            category_id=fields.pop("category_id", shop.test_category.pk),
            spec_axes=axes,
            skus=[
                SkuInput(spec_values=s, price_fen=p, cost_fen=p // 2, stock=stock, weight_g=weight_g)
                for s, p in zip(specs, prices, strict=True)
            ],
            **fields,
        )
        with django_capture_on_commit_callbacks(execute=True):
            product = product_save(staff=shop.owner_staff, data=data)
            if on_sale:
                product_set_status(staff=shop.owner_staff, product_ids=[product.pk], status="on_sale")
        product.refresh_from_db()
        return product

    return make


@pytest.fixture
def login_client(client):
    def login(user):
        client.force_login(user)
        return client

    return login
