#!/usr/bin/env python3
"""Architecture checks that import-linter does not make, run by scripts/test.

1. No cycle between apps: the app graph of every import in non-test code (imports inside functions
   included) has no strongly connected component of two or more apps.
2. Public surfaces: code outside an app uses it through its public modules (PUBLIC below: services,
   selectors, small shared-type modules, and a read model published for reporting); the shared kernel `common` (and `faces_common`, shared by the faces) is public as a whole. Existing
   exceptions are listed in scripts/private-imports.baseline, which may only shrink.
3. Imports at the top of modules (ruff PLC0415): no file may have more function-level imports than
   scripts/function-imports.baseline allows. The baseline may only shrink: when a file gets below its number,
   `scripts/check_architecture.py --update` writes the smaller number (and drops files at zero). Each entry
   keeps the reason why those imports stay where they are.

Exit status 1 with a message naming each problem; 0 when all hold.
"""

import ast
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "wanshang"
BASELINE = ROOT / "scripts" / "function-imports.baseline"
PRIVATE_BASELINE = ROOT / "scripts" / "private-imports.baseline"
PUBLIC = {
    "services",
    "selectors",
    "schemas",
    "types",
    "permissions",
    "api_auth",
    "api",
    "subscribers",
    "tasks",
    "apps",
    "readmodel",  # tables an app publishes for reporting to query (analytics/readmodel.py, for insights)
}
TOOLS = {"demo"}  # the demo loader sets up and back-dates whole marketplaces: it may reach into any app
KERNELS = {
    "common",
    "faces_common",
}  # the shared kernel, and the code the three faces share: public as a whole


def is_test(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return "tests" in parts or "migrations" in parts or path.name == "conftest.py"


def app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "wanshang" else None


def app_graph() -> dict[str, dict[str, list[str]]]:
    """app → imported app → ["path:line", …] for every wanshang import in non-test code."""
    apps = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(PACKAGE.rglob("*.py")):
        if is_test(path):
            continue
        rel = path.relative_to(ROOT)
        source = rel.parts[1] if len(rel.parts) > 2 else None
        if source not in apps:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                targets = [node.module]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            for target in targets:
                app = app_of(target)
                if app and app != source and app in apps:
                    graph[source][app].append(f"{rel}:{node.lineno}")
    return graph


def private_imports() -> set[str]:
    """ "importer.py -> wanshang.app.module" for every import of another app's non-public module."""
    apps = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        if is_test(path):
            continue
        rel = path.relative_to(ROOT)
        source = rel.parts[1] if len(rel.parts) > 2 else None
        if source in TOOLS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                parts = node.module.split(".")
                targets = [parts + [a.name] for a in node.names] if len(parts) == 2 else [parts]
            elif isinstance(node, ast.Import):
                targets = [a.name.split(".") for a in node.names]
            else:
                continue
            for t in targets:
                if len(t) < 3 or t[0] != "wanshang" or t[1] not in apps or t[1] == source or t[1] in KERNELS:
                    continue
                if (
                    t[2] not in PUBLIC
                    and (PACKAGE / t[1] / f"{t[2]}.py").exists()
                    or (t[2] not in PUBLIC and (PACKAGE / t[1] / t[2]).is_dir())
                ):
                    found.add(f"{rel} -> {'.'.join(t[:3])}")
    return found


def cycles(graph) -> list[list[str]]:
    """Strongly connected components with more than one app (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def function_imports() -> dict[str, int]:
    """Non-test files → how many imports ruff's PLC0415 finds inside functions."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--select",
            "PLC0415",
            "--output-format",
            "json",
            "--exit-zero",
            "--no-cache",
            str(PACKAGE),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    counts: dict[str, int] = defaultdict(int)
    for item in json.loads(result.stdout):
        path = Path(item["filename"])
        if not is_test(path):
            counts[str(path.relative_to(ROOT))] += 1
    return dict(counts)


def read_baseline() -> dict[str, tuple[int, str]]:
    out = {}
    if BASELINE.exists():
        for line in BASELINE.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            path, count, *reason = line.split(maxsplit=2)
            out[path] = (int(count), reason[0] if reason else "")
    return out


def write_baseline(entries: dict[str, tuple[int, str]]) -> None:
    header = (
        "# Function-level imports (ruff PLC0415) allowed per file, with why they stay inside functions.\n"
        "# May only shrink: scripts/check_architecture.py fails when a file has more, and --update lowers the\n"
        "# numbers. Format: path count reason\n"
    )
    lines = [
        f"{path} {count} {reason}".rstrip() for path, (count, reason) in sorted(entries.items()) if count
    ]
    BASELINE.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    problems = []
    graph = app_graph()
    for component in cycles(graph):
        edges = [
            f"{a} → {b} ({graph[a][b][0]})" for a in component for b in component if b in graph.get(a, {})
        ]
        problems.append(
            "apps import each other in a cycle: " + ", ".join(component) + "\n    " + "\n    ".join(edges)
        )

    private = private_imports()
    allowed_private = set()
    if PRIVATE_BASELINE.exists():
        allowed_private = {
            line.strip()
            for line in PRIVATE_BASELINE.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        }
    for item in sorted(private - allowed_private):
        problems.append(f"{item}: another app's private module — use its services, selectors or types")

    counts = function_imports()
    baseline = read_baseline()
    for path, count in sorted(counts.items()):
        allowed = baseline.get(path, (0, ""))[0]
        if count > allowed:
            problems.append(
                f"{path}: {count} imports inside functions, the baseline allows {allowed} — move the new "
                "ones to the top of the module (or, if an import cycle forces it, say why in the baseline)"
            )
    if "--update" in argv:
        write_baseline(
            {path: (min(counts.get(path, 0), n), reason) for path, (n, reason) in baseline.items()}
        )
        PRIVATE_BASELINE.write_text(
            "# Imports of another app's private modules that remain (may only shrink): importer -> module\n"
            + "".join(f"{item}\n" for item in sorted(private & allowed_private)),
            encoding="utf-8",
        )
    elif any(counts.get(path, 0) < n for path, (n, _) in baseline.items()) or allowed_private - private:
        problems.append("a baseline can shrink: run scripts/check_architecture.py --update")

    total = sum(counts.values())
    print(
        f"apps: {len(graph)} with imports, cycles: {len(cycles(graph))}; function-level imports: {total} "
        f"(baseline {sum(n for n, _ in baseline.values())}); imports of private modules: {len(private)} "
        f"(baseline {len(allowed_private)})"
    )
    for problem in problems:
        print("ERROR:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
