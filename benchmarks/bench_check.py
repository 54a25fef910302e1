#!/usr/bin/env python3
"""Speed of `check` against plain jieba.cut over the same drafts, in one process.

    python benchmarks/bench_check.py [--rounds 5]

Drafts: every piece of every example pack (all variants) plus every rule's own
examples.  Both sides run warm (jieba initialised, rules compiled) and each is
timed as the best of N rounds; the figure that matters is the ratio
check / jieba.cut (target ≤ 2.0), and the warm time of one 200-character draft.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import jieba  # noqa: E402

from copygen import rulespec as rs  # noqa: E402
from copygen.campaign import load_campaign  # noqa: E402
from copygen.config import build_checker  # noqa: E402
from copygen.pack import build_pack  # noqa: E402
from copygen.render import default_catalogue  # noqa: E402
from copygen.resources import rules_dir  # noqa: E402


def drafts() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    cat = default_catalogue()
    for ex in sorted((ROOT / "examples").glob("*.yaml")):
        doc = build_pack(load_campaign(ex), cat, checker=None, variants=3)
        out += [(p.text, p.kind) for p in doc.pieces]
    for path in rs.module_files(rules_dir()):
        m = rs.load_module(path)
        for r in m.rules:
            kind = r.examples.kind or (r.kinds or m.applies_to)[0]
            out += [(t, kind) for t in [*r.examples.pass_, *r.examples.fail]]
    return out


def best_of(rounds: int, fn) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    jieba.setLogLevel(logging.WARNING)
    items = drafts()
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

    t_jieba = best_of(a.rounds, run_jieba)
    t_check = best_of(a.rounds, run_check)
    chars = sum(len(t) for t, _ in items)

    sample = ("姐妹们，我刚在林家果园福利群领了500g智利车厘子，拉3位好友进群就送，今天上午拉完下午就送到家了，"
              "顺丰冷链，坏果包赔，已经有126人领到了，12月5日（周六）截止。群里每天早上9点发当天到店水果特价，"
              "中午还有挑果小知识，我家娃每天都等着看。不发广告不刷屏，想吃新鲜水果的邻居可以进来看看～真的挺甜的，"
              "我买了两次了，个头也大，冬天吃刚好。群里还有人晒了自己家娃吃车厘子的照片，挺好玩的，"
              "想进群的私我。")[:200]
    assert len(sample) == 200
    one = [0.0] * 200
    for i in range(len(one)):
        t = time.perf_counter()
        checker.check(sample, "lure")
        one[i] = time.perf_counter() - t
    print(f"drafts {len(items)}, {chars} chars, best of {a.rounds} rounds")
    print(f"plain jieba.cut   {t_jieba * 1000:8.1f} ms")
    print(f"copygen check     {t_check * 1000:8.1f} ms")
    print(f"ratio check/cut   {t_check / t_jieba:8.2f}  (target <= 2.0)")
    print(f"one warm check of a {len(sample)}-char lure draft: median {statistics.median(one) * 1000:.2f} ms, "
          f"p95 {sorted(one)[int(len(one) * 0.95)] * 1000:.2f} ms  (target <= 2 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
