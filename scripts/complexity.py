"""The complexity ratchet: no function may newly pass the limits of [tool.ruff.lint.mccabe] / [tool.ruff.lint.pylint]
in pyproject.toml (ruff's C901, PLR0912 too many branches, PLR0915 too many statements).

complexity-baseline.txt lists the functions that were already over them, one `path::qualified.name RULE` a line.
That list may only shrink: a function not in it that goes over fails the check (split it), and an entry whose
function is now within the limits (or gone) fails it too until the line is deleted, which --shrink does.

    python scripts/complexity.py            # check (scripts/test, pre-commit)
    python scripts/complexity.py --shrink   # drop the entries that no longer apply; never adds one
"""

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "complexity-baseline.txt"
RULES = "C901,PLR0912,PLR0915"
HEADER = """\
# Functions over the complexity limits when the check was introduced (see scripts/complexity.py).
# This list may only shrink: split a function and delete its line (python scripts/complexity.py --shrink).
"""


def _qualname_at(path: Path, line: int, cache: dict) -> str:
    """The dotted name (Class.method, outer.inner) of the function defined at `line` of `path`."""
    if path not in cache:
        names = {}

        def walk(node, prefix):
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    name = f"{prefix}{child.name}"
                    if not isinstance(child, ast.ClassDef):
                        names[child.lineno] = name
                    walk(child, f"{name}.")
                else:
                    walk(child, prefix)

        walk(ast.parse(path.read_text(encoding="utf-8")), "")
        cache[path] = names
    return cache[path].get(line, f"<line {line}>")


def offenders() -> set[str]:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            ".",
            "--select",
            RULES,
            "--output-format",
            "json",
            "--exit-zero",
            "--no-cache",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    cache: dict = {}
    found = set()
    for v in json.loads(out):
        path = Path(v["filename"])
        name = _qualname_at(path, v["location"]["row"], cache)
        found.add(f"{path.relative_to(ROOT).as_posix()}::{name} {v['code']}")
    return found


def baseline() -> set[str]:
    if not BASELINE.exists():
        return set()
    lines = (line.strip() for line in BASELINE.read_text(encoding="utf-8").splitlines())
    return {line for line in lines if line and not line.startswith("#")}


def main(argv: list[str]) -> int:
    now, allowed = offenders(), baseline()
    new, fixed = sorted(now - allowed), sorted(allowed - now)
    if "--shrink" in argv:
        BASELINE.write_text(HEADER + "".join(f"{e}\n" for e in sorted(allowed & now)), encoding="utf-8")
        print(f"complexity-baseline.txt: {len(fixed)} entries removed, {len(allowed & now)} left")
        fixed = []
    if new:
        print(
            "Over the complexity limits (pyproject.toml [tool.ruff.lint.mccabe] / [tool.ruff.lint.pylint]);"
        )
        print("split these functions (see `ruff check --select C901,PLR0912,PLR0915 PATH`):")
        print("".join(f"  {e}\n" for e in new), end="")
    if fixed:
        print("Within the limits now, or gone: delete these lines from complexity-baseline.txt")
        print("(python scripts/complexity.py --shrink):")
        print("".join(f"  {e}\n" for e in fixed), end="")
    if not new and not fixed:
        print(f"complexity: no new offenders ({len(allowed)} in the baseline, which may only shrink)")
    return 1 if new or fixed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
