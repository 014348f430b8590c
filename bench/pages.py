#!/usr/bin/env python
"""HTTP throughput of the storefront's product pages, served by gunicorn, loaded by wrk (both on loopback).

    .venv/bin/python bench/pages.py                       # SQLite bench database
    .venv/bin/python bench/pages.py --db postgres         # PostgreSQL bench database

Needs a seeded bench database (bench/seed_catalog.py), gunicorn in the venv (`.venv/bin/pip install
gunicorn`) and wrk (`apt-get install -y wrk`). Starts `gunicorn wanshang.wsgi` with --gunicorn-workers sync
workers on 127.0.0.1 (DEBUG=false, persistent DB connections), then for each page type runs wrk for
--duration seconds with --connections concurrent connections; every request picks a random URL of its type:

* detail:   /p/<id>/ over 500 random products on sale;
* search:   /search/?q=<word> over category, brand and product words (first page of 40 results);
* category: /c/<slug>/ over every category, top-level to leaf (first page of 40 results);
* search_uncached, category_uncached: the same URLs with a unique price ceiling above every product
  (`max_price=9xxxxx.xx`) on every request: the same results, but a URL the storefront's listing cache has
  never seen, so it always misses: the cost of a long-tail query.

Prints requests/s, p50, p90, p99 (wrk's latency, at saturation, so queueing included), non-2xx responses,
and the CPU the gunicorn workers spent per request (a figure other load on the machine hardly moves).
Also prints one `RESULT {json}` line for bench/run_all.sh. Gunicorn is stopped at the end, always.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

PAGE_TYPES = ("detail", "search", "search_uncached", "category", "category_uncached")

LUA = r"""
local paths = {%(paths)s}
local n = #paths
local bust = %(bust)s
local base = 900000 + (os.time() %% 90000)
local count = 0
math.randomseed(%(seed)d)
request = function()
  local path = paths[math.random(n)]
  if bust then
    count = count + 1
    local sep = "?"
    if string.find(path, "?", 1, true) then sep = "&" end
    -- a price ceiling above every product: same results, but a new URL (and cache key) every request
    path = path .. sep .. string.format("max_price=%%d.%%02d", base + math.floor(count / 100), count %% 100)
  end
  return wrk.format("GET", path)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%%d,"duration_us":%%d,"socket_errors":%%d,"non2xx":%%d,"p50_us":%%d,"p90_us":%%d,"p99_us":%%d,"mean_us":%%.0f,"max_us":%%d,"bytes":%%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max, summary.bytes))
end
"""


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    _common.add_db_argument(p)
    p.add_argument(
        "--pages", default=",".join(PAGE_TYPES), help=f"comma-separated, among {','.join(PAGE_TYPES)}"
    )
    p.add_argument("--gunicorn-workers", type=int, default=None, help="sync workers (default: 2 × cores)")
    p.add_argument("--connections", type=int, default=8, help="concurrent wrk connections")
    p.add_argument("--duration", type=int, default=20, help="seconds of load per page type")
    p.add_argument("--warmup", type=int, default=3, help="seconds of untimed load per page type first")
    p.add_argument("--port", type=int, default=0, help="loopback port (default: a free one)")
    p.add_argument("--seed", type=int, default=11)
    return p.parse_args(argv)


def url_lists(rng: random.Random) -> dict[str, list[str]]:
    """Realistic URLs of each page type from the bench catalog."""
    from urllib.parse import quote

    from wanshang.catalog.models import Brand, Category, Product

    ids = list(Product.objects.filter(status="on_sale", shop__status="open").values_list("pk", flat=True))
    if not ids:
        raise SystemExit("the bench database has no products: run bench/seed_catalog.py first")
    leaves = list(
        Category.objects.filter(level=3, products__isnull=False).distinct().values_list("name", flat=True)
    )
    brands = list(Brand.objects.filter(product__isnull=False).distinct().values_list("name", flat=True))
    nouns = [
        "T恤",
        "连衣裙",
        "耳机",
        "手机壳",
        "充电器",
        "空气炸锅",
        "电饭煲",
        "水果",
        "大米",
        "茶叶",
        "新款",
        "纯棉",
    ]
    words = sorted(set(leaves) | set(brands) | set(nouns))
    slugs = list(Category.objects.filter(is_active=True).values_list("slug", flat=True))
    return {
        "detail": [f"/p/{pk}/" for pk in rng.sample(ids, min(500, len(ids)))],
        "search": [f"/search/?q={quote(w)}" for w in words],
        "category": [f"/c/{slug}/" for slug in slugs],
    }


def wait_ready(base: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}; see its log")
        try:
            with urllib.request.urlopen(base + "/categories/", timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within 60 s")


def free_port(wanted: int) -> int:
    """`wanted` if nothing listens there (0: any free port); refuses a busy one so we never load another server."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", wanted))
        except OSError:
            raise SystemExit(f"port {wanted} on 127.0.0.1 is busy: pick another --port") from None
        return sock.getsockname()[1]


