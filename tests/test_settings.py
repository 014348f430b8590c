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
