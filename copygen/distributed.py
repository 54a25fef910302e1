"""Checking a JSONL data set on a Dask cluster: the checker mapped over the partitions of a bag.

    pip install 'copygen[dask]'

    from dask.distributed import Client
    from copygen.distributed import check_jsonl_dask

    client = Client("tcp://scheduler:8786")            # or Client() for a local cluster
    reports = check_jsonl_dask(["s3://posts/2026-*.jsonl"], config=load_config("copygen.yaml"))
    reports.map(json.dumps, ensure_ascii=False).to_textfiles("verdicts/*.jsonl")

Every line is ``{"id", "kind", "text"}`` as for ``copygen check --jsonl`` (here ``id`` is
required: partitions do not know their global line numbers).  Each result is the dict
``copygen check --format jsonl`` prints for that draft, in input order.

Pickling: the task graph carries only this module's functions (by reference) and the
``Config`` (a frozen pydantic model); the compiled rules never travel.  Each worker process
builds its checker once per config and keeps it (``_checkers``, keyed by the config), so
the rule packs and jieba's dictionary are loaded once per worker, not once per partition.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from .checker import parse_line
from .config import Config, build_checker
from .engine import Checker

# Worker-local state: one checker per config, and how many times each config was built here.
_checkers: dict[tuple[str, str], Checker] = {}
builds: Counter = Counter()


def _key(cfg: Config) -> tuple[str, str]:
    return cfg.model_dump_json(), cfg.base  # base (where relative rule packs resolve) is not dumped


def worker_checker(cfg: Config | None = None) -> Checker:
    """This process's checker for ``cfg``, built on first use."""
    cfg = cfg or Config()
    key = _key(cfg)
    ck = _checkers.get(key)
    if ck is None:
        ck = _checkers[key] = build_checker(cfg)
        builds[key] += 1
    return ck


def check_lines(lines: Iterable, config: Config | None = None, default_kind: str = "lure",
                paragraphs: str = "auto") -> list[dict]:
    """One partition of JSONL lines (str, or ``(line, path)`` as ``read_text(include_path=True)`` gives)
    → one report dict per non-blank line, in order."""
    ck = worker_checker(config)
    out = []
    for n, line in enumerate(lines, 1):
        line, path = line if isinstance(line, tuple) else (line, "<bag>")
        if line.strip():
            d = parse_line(line, f"{path}（本分块第{n}行）", default_kind)
            out.append(ck.check(d.text, d.kind, d.id, paragraphs).to_dict())
    return out


def check_rows(rows: Iterable[dict], config: Config | None = None, default_kind: str = "lure",
               paragraphs: str = "auto") -> list[dict]:
    """One partition of already-parsed rows (dicts with ``id``, ``kind``, ``text``) → report dicts."""
    import json

    return check_lines((json.dumps(r, ensure_ascii=False) for r in rows), config, default_kind, paragraphs)


def check_bag(bag, config: Config | None = None, default_kind: str = "lure", paragraphs: str = "auto"):
    """A ``dask.bag.Bag`` of JSONL lines (str) or row dicts → a bag of report dicts, partition by partition."""
    return bag.map_partitions(_run_partition, config, default_kind, paragraphs)


def _run_partition(part, config: Config | None, default_kind: str, paragraphs: str) -> list[dict]:
    part = list(part)
    if part and isinstance(part[0], dict):
        return check_rows(part, config, default_kind, paragraphs)
    return check_lines(part, config, default_kind, paragraphs)


def check_jsonl_dask(paths, config: Config | None = None, default_kind: str = "lure", paragraphs: str = "auto",
                     blocksize: int | str | None = "64MiB"):
    """JSONL files (local paths, globs or any fsspec URL) → a lazy bag of report dicts in input order.
    ``blocksize`` splits large files into several partitions at line boundaries."""
    import dask.bag as db

    return check_bag(db.read_text(paths, blocksize=blocksize, encoding="utf-8", include_path=True), config, default_kind, paragraphs)


__all__ = ["check_jsonl_dask", "check_bag", "check_lines", "check_rows", "worker_checker", "builds"]
