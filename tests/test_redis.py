"""Against a real Redis (REDIS_URL): the cache the platform uses for hot reads. Run by scripts/test."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def require_redis():
    if not settings.REDIS_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("CI: REDIS_URL must point at a reachable Redis")
        pytest.skip("needs Redis: run scripts/test with a reachable server")


def test_cache_backend_is_redis_and_round_trips():
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    cache.set("wanshang:test", {"fen": 12345}, 30)
    assert cache.get("wanshang:test") == {"fen": 12345}


def test_category_tree_cache_is_invalidated_by_catalog_changes(make_category):
    from wanshang.catalog.selectors import TREE_CACHE_KEY, category_tree
    from wanshang.catalog.services import category_create, category_rename

    leaf = make_category()
    assert [c.name for c in category_tree()] == ["服饰内衣"]
    assert cache.get(TREE_CACHE_KEY) is not None
    category_create(name="手机数码", slug="digital-redis")
    assert sorted(c.name for c in category_tree()) == ["手机数码", "服饰内衣"]
    category_rename(category_id=leaf.pk, name="半身裙")
    assert category_tree()[0].kids[0].kids[0].name == "半身裙"
