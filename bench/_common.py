"""Shared set-up of the benchmark scripts: pick the benchmark database, refuse real ones, start Django.

The benchmarks never run against the development database or a test database:

* SQLite (the default): ``$WANSHANG_VAR_DIR/wanshang.sqlite3`` with ``WANSHANG_VAR_DIR=/tmp/bench-var``;
* PostgreSQL: ``--db postgres`` means ``postgres://postgres@127.0.0.1:5432/wanshang_bench`` (or set
  ``DATABASE_URL``). The database name must not be ``wanshang`` nor start with ``test_``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
DEFAULT_VAR_DIR = "/tmp/bench-var"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/wanshang_bench"
LOOPBACK = {"127.0.0.1", "localhost", "::1", ""}
BENCH_PASSWORD = "Bench#2026pass"


class BenchSetupError(SystemExit):
    pass


def add_db_argument(parser) -> None:
    parser.add_argument(
        "--db",
        choices=["sqlite", "postgres"],
        default=None,
        help="sqlite (default: $WANSHANG_VAR_DIR/wanshang.sqlite3 under /tmp/bench-var) or "
        f"postgres ({DEFAULT_PG_URL}); DATABASE_URL overrides both",
    )


def configure_env(db: str | None) -> str:
    """Set the environment the bench processes run with and return the database URL (checked safe)."""
    os.environ.setdefault("WANSHANG_VAR_DIR", DEFAULT_VAR_DIR)
    if db == "postgres" and not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = DEFAULT_PG_URL
    if db == "sqlite" and os.environ.get("DATABASE_URL", "").startswith("postgres"):
        del os.environ["DATABASE_URL"]
    # Production-like: no per-query logging (DEBUG keeps every SQL string in memory), sandbox payments on.
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
    os.environ.setdefault("PAYMENT_GATEWAYS", "sandbox")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    os.environ.setdefault("SECURE_COOKIES", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("STATIC_ROOT", str(Path(os.environ["WANSHANG_VAR_DIR"]) / "static"))
    url = (
        os.environ.get("DATABASE_URL")
        or f"sqlite:///{Path(os.environ['WANSHANG_VAR_DIR']) / 'wanshang.sqlite3'}"
    )
    check_safe_url(url)
    return url


def check_safe_url(url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme.startswith("postgres"):
        name = parsed.path.lstrip("/")
        if (
            not name
            or name == "wanshang"
            or name.startswith("test_")
            or name in {"postgres", "template0", "template1"}
        ):
            raise BenchSetupError(f"refusing to benchmark on database {name!r}: use e.g. wanshang_bench")
        if (parsed.hostname or "") not in LOOPBACK:
            raise BenchSetupError(f"refusing a non-loopback database host {parsed.hostname!r}")
    elif parsed.scheme == "sqlite":
        path = Path(url.split("sqlite:///", 1)[1]).resolve()
        if path == (REPO / "var" / "wanshang.sqlite3").resolve():
            raise BenchSetupError("refusing to benchmark on the development database var/wanshang.sqlite3")
    else:
        raise BenchSetupError(f"unsupported DATABASE_URL scheme {parsed.scheme!r}")


def db_label(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgres") else "SQLite"


def ensure_pg_database(url: str, *, recreate: bool) -> None:
    """Create (or drop and re-create) the benchmark PostgreSQL database through the `postgres` maintenance DB."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    check_safe_url(url)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        if exists and recreate:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = False
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def pg_reachable(url: str = DEFAULT_PG_URL) -> bool:
    try:
        import psycopg

        admin = urlparse(url)._replace(path="/postgres").geturl()
        with psycopg.connect(admin, connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False


def django_setup() -> None:
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wanshang.settings")
    import django

    django.setup()
    from django.conf import settings

    if (
        not settings.DEBUG
    ):  # pages name collectstatic's hashed copies (ManifestStaticFilesStorage), as in production
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(round(pct / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def loadavg() -> float:
    """The 1-minute load average: other work on the machine skews every figure, so each run records it."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return float("nan")


def require_current_schema() -> None:
    """Stop with a clear message when the bench database is behind the code's migrations."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in pending[:3])
        raise BenchSetupError(
            f"the bench database lacks migrations ({names} …): re-seed it with bench/seed_catalog.py --reset"
        )
