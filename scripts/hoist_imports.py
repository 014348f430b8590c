#!/usr/bin/env python3
"""Move imports out of functions to the top of their module (a one-off refactoring tool, kept for reuse).

Hoists `import x` / `from x import y` found inside functions when x is the standard library, Django or
wanshang, unless the name it binds is already bound at module level to something else, or the import sits
under `if TYPE_CHECKING`, in a `try` block, or in an AppConfig.ready(). Third-party imports stay where they
are (heavy optional libraries loaded on first use). Run `ruff check --fix` afterwards to sort the imports.

Usage: scripts/hoist_imports.py FILE...   (prints what it moved; import cycles show up when the tests run)
"""

import ast
import sys
from pathlib import Path

STDLIB = set(sys.stdlib_module_names)


def hoistable_module(node) -> bool:
    if isinstance(node, ast.ImportFrom):
        if node.level:
            return True
        root = (node.module or "").split(".")[0]
    else:
        root = node.names[0].name.split(".")[0]
    return root in STDLIB or root in ("django", "wanshang")


def bound_names(node) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        return [a.asname or a.name for a in node.names]
    return [a.asname or a.name.split(".")[0] for a in node.names]


def module_bindings(tree) -> dict[str, str]:
    """Top-level name → the source of what binds it (an import's text, or 'def'/'assign')."""
    out = {}
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for name in bound_names(node):
                out[name] = import_key(node, name)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out[node.name] = "def"
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                for n in ast.walk(target):
                    if isinstance(n, ast.Name):
                        out[n.id] = "assign"
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and isinstance(node.target, ast.Name):
            out[node.target.id] = "assign"
    return out


def import_key(node, name) -> str:
    if isinstance(node, ast.ImportFrom):
        for a in node.names:
            if (a.asname or a.name) == name:
                return f"from {'.' * node.level}{node.module or ''} import {a.name}"
    for a in node.names:
        if (a.asname or a.name.split(".")[0]) == name:
            return f"import {a.name}"
    return ""


def candidates(tree):
    """Function-level imports that may move, with their enclosing statement lists."""
    found = []

    def walk(node, in_function, blocked):
        for _field, value in ast.iter_fields(node):
            items = value if isinstance(value, list) else [value]
            for child in items:
                if not isinstance(child, ast.AST):
                    continue
                now_function = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
                now_blocked = (
                    blocked
                    or isinstance(child, ast.Try)
                    or (isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test))
                    or (isinstance(child, ast.FunctionDef) and child.name == "ready")
                )
                if isinstance(child, (ast.Import, ast.ImportFrom)) and in_function and not blocked:
                    found.append(child)
                walk(child, now_function, now_blocked)

    walk(tree, False, False)
    return found


def hoist(path: Path) -> int:
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    top = module_bindings(tree)
    lines = text.splitlines(keepends=True)
    moved, delete = [], []
    for node in candidates(tree):
        if not hoistable_module(node):
            continue
        names = bound_names(node)
        if any(top.get(n) not in (None, import_key(node, n)) for n in names):
            continue  # the name means something else at module level
        if node.end_lineno != node.lineno and not lines[node.lineno - 1].rstrip().endswith("("):
            continue
        new = [n for n in names if n not in top]
        if new:
            if isinstance(node, ast.ImportFrom):
                aliases = [a for a in node.names if (a.asname or a.name) in new]
                stmt = f"from {'.' * node.level}{node.module or ''} import " + ", ".join(
                    f"{a.name} as {a.asname}" if a.asname else a.name for a in aliases
                )
            else:
                stmt = "import " + ", ".join(
                    f"{a.name} as {a.asname}" if a.asname else a.name
                    for a in node.names
                    if (a.asname or a.name.split(".")[0]) in new
                )
            moved.append(stmt)
            for n in new:
                top[n] = import_key(node, n)
        delete.append((node.lineno, node.end_lineno))
    if not delete:
        return 0
    # drop the inner imports (and a blank line left right after them)
    drop = set()
    for start, end in sorted(delete):
        drop.update(range(start - 1, end))
    for start, end in sorted(delete):
        before = next((lines[i] for i in range(start - 2, -1, -1) if i not in drop), "")
        if end < len(lines) and not lines[end].strip() and before.rstrip().endswith((":", '"""')):
            drop.add(end)  # no blank line left at the top of the function body
    kept = [line for i, line in enumerate(lines) if i not in drop]
    new_text = "".join(kept)
    new_tree = ast.parse(new_text)
    last_import = 0
    for node in new_tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            last_import = node.end_lineno
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and last_import == 0:
            last_import = node.end_lineno  # after the module docstring
        else:
            break
    kept_lines = new_text.splitlines(keepends=True)
    insert = [m + "\n" for m in moved]
    result = (
        "".join(kept_lines[:last_import])
        + ("\n" if last_import and not moved else "")
        + "".join(insert)
        + "".join(kept_lines[last_import:])
    )
    ast.parse(result)
    path.write_text(result, encoding="utf-8")
    print(f"{path}: {len(delete)} moved")
    return len(delete)


if __name__ == "__main__":
    total = sum(hoist(Path(p)) for p in sys.argv[1:])
    print(f"{total} imports moved to the top")
