#!/usr/bin/env python3
"""Speed-up of `copygen check --jobs N` over `--jobs 1` on the same drafts, same run.

    python benchmarks/bench_jobs.py [--drafts 6000] [--rounds 3] [--jobs 2]

Drafts: the labelled dev set (../shared/eval/dev.jsonl) and the real texts of
../shared/corpus/*.jsonl, repeated until there are --drafts of them, written to a
temporary JSONL file at benchmark time (never into the repository).  Each side is
timed as the best of --rounds runs of the whole command (wall time, start-up
included) and, separately, in-process through ``copygen.parallel.check_stream``.
The outputs of both sides are compared byte for byte.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))


def source_rows() -> list[dict]:
    rows = []
    dev = SHARED / "eval" / "dev.jsonl"
    for path in [dev, *sorted((SHARED / "corpus").glob("*.jsonl"))]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                rows.append({"kind": r.get("kind") if r.get("kind") in ("lure", "welcome", "rules", "topic")
                             else "lure", "text": r["text"]})
    if not rows:
        raise SystemExit(f"no drafts found under {SHARED}")
    return rows


def best_of(rounds: int, fn) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--drafts", type=int, default=6000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    base = source_rows()
    rows = [{"id": f"b{i}", **r} for i, r in enumerate(islice(cycle(base), a.drafts))]
    chars = sum(len(r["text"]) for r in rows)
    exe = Path(sys.executable).parent / "copygen"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "copygen"]

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "drafts.jsonl"
        src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        outs: dict[int, bytes] = {}

        def run(jobs: int):
            r = subprocess.run([*cmd, "check", "--jsonl", str(src), "--format", "jsonl", "--nofail",
                                "--jobs", str(jobs)], capture_output=True, cwd=tmp)
            if r.returncode != 0:
                raise SystemExit(r.stderr.decode())
            outs[jobs] = r.stdout

        run(1)  # warm jieba's dictionary cache and the OS file cache
        t1 = best_of(a.rounds, lambda: run(1))
        tn = best_of(a.rounds, lambda: run(a.jobs))
        same = outs[1] == outs[a.jobs]

        from copygen.checker import read_jsonl
        from copygen.config import build_checker
        from copygen.parallel import check_stream

        build_checker()

        def inproc(jobs: int):
            for _ in check_stream(read_jsonl(str(src), "lure"), jobs=jobs):
                pass

        i1 = best_of(a.rounds, lambda: inproc(1))
        i_n = best_of(a.rounds, lambda: inproc(a.jobs))

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"drafts {len(rows)} ({len(base)} distinct), {chars} chars, {cores} cores, best of {a.rounds} rounds")
    print(f"copygen check --jobs 1      {t1:7.2f} s wall")
    print(f"copygen check --jobs {a.jobs}      {tn:7.2f} s wall")
    print(f"speed-up (command)          {t1 / tn:7.2f}x   outputs identical: {same}")
    print(f"check_stream jobs=1         {i1:7.2f} s")
    print(f"check_stream jobs={a.jobs}         {i_n:7.2f} s")
    print(f"speed-up (in-process)       {i1 / i_n:7.2f}x")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
