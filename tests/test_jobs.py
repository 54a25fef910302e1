"""`copygen check --jobs N`: same output as --jobs 1, in input order, streamed in bounded memory."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import threading
import tracemalloc
from pathlib import Path

import pytest

from copygen import rulespec as rs
from copygen.campaign import load_campaign
from copygen.checker import Draft
from copygen.config import Config, build_checker
from copygen.pack import build_pack
from copygen.parallel import SERIAL_BELOW, check_stream, default_jobs
from copygen.render import default_catalogue
from copygen.resources import rules_dir

from .helpers import EXAMPLES, ROOT, run

DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"


def labelled_rows() -> list[dict]:
    """The labelled dev set (beside the repository, as in CI), every piece of every example pack
    (3 variants) and every rule's own pass/fail examples."""
    rows: list[dict] = []
    if DEV.is_file():
        for line in DEV.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            rows.append({"id": r["id"], "kind": r["kind"], "text": r["text"]})
    cat = default_catalogue()
    for ex in EXAMPLES:
        doc = build_pack(load_campaign(ex), cat, checker=None, variants=3)
        rows += [{"id": f"{ex.stem}/{p.id}", "kind": p.kind, "text": p.text} for p in doc.pieces]
    for path in rs.module_files(rules_dir()):
        m = rs.load_module(path)
        for r in m.rules:
            kind = r.examples.kind or (r.kinds or m.applies_to)[0]
            rows += [{"id": f"{r.id}-{i}", "kind": kind, "text": t}
                     for i, t in enumerate([*r.examples.pass_, *r.examples.fail])]
    return rows


@pytest.fixture(scope="module")
def labelled(tmp_path_factory) -> Path:
    rows = labelled_rows()
    assert len(rows) > 4 * SERIAL_BELOW  # enough that --jobs 2 really starts workers
    p = tmp_path_factory.mktemp("labelled") / "drafts.jsonl"
    p.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return p


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl", "github", "sarif"])
def test_jobs_2_output_is_identical_to_jobs_1(labelled, fmt):
    one = run("check", "--jsonl", str(labelled), "--format", fmt, "--jobs", "1")
    two = run("check", "--jsonl", str(labelled), "--format", fmt, "--jobs", "2")
    assert one.exit_code == two.exit_code == 1  # the rules' fail examples include errors
    assert one.stdout == two.stdout and one.stdout
    if fmt == "jsonl":
        ids = [json.loads(x)["id"] for x in two.stdout.splitlines()]
        assert ids == [r["id"] for r in labelled_rows()]  # input order
    if fmt == "text":
        n = len(labelled_rows())
        assert two.stdout.splitlines()[-1].startswith(f"共 {n} 篇，通过 ")


def test_stream_reports_equal_in_process_reports_and_really_use_workers(labelled):
    from copygen.checker import read_jsonl

    ck = build_checker()
    drafts = list(read_jsonl(str(labelled), "lure"))
    expected = [ck.check(d.text, d.kind, d.id) for d in drafts]
    stream = check_stream(iter(drafts), jobs=2)
    first = next(stream)
    workers = multiprocessing.active_children()
    assert len(workers) == 2 and all(w.pid != os.getpid() for w in workers)
    got = [first, *stream]
    assert got == expected  # dataclass equality: every finding, span, score and message
    assert not multiprocessing.active_children()  # the pool is shut down when the stream ends


def _counting(n: int, text=lambda i: f"拉{i % 9 + 1}位好友进群就送，全网最低价{i}"):
    state = {"produced": 0}

    def gen():
        for i in range(n):
            state["produced"] += 1
            yield Draft(f"g{i}", "lure", text(i))

    return gen(), state


@pytest.mark.parametrize("jobs", [1, 2])
def test_input_is_read_lazily_with_a_bounded_window(jobs):
    chunksize, window = 16, 3
    drafts, state = _counting(1500)
    ahead = 0
    for consumed, r in enumerate(check_stream(drafts, jobs=jobs, chunksize=chunksize, window=window), 1):
        assert r.id == f"g{consumed - 1}"
        ahead = max(ahead, state["produced"] - consumed)
    assert consumed == 1500
    assert ahead <= (window + 1) * chunksize + SERIAL_BELOW  # never the whole input


def test_memory_stays_flat_as_the_input_grows():
    """The parent's allocations (tracemalloc peak) while streaming 4× more drafts stay the same, and
    far below the size of the input that went through.  The rules are switched off here so that the
    test weighs the stream, not the rules' speed (the window with every rule on is tested above)."""
    cfg = Config(disable=tuple({cr.dimension for cr in build_checker().rules}))
    assert not build_checker(cfg).rules
    base = "姐妹们，我刚在林家果园福利群领了500g智利车厘子，拉3位好友进群就送，顺丰冷链，坏果包赔。" * 40

    def peak(n: int) -> tuple[int, int]:
        drafts, _ = _counting(n, text=lambda i: f"{i}{base}")
        total = 0
        tracemalloc.start()
        try:
            for r in check_stream(drafts, cfg, jobs=2, chunksize=8, window=4):
                total += sys.getsizeof(r.text)
            return tracemalloc.get_traced_memory()[1], total
        finally:
            tracemalloc.stop()

    small, _ = peak(1000)
    large, input_bytes = peak(4000)
    assert input_bytes > 15_000_000
    assert large < input_bytes / 8, (large, input_bytes)  # holding the input would need all of it
    assert large < small * 1.25 + 100_000, (small, large)