def worker_pids(master: int) -> list[int]:
    """The gunicorn master's children (its workers), from /proc."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return pids


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of the given processes, in seconds."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / tick


def run_wrk(base: str, script: Path, *, seconds: int, connections: int) -> dict:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), base]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=False)
    for line in out.stdout.splitlines():
        if line.startswith("WRKJSON "):
            return json.loads(line[len("WRKJSON ") :])
    raise SystemExit(f"wrk failed: {out.stdout}\n{out.stderr}")


def main(argv=None) -> int:
    args = parse_args(argv)
    url = _common.configure_env(args.db)
    label = _common.db_label(url)
    for tool in ("wrk",):
        if shutil.which(tool) is None:
            raise SystemExit("wrk is missing: apt-get install -y wrk")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        raise SystemExit(f"gunicorn is missing: {Path(sys.executable).with_name('pip')} install gunicorn")
    pages = [p for p in args.pages.split(",") if p]
    if set(pages) - set(PAGE_TYPES):
        raise SystemExit(f"--pages must be among {PAGE_TYPES}")
    workers = args.gunicorn_workers or 2 * (os.cpu_count() or 1)
    _common.django_setup()
    _common.require_current_schema()
    rng = random.Random(args.seed)
    lists = url_lists(rng)
    from django.db import connections

    connections.close_all()

    env = dict(
        os.environ,
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
        DB_CONN_MAX_AGE=os.environ.get("DB_CONN_MAX_AGE", "60"),
        PYTHONPATH=os.pathsep.join([str(_common.REPO), *filter(None, [os.environ.get("PYTHONPATH")])]),
    )
    port = free_port(args.port)
    base = f"http://127.0.0.1:{port}"
    log = Path(os.environ["WANSHANG_VAR_DIR"]) / "gunicorn.log"
    cmd = [
        str(gunicorn),
        "wanshang.wsgi:application",
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--worker-class",
        "sync",
        "--timeout",
        "30",
        "--graceful-timeout",
        "5",
        "--error-logfile",
        str(log),
        "--log-level",
        "warning",
        "--no-control-socket",
    ]
    results = {}
    with tempfile.TemporaryDirectory(prefix="wanshang-bench-") as tmp:
        proc = subprocess.Popen(
            cmd, cwd=_common.REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            wait_ready(base, proc)
            time.sleep(1)
            if proc.poll() is not None or not worker_pids(proc.pid):
                raise SystemExit(f"gunicorn is not serving {base} (see {log}); is the port taken?")
            print(
                f"[{label}] gunicorn {workers} sync workers on {base}, wrk 1 thread × {args.connections} "
                f"connections, {args.duration}s per page type (after {args.warmup}s warm-up)",
                flush=True,
            )
            for page in pages:
                script = Path(tmp) / f"{page}.lua"
                base_type = page.removesuffix("_uncached")
                paths = ",".join(json.dumps(p) for p in lists[base_type])
                script.write_text(
                    LUA
                    % {
                        "paths": paths,
                        "seed": args.seed,
                        "bust": "true" if page.endswith("_uncached") else "false",
                    },
                    encoding="utf-8",
                )
                if args.warmup:
                    run_wrk(base, script, seconds=args.warmup, connections=args.connections)
                pids = worker_pids(proc.pid)
                load_before = _common.loadavg()
                cpu0 = cpu_seconds(pids)
                r = run_wrk(base, script, seconds=args.duration, connections=args.connections)
                cpu = cpu_seconds(pids) - cpu0
                secs = r["duration_us"] / 1e6
                res = {
                    "urls": len(lists[page.removesuffix("_uncached")]),
                    "requests": r["requests"],
                    "rps": round(r["requests"] / secs, 1),
                    "p50_ms": round(r["p50_us"] / 1000, 1),
                    "p90_ms": round(r["p90_us"] / 1000, 1),
                    "p99_ms": round(r["p99_us"] / 1000, 1),
                    "non2xx": r["non2xx"],
                    "socket_errors": r["socket_errors"],
                    "kb_per_response": round(r["bytes"] / max(r["requests"], 1) / 1024, 1),
                    "worker_cpu_ms_per_req": round(cpu * 1000 / max(r["requests"], 1), 1),
                    "loadavg_before": load_before,
                    "loadavg_after": _common.loadavg(),
                }
                results[page] = res
                print(
                    f"[{label}] {page:17s} {res['rps']:7.1f} req/s  p50 {res['p50_ms']:6.1f} ms  p90 {res['p90_ms']:6.1f} ms  "
                    f"p99 {res['p99_ms']:6.1f} ms  ({res['requests']} requests over {res['urls']} URLs{' + a unique max_price' if page.endswith('_uncached') else ''}, "
                    f"{res['kb_per_response']} KB each, non-2xx {res['non2xx']}, socket errors {res['socket_errors']}, "
                    f"worker CPU {res['worker_cpu_ms_per_req']} ms/request, load {load_before}→{res['loadavg_after']})",
                    flush=True,
                )
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
    print(
        "RESULT "
        + json.dumps(
            {
                "bench": "pages",
                "db": label,
                "gunicorn_workers": workers,
                "connections": args.connections,
                "duration_s": args.duration,
                "pages": results,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )
    bad = any(r["non2xx"] or r["socket_errors"] for r in results.values())
    return 1 if bad else 0


if __name__ == "__main__":
    os.chdir(_common.REPO)
    sys.exit(main())
