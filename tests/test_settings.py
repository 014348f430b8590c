import importlib
import os


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