def test_cli_streams_stdin_output_comes_before_the_input_ends():
    """`--jsonl -`: the first results are written while stdin is still open (nothing waits for EOF)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.Popen([sys.executable, "-m", "copygen", "check", "--jsonl", "-", "--format", "jsonl",
                          "--jobs", "2", "--nofail"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
    out: list[str] = []
    first = threading.Event()

    def read() -> None:  # drain stdout all the time, or a full pipe would stall the child
        for line in p.stdout:
            out.append(line.decode())
            first.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    lines = [json.dumps({"id": f"s{i}", "text": f"拉{i}位好友进群就送"}, ensure_ascii=False) + "\n"
             for i in range(1500)]
    try:
        p.stdin.write("".join(lines[:1000]).encode())
        p.stdin.flush()
        assert first.wait(timeout=120), "no output while stdin was open"
        seen_before_eof = len(out)
        p.stdin.write("".join(lines[1000:]).encode())
        p.stdin.close()
        assert p.wait(timeout=120) == 0
        reader.join(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
    assert seen_before_eof >= 1
    assert [json.loads(x)["id"] for x in out] == [f"s{i}" for i in range(1500)]


def test_directory_input_sorted_txt_and_md_hidden_skipped(tmp_path):
    d = tmp_path / "drafts"
    (d / "b").mkdir(parents=True)
    (d / ".git").mkdir()
    (d / "a.txt").write_text("拉3位好友进群就送", encoding="utf-8")
    (d / "b" / "欢迎.md").write_text("欢迎新朋友", encoding="utf-8")
    (d / "a0.txt").write_text("届时见", encoding="utf-8")
    (d / "c.json").write_text("{}", encoding="utf-8")
    (d / ".git" / "x.txt").write_text("x", encoding="utf-8")
    r = run("check", str(d), "--format", "jsonl", "--nofail")
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    assert [Path(x["id"]).relative_to(d).as_posix() for x in rows] == ["a.txt", "a0.txt", "b/欢迎.md"]
    assert [x["kind"] for x in rows] == ["lure", "lure", "welcome"]
    empty = tmp_path / "empty"
    empty.mkdir()
    r = run("check", str(empty))
    assert r.exit_code == 2 and "没有 .txt 或 .md" in r.output


def test_directory_with_many_files_jobs_2_equals_jobs_1(tmp_path):
    rows = labelled_rows()[:300]
    for i, row in enumerate(rows):
        sub = tmp_path / f"brand{i % 3}"
        sub.mkdir(exist_ok=True)
        (sub / f"{i:04d}-{row['kind'].split('.')[0]}.txt").write_text(row["text"], encoding="utf-8")
    one = run("check", str(tmp_path), "--format", "jsonl", "--jobs", "1", "--nofail")
    two = run("check", str(tmp_path), "--format", "jsonl", "--jobs", "2", "--nofail")
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout and len(two.stdout.splitlines()) == 300


def test_stdin_draft_and_files_mix_with_jobs(tmp_path):
    f = tmp_path / "welcome.txt"
    f.write_text("欢迎～", encoding="utf-8")
    r = run("check", str(f), "-", "--jobs", "2", "--format", "jsonl", "--nofail", input="届时见")
    assert [json.loads(x)["id"] for x in r.stdout.splitlines()] == [str(f), "-"]


def test_bad_line_mid_stream_is_one_error_line_and_no_worker_is_left(tmp_path):
    src = tmp_path / "in.jsonl"
    good = [json.dumps({"id": i, "text": f"拉{i}位好友进群就送"}, ensure_ascii=False) for i in range(400)]
    src.write_text("\n".join(good[:300] + ["{oops"] + good[300:]) + "\n", encoding="utf-8")
    r = run("check", "--jsonl", str(src), "--jobs", "2", "--format", "jsonl")
    assert r.exit_code == 2 and r.stderr.strip().splitlines() == [f"copygen: {src}:301: 不是合法的 JSON 行"]
    assert not multiprocessing.active_children()
    src.write_text(json.dumps({"text": "好", "kind": "poem"}) + "\n", encoding="utf-8")
    r = run("check", "--jsonl", str(src), "--jobs", "2")
    assert r.exit_code == 2 and f"{src}:1: 未知的文案类型：poem" in r.stderr


def test_jobs_must_be_positive_and_defaults_to_the_cores():
    assert run("check", "-", "--jobs", "0", input="好").exit_code == 2
    assert default_jobs() == len(os.sched_getaffinity(0))
