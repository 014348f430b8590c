import importlib
import os

import pytest
from django.core.exceptions import ImproperlyConfigured


def test_default_cache_is_shared_between_processes(monkeypatch):
    """Without Redis the cache is a file cache under var/, so web workers see each other's invalidations."""
    monkeypatch.delenv("REDIS_URL", raising=False)
    from wanshang import settings as real

    real = importlib.reload(real)
    try:
        assert real.CACHES["default"]["BACKEND"].endswith("FileBasedCache")
        assert str(real.VAR_DIR) in real.CACHES["default"]["LOCATION"]
    finally:
        if os.environ.get("REDIS_URL"):
            importlib.reload(real)


def test_db_pool_only_with_postgres_and_db_pool_max(monkeypatch):
    """DB_POOL_MAX puts PostgreSQL connections in psycopg's pool with CONN_MAX_AGE 0 (Django refuses both);
    without it nothing changes. The chat's channel layer is Redis with REDIS_URL, in-memory without."""
    from wanshang import settings as real

    try:
        monkeypatch.setenv("DATABASE_URL", "postgres://u@127.0.0.1:5432/x")
        monkeypatch.setenv("DB_POOL_MAX", "8")
        monkeypatch.setenv("DB_CONN_MAX_AGE", "60")
        monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/9")
        real = importlib.reload(real)
        db = real.DATABASES["default"]
        assert db["CONN_MAX_AGE"] == 0 and db["OPTIONS"]["pool"]["max_size"] == 8
        assert real.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"
        monkeypatch.delenv("DB_POOL_MAX")
        monkeypatch.delenv("REDIS_URL")
        real = importlib.reload(real)
        assert "pool" not in real.DATABASES["default"]["OPTIONS"]
        assert real.CHANNEL_LAYERS["default"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"
    finally:
        monkeypatch.undo()
        importlib.reload(real)


def test_read_replicas_only_with_database_replica_urls(monkeypatch):
    """DATABASE_REPLICA_URLS adds one replica alias per URL (the retrying backend, the primary's options and
    pool) and installs the router and its middleware; without it nothing is installed. A replica of anything
    but a PostgreSQL primary is refused."""
    import pytest

    from wanshang import settings as real

    try:
        monkeypatch.setenv("DATABASE_URL", "postgres://u@127.0.0.1:5432/x")
        monkeypatch.setenv("DB_POOL_MAX", "8")
        monkeypatch.setenv(
            "DATABASE_REPLICA_URLS", "postgres://u@10.0.0.2:5432/x, postgres://u@10.0.0.3:5432/x"
        )
        monkeypatch.setenv("DATABASE_REPLICA_MAX_LAG", "2.5")
        real = importlib.reload(real)
        assert real.DATABASE_REPLICAS == ["replica_1", "replica_2"]
        replica = real.DATABASES["replica_2"]
        assert replica["ENGINE"] == "wanshang.common.pgreplica" and replica["HOST"] == "10.0.0.3"
        assert replica["OPTIONS"]["pool"]["max_size"] == 8 and replica["OPTIONS"]["connect_timeout"] == 2
        assert replica["TEST"] == {"MIRROR": "default"}
        assert real.DATABASE_REPLICA_MAX_LAG == 2.5
        assert real.DATABASE_ROUTERS == ["wanshang.common.dbrouter.ReplicaRouter"]
        assert real.MIDDLEWARE[1] == "wanshang.common.dbrouter.ReplicaReadMiddleware"
        monkeypatch.delenv("DATABASE_URL")
        with pytest.raises(ValueError, match="PostgreSQL"):
            importlib.reload(real)
        monkeypatch.delenv("DATABASE_REPLICA_URLS")
        real = importlib.reload(real)
        assert real.DATABASE_REPLICAS == [] and real.DATABASE_ROUTERS == []
        assert "wanshang.common.dbrouter.ReplicaReadMiddleware" not in real.MIDDLEWARE
    finally:
        monkeypatch.undo()
        importlib.reload(real)


def test_database_pool_forms_and_the_old_name():
    from wanshang.settings import database_pool

    assert database_pool({}) is None
    assert database_pool({"DATABASE_POOL": "8"}) == {"min_size": 2, "max_size": 8, "timeout": 10.0}
    assert database_pool({"DATABASE_POOL": "1"})["min_size"] == 1  # never more kept open than allowed
    assert database_pool({"DATABASE_POOL": "0:4", "DB_POOL_TIMEOUT": "3"}) == {
        "min_size": 0,
        "max_size": 4,
        "timeout": 3.0,
    }
    legacy = database_pool({"DB_POOL_MAX": "6", "DB_POOL_MIN": "1"})
    assert legacy == {"min_size": 1, "max_size": 6, "timeout": 10.0}
    assert database_pool({"DATABASE_POOL": "2:6", "DB_POOL_MAX": "6"})["max_size"] == 6


@pytest.mark.parametrize(
    "env",
    [
        {"DATABASE_POOL": "many"},
        {"DATABASE_POOL": "4:2"},
        {"DATABASE_POOL": "0"},
        {"DATABASE_POOL": "2:"},
        {"DATABASE_POOL": "-1:4"},
        {"DATABASE_POOL": "4", "DB_POOL_TIMEOUT": "soon"},
        {"DATABASE_POOL": "4", "DB_POOL_MAX": "8"},
        {"DB_POOL_MAX": "x"},
    ],
)
def test_a_bad_database_pool_stops_the_start_up_with_the_reason(env):
    from django.core.exceptions import ImproperlyConfigured

    from wanshang.settings import database_pool

    with pytest.raises(ImproperlyConfigured, match="DATABASE_POOL"):
        database_pool(env)


def test_database_pool_sets_the_pool_on_postgres_only(monkeypatch):
    from wanshang import settings as real

    try:
        monkeypatch.setenv("DATABASE_URL", "postgres://u@127.0.0.1:5432/x")
        monkeypatch.setenv("DATABASE_POOL", "3:5")
        monkeypatch.delenv("DB_POOL_MAX", raising=False)
        real = importlib.reload(real)
        db = real.DATABASES["default"]
        assert db["CONN_MAX_AGE"] == 0 and db["OPTIONS"]["pool"]["min_size"] == 3
        monkeypatch.setenv("DATABASE_POOL", "9:5")
        with pytest.raises(ImproperlyConfigured):
            importlib.reload(real)
        monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/x.sqlite3")
        monkeypatch.setenv("DATABASE_POOL", "5")
        real = importlib.reload(real)
        assert "pool" not in real.DATABASES["default"]["OPTIONS"]
    finally:
        monkeypatch.undo()
        importlib.reload(real)
