"""deploy/ stays true: deploy/env.example lists exactly the environment variables the code reads, and the process
list and unit files name commands and modules that exist."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"

# os.environ["X"], os.environ.get("X" …), os.environ.setdefault("X" …), os.getenv("X" …), env_bool("X" …) — also
# when the call spans lines.
READ = re.compile(
    r"""(?:os\.environ(?:\.get|\.setdefault|\.pop)?|os\.getenv|env_bool)\s*[\(\[]\s*["']([A-Z][A-Z0-9_]*)["']"""
)
ANY_READ = re.compile(r"os\.environ\b|os\.getenv\b")
# Reads whose name is not a literal, each in a helper whose callers pass literals (caught by READ above).
INDIRECT = {("wanshang/settings.py", "os.environ.get(name)")}


def code_files() -> list[Path]:
    files = [
        p for p in (REPO / "wanshang").rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts
    ]
    return [*files, REPO / "manage.py"]


def read_by_code() -> set[str]:
    names = set()
    for path in code_files():
        names |= set(READ.findall(path.read_text()))
    return names


def listed() -> set[str]:
    names = set()
    for line in (DEPLOY / "env.example").read_text().splitlines():
        match = re.match(r"^(?:# )?([A-Z][A-Z0-9_]*)=", line)
        if match:
            names.add(match.group(1))
    return names


def test_env_example_lists_every_variable_the_code_reads():
    missing = read_by_code() - listed()
    assert not missing, (
        f"read by the code but not in deploy/env.example (add each with a line on it): {missing}"
    )


def test_every_variable_in_env_example_is_read_by_the_code():
    stale = listed() - read_by_code()
    assert not stale, f"in deploy/env.example but read nowhere (remove it or read it): {stale}"


def test_every_environment_read_names_its_variable():
    """A read the pattern above cannot see (a computed name) would slip past both tests: there is none."""
    unseen = []
    for path in code_files():
        text = path.read_text()
        rel = str(path.relative_to(REPO))
        for match in ANY_READ.finditer(text):
            if READ.match(text, match.start()):
                continue
            snippet = text[match.start() : text.find(")", match.start()) + 1]
            if (rel, snippet) not in INDIRECT:
                unseen.append((rel, snippet))
    assert unseen == []


def test_env_example_has_no_comment_after_a_value():
    """systemd's EnvironmentFile and docker's --env-file keep a trailing "# …" as part of the value."""
    for line in (DEPLOY / "env.example").read_text().splitlines():
        if re.match(r"^[A-Z][A-Z0-9_]*=", line):
            assert "#" not in line and " " not in line, line


def test_process_list_and_units_run_what_exists():
    from wanshang.celery import QUEUES

    procfile = (DEPLOY / "Procfile").read_text()
    processes = dict(
        line.split(":", 1) for line in procfile.splitlines() if line and not line.startswith("#")
    )
    assert {"web", "asgi", "worker", "beat", "ingest", "release"} <= set(processes)
    assert (
        "wanshang.wsgi:application" in processes["web"] and "wanshang.asgi:application" in processes["asgi"]
    )
    queues = {"default", *QUEUES.values()}
    served = set()
    for command in processes.values():
        served |= set(re.findall(r"-Q (\w+)", command))
    assert (
        served == queues
    )  # every queue a job goes to has a worker, and no worker waits on a queue nobody uses
    for unit in (DEPLOY / "systemd").iterdir():
        text = unit.read_text()
        for module in re.findall(r"\b(wanshang\.\w+)(?::application)?\b", text):
            assert (REPO / module.replace(".", "/")).with_suffix(
                ".py"
            ).exists() or module == "wanshang.target"
    nginx = (DEPLOY / "nginx.conf").read_text()
    for location in ("/static/", "/media/", "/ws/", "/ "):
        assert f"location {location}" in nginx
