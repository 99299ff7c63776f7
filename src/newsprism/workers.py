"""Worker processes for the CPU-bound stages without threads of their own (quotes, analysis): one per core, results
in input order.

A worker costs seconds to start (imports, models), so a pool is only started when every process gets enough
items to pay for it; otherwise the items are processed here, one after the other.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
IN_FLIGHT_PER_PROCESS = 2   # tasks queued per worker: it never waits, and the parent never holds many inputs


def _processes(jobs: int) -> int:
    """`jobs`, 0 meaning one per CPU core this process may run on."""
    if jobs > 0:
        return jobs
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _start_worker(uses_torch: bool) -> None:
    """A worker leaves Ctrl-C to the parent (which stops the pool) and runs torch on one thread: one per core."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if uses_torch:
        import torch

        torch.set_num_threads(1)


def parallel_map(func: Callable[[Item], Result], items: Sequence[Item], *, jobs: int, min_per_process: int,
                 uses_torch: bool, chunksize: int = 1) -> Iterator[Result]:
    """`func` over the items, in order: in up to `jobs` worker processes (0: one per core), as many as have
    `min_per_process` items each; in this process when that is fewer than two.

    Only a few chunks of `chunksize` items are handed out ahead of the results, so the workers never wait and a
    stopped run (Ctrl-C) has little queued work to cancel. `func` and the items must pickle (a module-level
    function, a `functools.partial` of one); spawned workers import the caller's `__main__`, so a script must
    guard its entry point with `if __name__ == "__main__":`.
    """
    jobs = min(_processes(jobs), len(items) // max(1, min_per_process))
    if jobs <= 1:
        yield from map(func, items)
        return
    # spawn, not fork: the parent may already hold torch's thread pools (a forked copy can deadlock on them)
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker,
                               initargs=(uses_torch,))
    pending: deque[Future[list[Result]]] = deque()
    source = iter(items)
    try:
        while chunk := list(islice(source, chunksize)):
            pending.append(pool.submit(_apply, func, chunk))
            if len(pending) >= jobs * IN_FLIGHT_PER_PROCESS:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _apply(func: Callable[[Item], Result], chunk: list[Item]) -> list[Result]:
    return [func(item) for item in chunk]


__all__ = ["parallel_map"]
