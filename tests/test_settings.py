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
