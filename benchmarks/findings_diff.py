#!/usr/bin/env python3
"""Every finding of the benchmark batch, to compare two revisions of the engine byte for byte.

    python benchmarks/findings_diff.py dump OUT.jsonl [DRAFTS.jsonl]   # this checkout's findings
    python benchmarks/findings_diff.py compare REV                      # REV (e.g. main) vs this checkout

The batch is the one bench_check.py times: every piece of every example pack, every rule's own
examples, ../shared/eval/dev.jsonl and ../shared/corpus/*.jsonl (read at run time, never copied),
or the drafts of DRAFTS.jsonl (``{"text", "kind"}`` per line).  ``compare`` builds the batch in
this checkout (so pack rendering and its templates need not match REV's), checks REV out into a
temporary worktree, dumps there with the same rules/ and lexicons as this checkout (so only
engine code differs), and prints the first differences; exit 1 when any finding, score or
verdict differs.  COPYGEN_NO_CACHE is set on both sides.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def batch() -> list[tuple[str, str]]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    sys.path.insert(0, str(ROOT))
    import bench_check as b

    return b.drafts()[0]


def dump(out: str, drafts: str | None = None) -> int:
    sys.path.insert(0, str(ROOT))
    from copygen.config import build_checker

    if drafts is None:
        items = batch()
    else:
        rows = [json.loads(line) for line in Path(drafts).read_text(encoding="utf-8").splitlines() if line]
        items = [(r["text"], r["kind"]) for r in rows]
    ck = build_checker()
    with open(out, "w", encoding="utf-8") as fh:
        for i, (text, kind) in enumerate(items):
            r = ck.check(text, kind, str(i))
            fh.write(json.dumps(r.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(items)} drafts → {out}")
    return 0


def compare(rev: str) -> int:
    env = {**os.environ, "COPYGEN_NO_CACHE": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        wt = Path(tmp) / "ref"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(wt), rev],
                       check=True, capture_output=True)
        try:
            # the same rule content and the same drafts on both sides: only the engine differs
            for sub in ("rules", "benchmarks"):
                shutil.rmtree(wt / sub, ignore_errors=True)
                shutil.copytree(ROOT / sub, wt / sub)
            drafts = Path(tmp) / "drafts.jsonl"
            drafts.write_text("".join(json.dumps({"text": t, "kind": k}, ensure_ascii=False) + "\n"
                                      for t, k in batch()), encoding="utf-8")
            ref_out, new_out = Path(tmp) / "ref.jsonl", Path(tmp) / "new.jsonl"
            shared = ROOT.parent / "shared"
            link = wt.parent / "shared"
            if shared.is_dir() and not link.exists():
                link.symlink_to(shared)
            subprocess.run([sys.executable, str(wt / "benchmarks" / "findings_diff.py"), "dump", str(ref_out),
                            str(drafts)], check=True, env={**env, "PYTHONPATH": str(wt)}, cwd=str(wt))
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "findings_diff.py"), "dump", str(new_out),
                            str(drafts)], check=True, env={**env, "PYTHONPATH": str(ROOT)}, cwd=str(ROOT))
            a = ref_out.read_text(encoding="utf-8").splitlines()
            b = new_out.read_text(encoding="utf-8").splitlines()
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(wt)], capture_output=True)
    diffs = [(i, x, y) for i, (x, y) in enumerate(zip(a, b)) if x != y]
    if len(a) != len(b):
        print(f"different batch sizes: {rev} {len(a)}, this checkout {len(b)}")
        return 1
    for i, x, y in diffs[:5]:
        print(f"draft {i} differs:\n  {rev}: {x[:400]}\n  here: {y[:400]}")
    n_find = sum(len(json.loads(x)["findings"]) for x in a)
    print(f"{len(a)} drafts, {n_find} findings in {rev}: {len(diffs)} drafts differ")
    return 1 if diffs else 0


if __name__ == "__main__":
    if len(sys.argv) in (3, 4) and sys.argv[1] == "dump":
        sys.exit(dump(*sys.argv[2:]))
    if len(sys.argv) == 3 and sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2]))
    print(__doc__)
    sys.exit(2)
