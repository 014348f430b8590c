"""Test support: real-thread concurrency (for the PostgreSQL locking tests). Imported by tests only."""

import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections


def run_concurrently(
    fn: Callable, args_list: Sequence, *, threads: int | None = None, timeout: float = 300.0
) -> list[Any]:
    """Call `fn` once for each item of `args_list` on real threads that all start at the same moment.

    An item that is a tuple is spread as the call's arguments (`fn(*item)`); anything else is its only argument.
    `threads` threads share the calls (default: one thread per call): they wait for each other at a barrier, then
    each takes the next call off the list until none is left, so 2000 calls can hammer a row from 16 threads.
    Each thread closes its own database connections when it is done (Django opens one per thread).

    Returns, in the order of `args_list`, what each call returned or the exception it raised: the caller decides
    which exceptions are expected (`isinstance(r, DomainError)`) and which are failures. Raises AssertionError
    when the calls have not finished after `timeout` seconds (a deadlock, or a thread waiting on another).
    """
    calls = [item if isinstance(item, tuple) else (item,) for item in args_list]
    results: list[Any] = [None] * len(calls)
    n_threads = max(1, min(threads or len(calls), len(calls)))
    start = threading.Barrier(n_threads)
    next_call = iter(range(len(calls)))
    take = threading.Lock()
    not_started: list[BaseException] = []

    def worker():
        try:
            try:
                start.wait(timeout)
            except threading.BrokenBarrierError as exc:
                not_started.append(exc)
                return
            while True:
                with take:
                    i = next(next_call, None)
                if i is None:
                    return
                try:
                    results[i] = fn(*calls[i])
                except Exception as exc:
                    results[i] = exc
        finally:
            connections.close_all()

    pool = [
        threading.Thread(target=worker, name=f"run_concurrently-{n}", daemon=True) for n in range(n_threads)
    ]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout)
    stuck = [t.name for t in pool if t.is_alive()]
    if stuck:
        raise AssertionError(
            f"{len(stuck)} of {n_threads} threads still running after {timeout:.0f} s: a deadlock?"
        )
    if not_started:
        raise AssertionError(f"{len(not_started)} of {n_threads} threads never passed the starting barrier")
    return results


def errors_of(results: list[Any], *expected: type[BaseException]) -> list[BaseException]:
    """The exceptions among `results` that are none of the `expected` types (what a race test asserts is [])."""
    return [r for r in results if isinstance(r, BaseException) and not isinstance(r, expected or ())]
