#!/usr/bin/env python3
"""Speed of `check` against plain jieba.cut over the same drafts, in one process, plus cold start.

    python benchmarks/bench_check.py [--rounds 5] [--cold 7]

Drafts (a realistic batch): every piece of every example pack (3 variants), every rule's own
examples, and, when present beside the repository, ../shared/eval/dev.jsonl and the real
corpus ../shared/corpus/*.jsonl (read here only, never copied into the repository).
Both sides run warm (jieba initialised, rules compiled), in interleaved rounds, each timed as the
best of N rounds; the figures that matter:

* ratio check / jieba.cut over the batch (target <= 1.0),
* warm p99 of one check of a 200-character draft (target <= 2 ms),
* cold start: wall time of `copygen check FILE` on a 200-character draft in a new process,
  with the compiled-pack cache filled (target <= 0.5 s), and the first run with an empty cache.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

import jieba  # noqa: E402

from copygen import rulespec as rs  # noqa: E402
from copygen.campaign import load_campaign  # noqa: E402
from copygen.config import build_checker  # noqa: E402
from copygen.pack import build_pack  # noqa: E402
from copygen.render import default_catalogue  # noqa: E402
from copygen.resources import rules_dir  # noqa: E402

SAMPLE = ("姐妹们，我刚在林家果园福利群领了500g智利车厘子，拉3位好友进群就送，今天上午拉完下午就送到家了，"
          "顺丰冷链，坏果包赔，已经有126人领到了，12月5日（周六）截止。群里每天早上9点发当天到店水果特价，"
          "中午还有挑果小知识，我家娃每天都等着看。不发广告不刷屏，想吃新鲜水果的邻居可以进来看看～真的挺甜的，"
          "我买了两次了，个头也大，冬天吃刚好。群里还有人晒了自己家娃吃车厘子的照片，挺好玩的，"
          "想进群的私我。")[:200]


def drafts() -> tuple[list[tuple[str, str]], dict[str, int]]:
    out: list[tuple[str, str]] = []
    counts: dict[str, int] = {}
    cat = default_catalogue()
    for ex in sorted((ROOT / "examples").glob("*.yaml")):
        doc = build_pack(load_campaign(ex), cat, checker=None, variants=3)
        out += [(p.text, p.kind) for p in doc.pieces]
    counts["example packs"] = len(out)
    n = len(out)
    for path in rs.module_files(rules_dir()):
        m = rs.load_module(path)
        for r in m.rules:
            kind = r.examples.kind or (r.kinds or m.applies_to)[0]
            out += [(t, kind) for t in [*r.examples.pass_, *r.examples.fail]]
    counts["rule examples"] = len(out) - n
    for label, files in (("dev.jsonl", [SHARED / "eval" / "dev.jsonl"]),
                         ("corpus", sorted((SHARED / "corpus").glob("*.jsonl")))):
        n = len(out)
        for f in files:
            if not f.is_file():
                continue
            for line in f.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    out.append((row["text"], row.get("kind") or "lure"))
        counts[label] = len(out) - n  # 0 when ../shared is absent
    return out, counts


def best_of(rounds: int, fn) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def cold_start(runs: int) -> tuple[float, float]:
    """(first run with an empty cache, median wall of cached runs, their median CPU seconds) of
    `copygen check FILE`."""
    exe = Path(sys.executable).parent / "copygen"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "copygen"]
    with tempfile.TemporaryDirectory() as tmp:
        draft = Path(tmp) / "d.txt"
        draft.write_text(SAMPLE, encoding="utf-8")
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(tmp) / "cache")}

        cpu: list[float] = []

        def once() -> float:
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run([*cmd, "check", str(draft), "--nofail"], env=env, capture_output=True, check=True)
            wall = time.perf_counter() - t
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
            return wall

        first = once()
        cpu.clear()
        cached = [once() for _ in range(runs)]
        shutil.rmtree(Path(tmp) / "cache", ignore_errors=True)
    return first, statistics.median(cached), statistics.median(cpu)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--cold", type=int, default=7, help="cached cold-start runs (0: skip)")
    ap.add_argument("--p99-series", type=int, default=3, help="series of 2000 warm runs for the p99")
    a = ap.parse_args()
    jieba.setLogLevel(logging.WARNING)
    items, counts = drafts()
    checker = build_checker()
    jieba.initialize()
    for text, kind in items:  # warm both sides: caches, compiled rules, lazy tables
        checker.check(text, kind)
        list(jieba.cut(text))

    def run_jieba():
        for text, _ in items:
            list(jieba.cut(text))

    def run_check():
        for text, kind in items:
            checker.check(text, kind)

    # interleaved rounds (cut, check, cut, check, …), best of each: a burst of load from other
    # processes then hits both sides alike instead of one side's whole series
    tj, tc, cj, cc = [], [], [], []
    for _ in range(a.rounds):
        for fn, wall, cpu in ((run_jieba, tj, cj), (run_check, tc, cc)):
            u = time.thread_time()
            wall.append(best_of(1, fn))
            cpu.append(time.thread_time() - u)  # CPU time: what preemption by other processes does not inflate
    t_jieba, t_check = min(tj), min(tc)
    chars = sum(len(t) for t, _ in items)

    assert len(SAMPLE) == 200
    import gc

    gc.freeze()  # as `copygen check` does after loading the rules
    walls, cpus, p99w, p99c = [], [], [], []
    for _ in range(a.p99_series):  # several series of 2000: the median p99 of them is reported
        w, c = [], []
        for _ in range(2000):
            t, u = time.perf_counter(), time.thread_time()
            checker.check(SAMPLE, "lure")
            c.append(time.thread_time() - u)
            w.append(time.perf_counter() - t)
        w.sort()
        c.sort()
        walls += w
        cpus += c
        p99w.append(w[int(len(w) * 0.99)])
        p99c.append(c[int(len(c) * 0.99)])
    one = sorted(walls)
    print(f"drafts {len(items)} ({', '.join(f'{k} {v}' for k, v in counts.items())}), {chars} chars, "
          f"best of {a.rounds} rounds")
    print(f"plain jieba.cut   {t_jieba * 1000:8.1f} ms")
    print(f"copygen check     {t_check * 1000:8.1f} ms")
    print(f"ratio check/cut   {t_check / t_jieba:8.2f}  (target <= 1.0)")
    print(f"ratio by CPU time {min(cc) / min(cj):8.2f}  (thread CPU seconds, best round each: {min(cj) * 1000:.0f} / {min(cc) * 1000:.0f} ms)")
    print(f"warm check of a 200-char lure draft ({a.p99_series} x 2000 runs): median {statistics.median(one) * 1000:.2f} ms, "
          f"p99 {statistics.median(p99w) * 1000:.2f} ms wall (median of the series' p99; target <= 2 ms); "
          f"CPU time of the thread: median {statistics.median(cpus) * 1000:.2f} ms, p99 {statistics.median(p99c) * 1000:.2f} ms")
    if a.cold:
        first, cached, cpu = cold_start(a.cold)
        print(f"cold start `copygen check` on a 200-char draft: {cached:.2f} s wall with the compiled-pack cache "
              f"(median of {a.cold}; target <= 0.5 s), {cpu:.2f} s CPU (user+sys), {first:.2f} s on the very first run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
