"""The engine stays pure: no models, no database, no cache, no clock, no randomness of its own."""

import ast
from pathlib import Path

import wanshang.ads.engine

ENGINE = Path(wanshang.ads.engine.__file__).parent
ALLOWED_WANSHANG = ("wanshang.ads.engine",)
FORBIDDEN = ("django.db", "django.core.cache", "random", "time", "datetime", "django.utils.timezone")


def imports_of(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
    return found


def test_engine_imports_only_itself_and_no_io():
    modules = sorted(ENGINE.glob("*.py"))
    assert len(modules) >= 8
    for path in modules:
        for name in imports_of(path):
            where = f"{path.name} imports {name}"
            if name.startswith("wanshang."):
                assert name.startswith(ALLOWED_WANSHANG), where
            assert not any(name == f or name.startswith(f + ".") for f in FORBIDDEN), where
