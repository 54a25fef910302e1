"""Drafts → reports on every core, in input order, in memory that does not grow with the input.

``check_stream(drafts, config, jobs)`` pulls drafts lazily from any iterable (a
generator over a 10 GB JSONL file is fine), hands them to ``jobs`` worker
processes in chunks, and yields one ``DraftReport`` per draft in the order the
drafts came in.  At most ``window`` chunks are in flight, so the drafts and
reports held at any moment are bounded by ``(window + 1) * chunksize``,
whatever the input size.  Each worker builds the checker once (pool
initializer; with the ``fork`` start method it simply inherits the parent's).

The reports are exactly those of ``jobs=1``: each worker runs the same
``Checker.check`` on the same draft, and nothing is shared between drafts.

Why not ``multiprocessing.Pool.imap``: its feeder thread drains the whole input
iterable as fast as it can, so a 1M-line input would sit in memory.  A bounded
queue of futures gives back-pressure.
"""

from __future__ import annotations

import os
from collections import deque
from itertools import chain, islice
from typing import Iterable, Iterator

from .checker import Draft
from .config import Config, build_checker
from .errors import CopygenError
from .report import DraftReport

CHUNKSIZE = 32  # drafts per task: large enough to amortise pickling, small enough to keep order latency low
WINDOW_PER_JOB = 4  # chunks in flight per worker
# Inputs shorter than this are checked in-process: starting workers costs more than the work.
SERIAL_BELOW = 2 * CHUNKSIZE


def default_jobs() -> int:
    """All cores this process may run on (the CPU affinity mask, where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def check_stream(drafts: Iterable[Draft], config: Config | None = None, jobs: int | None = None, *,
                 chunksize: int = CHUNKSIZE, window: int | None = None, serial_below: int = SERIAL_BELOW,
                 paragraphs: str = "auto") -> Iterator[DraftReport]:
    """One report per draft, in input order; ``jobs`` worker processes (default: all cores).
    ``paragraphs`` is passed to ``Checker.check``."""
    cfg = config or Config()
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1 or chunksize < 1:
        raise ValueError("jobs and chunksize must be at least 1")
    it = iter(drafts)
    head = list(islice(it, serial_below)) if jobs > 1 else []
    if jobs == 1 or len(head) < serial_below:
        checker = build_checker(cfg)
        for d in chain(head, it):
            yield checker.check(d.text, d.kind, d.id, paragraphs)
        return
    yield from _pooled(chain(head, it), cfg, jobs, chunksize, window or jobs * WINDOW_PER_JOB, paragraphs)


class WorkerError(CopygenError):
    """A worker process died (killed, out of memory): the run cannot be completed."""


# ------------------------------------------------------------------ workers --

_worker_checker = None


def _init_worker(cfg: Config) -> None:
    global _worker_checker
    import tracemalloc

    if tracemalloc.is_tracing():  # a forked worker inherits the parent's tracing, which only slows it down
        tracemalloc.stop()
    if _worker_checker is None:  # spawned (or forkserver): nothing inherited
        _worker_checker = build_checker(cfg)
    import gc

    gc.freeze()  # the worker's rules live as long as it does: keep them out of every GC pass


def _check_chunk(chunk: list[tuple[str, str, str]], paragraphs: str) -> list[DraftReport]:
    ck = _worker_checker
    return [ck.check(text, kind, draft_id, paragraphs) for text, kind, draft_id in chunk]


def _chunks(drafts: Iterator[Draft], size: int) -> Iterator[list[tuple[str, str, str]]]:
    """Tasks carry only what the checker reads (not, say, a file's decoding details)."""
    while True:
        chunk = [(d.text, d.kind, d.id) for d in islice(drafts, size)]
        if not chunk:
            return
        yield chunk


def _context():
    """``fork`` where it is safe (a single-threaded parent: workers inherit the compiled rules and
    jieba's dictionary for free); otherwise the platform's default start method."""
    import multiprocessing as mp
    import threading

    if "fork" in mp.get_all_start_methods() and threading.active_count() == 1:
        return mp.get_context("fork")
    default = mp.get_start_method(allow_none=True) or mp.get_context().get_start_method()
    if default == "fork":  # a threaded parent must not fork
        return mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")
    return mp.get_context(default)


def _pooled(drafts: Iterator[Draft], cfg: Config, jobs: int, chunksize: int, window: int,
            paragraphs: str) -> Iterator[DraftReport]:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    chunks = _chunks(drafts, chunksize)
    ctx = _context()
    global _worker_checker
    if ctx.get_start_method() == "fork":
        # Build the rules and load jieba's dictionary once, here: forked workers inherit them instead
        # of each paying ~1 s for the same start-up (a batch this size will need tokens somewhere).
        from .tokenize import base_tokenizer

        _worker_checker = build_checker(cfg)
        base_tokenizer()
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker, initargs=(cfg,))
    pending: deque = deque()
    try:
        for chunk in islice(chunks, window):
            pending.append(pool.submit(_check_chunk, chunk, paragraphs))
        while pending:
            try:
                reports = pending.popleft().result()
            except BrokenProcessPool:
                raise WorkerError("检查进程意外退出（可能是内存不足）；可以用 --jobs 1 重试") from None
            nxt = next(chunks, None)  # keep the window full before handing results out
            if nxt is not None:
                pending.append(pool.submit(_check_chunk, nxt, paragraphs))
            yield from reports
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


__all__ = ["check_stream", "default_jobs", "CHUNKSIZE", "WINDOW_PER_JOB", "SERIAL_BELOW", "WorkerError"]
