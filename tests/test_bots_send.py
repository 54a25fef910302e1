"""copygen send against the local webhook emulator: acks, rate limits, 5xx, timeouts, signatures, kills.

The sender runs as a real subprocess (``python -m copygen send``) against a real HTTP server on
127.0.0.1; kills are real SIGKILLs, timed by the emulator at chosen requests.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from copygen.bots import BotPack
from copygen.bots.journal import JOURNAL_NAME

from .botkit import fifteen_day_campaign, write_example_pack
from .helpers import EXAMPLES
from .webhook_emulator import Emulator

FAR = "2100-01-01"
FAST = ["--rate", "1000/60", "--backoff", "0.05", "--rate-pause", "0.1", "--timeout", "1"]
DING_SECRET = "SECd41f0c7e6b2a9f4c13e8b5a7d60f29c1be47a3d58e6f"
FEISHU_SECRET = "fs-8c2e5b1d9a7f4e03"


@pytest.fixture(scope="module")
def fifteen(tmp_path_factory):
    """The 15-day fan-group pack, written once; each test copies it (the journal lives beside it)."""
    from copygen.campaign import load_campaign
    from copygen.config import build_checker
    from copygen.pack import build_pack
    from copygen.packout import write_pack
    from copygen.render import default_catalogue

    root = tmp_path_factory.mktemp("fifteen")
    doc = build_pack(load_campaign(fifteen_day_campaign(root)), default_catalogue(), build_checker())
    return write_pack(doc, root / "pack")[0].parent


@pytest.fixture(scope="module")
def fruit(tmp_path_factory):
    return write_example_pack(next(p for p in EXAMPLES if p.stem == "fruit-lead"),
                              tmp_path_factory.mktemp("fruit") / "pack")


def copy_pack(src: Path, dst: Path) -> Path:
    dst.mkdir(parents=True)
    for name in ("pack.json", "messages.jsonl"):
        (dst / name).write_bytes((src / name).read_bytes())
    return dst


def expected_texts(pack: Path, target: str, until: str = FAR) -> list[str]:
    """What should reach the group, in order: the payload texts of every scheduled part due by ``until``."""
    import datetime as dt

    bp = BotPack(pack)
    limit = dt.datetime.fromisoformat(until + ("T23:59:59" if len(until) == 10 else ""))
    if limit.tzinfo is None:
        limit = limit.replace(tzinfo=bp.source.tz)
    out = []
    for m in bp.due(until=limit, target=target):
        if any(v in m.text for v in ("%NICKNAME%", "%INVITED%", "%REMAINING%", "%MEMBERS%")):
            continue
        for p in bp.payloads(m, target):
            body = p.get("text") or p.get("markdown") or {}
            out.append(body.get("content") or p["content"]["text"])
    return out


def sender(pack: Path, target: str, emu: Emulator, *extra: str, secret: str | None = None,
           until: str | None = FAR) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPYGEN_")}
    env["COPYGEN_WEBHOOK"] = emu.url({"wecom-markdown": "wecom"}.get(target, target))
    if secret:
        env["COPYGEN_SECRET"] = secret
    cmd = [sys.executable, "-m", "copygen", "send", str(pack), "--target", target, *FAST, *extra]
    if until:
        cmd += ["--until", until]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(p: subprocess.Popen, timeout: float = 120) -> tuple[int, str, str]:
    out, err = p.communicate(timeout=timeout)
    return p.returncode, out, err


def killer(holder: dict):
    """on_kill for the emulator: SIGKILL the running sender and wait until it is really gone."""
    def kill() -> None:
        p: subprocess.Popen = holder["proc"]
        os.kill(p.pid, signal.SIGKILL)
        holder["kills"] += 1
        stat = Path(f"/proc/{p.pid}/stat")
        for _ in range(500):
            try:
                if stat.read_text().split(") ", 1)[1].startswith("Z"):
                    return
            except (FileNotFoundError, IndexError):
                return
            time.sleep(0.01)
    return kill


def run_until_done(pack: Path, target: str, emu: Emulator, *extra: str, secret: str | None = None,
                   max_runs: int = 10) -> tuple[dict, list[str]]:
    """Start the sender, restart it after every kill, until one run exits on its own."""
    holder = {"proc": None, "kills": 0}
    emu.on_kill = killer(holder)
    errs = []
    for _ in range(max_runs):
        holder["proc"] = sender(pack, target, emu, *extra, secret=secret)
        rc, _, err = finish(holder["proc"])
        errs.append(err)
        if rc != -signal.SIGKILL:
            holder["rc"] = rc
            return holder, errs
    raise AssertionError(f"still being killed after {max_runs} runs")


def journal_rows(pack: Path) -> list[tuple]:
    with sqlite3.connect(pack / JOURNAL_NAME) as db:
        return db.execute("SELECT message, part, state, attempts, runs FROM deliveries ORDER BY seq").fetchall()


# ------------------------------------------------------------------------------------------- done when --

def test_fifteen_day_pack_exactly_once_in_order_across_three_kills(fifteen, tmp_path):
    """The issue's bar: 15 days, three SIGKILLs and restarts, injected rate limits and 5xx, nothing lost or doubled."""
    pack = copy_pack(fifteen, tmp_path / "pack")
    want = expected_texts(pack, "dingtalk")
    topics = [m for m in BotPack(pack).scheduled() if m.kind == "topic"]
    assert len(want) >= 25 and len({m.due.date() for m in topics}) == 15  # a topic on each of 15 days
    script = {
        3: "5xx", 5: "ratelimit",
        8: "kill-before",  # kill 1: request in flight, nothing delivered
        11: "5xx", 12: "5xx",
        14: "kill-after",  # kill 2: delivered, killed before the ack reached the sender
        18: "ratelimit", 19: "ratelimit",
        23: "kill-later:0.2",  # kill 3: a 502, killed while backing off
        27: "slow:1.5",  # longer than --timeout 1: the retry repeats the msgUuid
        31: "5xx",
    }
    with Emulator(secret=DING_SECRET, rate=(12, 1.0), script=script) as emu:
        holder, errs = run_until_done(pack, "dingtalk", emu, "--retries", "8", "--backoff", "0.4", secret=DING_SECRET)
    assert holder["kills"] == 3 and holder["rc"] == 0, errs[-1]
    assert emu.texts() == want  # every message exactly once, in order
    outcomes = [o for _, _, o in emu.log]
    assert "duplicate msgUuid dropped" in outcomes  # the kill-after resend was recognised, not shown twice
    assert sum(o.startswith("ratelimit") for o in outcomes) >= 3 and outcomes.count("5xx") >= 3
    assert any("上次发送时进程中断" in e for e in errs[1:])
    rows = journal_rows(pack)
    assert [r[2] for r in rows] == ["sent"] * len(want)
    assert max(r[4] for r in rows) >= 2  # some part was begun in one run and finished in the next


def test_wecom_exactly_once_across_kills_outside_the_ack_window(fifteen, tmp_path):
    pack = copy_pack(fifteen, tmp_path / "pack")
    want = expected_texts(pack, "wecom")
    script = {4: "kill-before", 9: "5xx", 10: "ratelimit", 15: "kill-later:0.2", 20: "kill-before"}
    with Emulator(script=script) as emu:
        holder, _ = run_until_done(pack, "wecom", emu, "--backoff", "0.4")
    assert holder["kills"] == 3 and holder["rc"] == 0
    assert emu.texts() == want


def test_wecom_kill_between_ack_and_journal_doubles_one_message_and_says_so(fruit, tmp_path):
    """The honest limit: WeCom has no idempotency key, so a crash after its ack but before the
    journal write sends that one message again on the rerun — and the rerun says so."""
    pack = copy_pack(fruit, tmp_path / "pack")
    want = expected_texts(pack, "wecom")
    with Emulator(script={2: "kill-after"}) as emu:
        holder, errs = run_until_done(pack, "wecom", emu)
    assert holder["kills"] == 1 and holder["rc"] == 0
    got = emu.texts()
    assert len(got) == len(want) + 1 and got[1] == got[2] == want[1]
    assert got[:2] + got[3:] == want
    assert "若上次其实已送达，群里会多一条" in errs[1]


# -------------------------------------------------------------------------------- vendor behaviour --

@pytest.mark.parametrize("target", ["wecom", "wecom-markdown", "dingtalk", "feishu"])
def test_acknowledged_messages_go_once_and_a_rerun_sends_nothing(fruit, tmp_path, target):
    pack = copy_pack(fruit, tmp_path / "pack")
    secret = {"dingtalk": DING_SECRET, "feishu": FEISHU_SECRET}.get(target)
    with Emulator(secret=secret) as emu:
        rc, _, err = finish(sender(pack, target, emu, secret=secret))
        assert rc == 0, err
        first = emu.texts()
        rc, _, err = finish(sender(pack, target, emu, secret=secret))
        assert rc == 0 and "本次发送 0 个请求" in err
    assert first == expected_texts(pack, target) and emu.texts() == first


def test_5xx_and_vendor_rate_limit_codes_are_retried(fruit, tmp_path):
    pack = copy_pack(fruit, tmp_path / "pack")
    with Emulator(script={1: "5xx", 2: "5xx", 3: "ratelimit", 5: "ratelimit"}) as emu:
        rc, _, err = finish(sender(pack, "wecom", emu))
    assert rc == 0, err
    assert emu.texts() == expected_texts(pack, "wecom")
    assert "限流（45009）" in err
    with sqlite3.connect(pack / JOURNAL_NAME) as db:
        outcomes = [r[0] for r in db.execute("SELECT outcome FROM attempts ORDER BY id")]
    assert outcomes[:4] == ["retry", "retry", "rate_limited", "ok"]


def test_rate_limit_is_paced_by_the_sender(fruit, tmp_path):
    """With the sender's own limit at the vendor's window, the vendor never has to refuse.
    (The margin absorbs transit jitter on a loaded machine: the vendor counts arrivals, the
    sender counts departures.)"""
    pack = copy_pack(fruit, tmp_path / "pack")
    with Emulator(rate=(3, 1.0)) as emu:
        p = sender(pack, "feishu", emu, "--rate", "3/1.4")
        rc, _, err = finish(p)
    assert rc == 0, err
    assert not any(o.startswith("ratelimit") for _, _, o in emu.log)
    assert len(emu.texts()) == len(expected_texts(pack, "feishu")) >= 7


def test_slow_response_times_out_and_is_retried(fruit, tmp_path):
    pack = copy_pack(fruit, tmp_path / "pack")
    with Emulator(script={1: "hang:1.5"}) as emu:  # answers nothing; longer than --timeout
        rc, _, err = finish(sender(pack, "wecom", emu, "--timeout", "0.5"))
    assert rc == 0, err
    assert emu.texts() == expected_texts(pack, "wecom")
    assert "可能重复" in err  # a timed-out request may have arrived: the sender says so


def test_dingtalk_timeout_after_delivery_is_deduplicated_by_msguuid(fruit, tmp_path):
    pack = copy_pack(fruit, tmp_path / "pack")
    with Emulator(secret=DING_SECRET, script={1: "slow:1.2"}) as emu:
        rc, _, err = finish(sender(pack, "dingtalk", emu, "--timeout", "0.5", "--backoff", "1.2",
                                     secret=DING_SECRET), timeout=60)
    assert rc == 0, err
    assert emu.texts() == expected_texts(pack, "dingtalk")
    assert "duplicate msgUuid dropped" in [o for _, _, o in emu.log]


@pytest.mark.parametrize("target,code", [("dingtalk", "310000"), ("feishu", "19021")])
def test_bad_signature_is_rejected_and_nothing_is_lost(fruit, tmp_path, target, code):
    pack = copy_pack(fruit, tmp_path / "pack")
    secret = {"dingtalk": DING_SECRET, "feishu": FEISHU_SECRET}[target]
    with Emulator(secret=secret) as emu:
        rc, _, err = finish(sender(pack, target, emu, secret=secret[:-1] + "x"))
        assert rc == 1 and not emu.texts()
        assert err.startswith("copygen: ") and code in err and "后面的消息没有发" in err
        assert ("加签" in err) if target == "dingtalk" else ("签名校验失败" in err)
        assert secret[:-1] not in err
        rc, _, err = finish(sender(pack, target, emu, secret=secret))
        assert rc == 0, err
    assert emu.texts() == expected_texts(pack, target)


def test_permanent_error_stops_in_order_and_never_leaks_the_key(fruit, tmp_path):
    pack = copy_pack(fruit, tmp_path / "pack")
    with Emulator() as emu:
        good = emu.url("wecom")
        env = {k: v for k, v in os.environ.items() if not k.startswith("COPYGEN_")}
        env["COPYGEN_WEBHOOK"] = good.replace(emu.key, "wk-bad-0000-1111-2222-333344445555")
        r = subprocess.run([sys.executable, "-m", "copygen", "send", str(pack), "-t", "wecom", "--until", FAR, *FAST],
                           env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "93000" in r.stderr and not emu.texts()
    assert "wk-bad-0000" not in r.stderr + r.stdout
    assert [row[2] for row in journal_rows(pack)] == ["failed"]  # stopped at the first message


def test_secrets_never_reach_output_or_journal(fruit, tmp_path):
    pack = copy_pack(fruit, tmp_path / "pack")
    with Emulator(secret=DING_SECRET, script={2: "5xx"}) as emu:
        rc, out, err = finish(sender(pack, "dingtalk", emu, secret=DING_SECRET))
        # a dead endpoint: the connection error must not print the URL either
        dead = emu.url("dingtalk")
    assert rc == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPYGEN_")}
    env.update(COPYGEN_WEBHOOK=dead, COPYGEN_SECRET=DING_SECRET)
    other = copy_pack(fruit, tmp_path / "other")
    r = subprocess.run([sys.executable, "-m", "copygen", "send", str(other), "-t", "dingtalk", "--until", FAR,
                        "--retries", "1", "--backoff", "0.01", "--timeout", "0.5"],
                       env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "连接失败" in r.stderr
    blobs = out + err + r.stdout + r.stderr
    blobs += (pack / JOURNAL_NAME).read_bytes().decode("utf-8", "replace")
    blobs += (other / JOURNAL_NAME).read_bytes().decode("utf-8", "replace")
    for secret in (emu.key, DING_SECRET, dead):
        assert secret not in blobs


# ------------------------------------------------------------------------------------ scheduling --

def test_until_sends_only_what_is_due_and_the_next_run_continues(fifteen, tmp_path):
    pack = copy_pack(fifteen, tmp_path / "pack")
    with Emulator() as emu:
        rc, _, err = finish(sender(pack, "wecom", emu, until="2027-03-10T12:00"))
        assert rc == 0 and "没到时间" in err
        early = emu.texts()
        assert early == expected_texts(pack, "wecom", "2027-03-10T12:00")
        rc, _, _ = finish(sender(pack, "wecom", emu, until="2027-03-10T12:30"))
        assert emu.texts()[len(early):] == expected_texts(pack, "wecom", "2027-03-10T12:30")[len(early):]
        rc, _, _ = finish(sender(pack, "wecom", emu))
    assert rc == 0 and emu.texts() == expected_texts(pack, "wecom")


def test_timezone_option_moves_due_times(fifteen, tmp_path):
    pack = copy_pack(fifteen, tmp_path / "pack")
    # 2027-03-08 09:30 in Shanghai is 01:30 UTC: due by 02:00 UTC only when the pack is read in Shanghai time
    with Emulator() as emu:
        finish(sender(pack, "wecom", emu, "--tz", "UTC", until="2027-03-08T02:00+00:00"))
        assert emu.texts() == []
        finish(sender(pack, "wecom", emu, until="2027-03-08T02:00+00:00"))
        assert emu.texts() == expected_texts(pack, "wecom", "2027-03-08T09:59") != []


def test_dry_run_lists_and_sends_nothing(fruit, tmp_path):
    pack = copy_pack(fruit, tmp_path / "pack")
    with Emulator() as emu:
        rc, out, err = finish(sender(pack, "wecom", emu, "--dry-run"))
    assert rc == 0 and not emu.texts() and not emu.log
    assert not (pack / JOURNAL_NAME).exists()
    lines = [ln for ln in out.splitlines() if "待发送" in ln]
    assert len(lines) == len(expected_texts(pack, "wecom"))
    assert "没有发送" in err


def test_follow_sends_everything_due_then_exits(fruit, tmp_path):
    pack = copy_pack(fruit, tmp_path / "pack")
    with Emulator() as emu:
        rc, _, err = finish(sender(pack, "wecom", emu, "--follow", "--start", "2020-01-01", until=None))
    assert rc == 0, err
    assert emu.texts() == expected_texts(pack, "wecom")


def test_follow_waits_for_each_due_time(fruit, tmp_path):
    """In-process with a virtual clock: each part leaves only once its due time has come."""
    import datetime as dt

    from copygen.bots.compose import plan
    from copygen.bots.journal import Journal
    from copygen.bots.sender import Options, Sender
    from copygen.bots.targets import get_target

    bp = BotPack(copy_pack(fruit, tmp_path / "pack"))
    target = get_target("wecom")
    parts = plan(bp.source, target, scheduled_only=True).parts

    class VirtualClock:
        def __init__(self, start: dt.datetime):
            self.t = start.timestamp()

        def time(self):
            return self.t

        def sleep(self, s):
            self.t += max(s, 0)

        def now(self, tz):
            return dt.datetime.fromtimestamp(self.t, tz)

    clock = VirtualClock(parts[0].message.due - dt.timedelta(hours=5))
    sent_at = {}

    def say(line: str) -> None:
        if line.startswith("已发送 "):
            sent_at[line.split()[1]] = clock.t

    with Emulator() as emu:
        j = Journal(tmp_path / "j.sqlite")
        s = Sender(target, bp.pack_id, parts, j, emu.url("wecom"), None, Options(follow=True, poll=600), clock, say)
        res = s.run()
        s.close()
    assert len(res.sent) == len(parts) and emu.texts() == [p.payload["text"]["content"] for p in parts]
    for p in parts:
        assert sent_at[p.message.id] >= p.message.due.timestamp()
        assert sent_at[p.message.id] - p.message.due.timestamp() < 60 * 20  # not long after (20/min pacing)


def test_second_sender_on_the_same_journal_refuses(fruit, tmp_path):
    pack = copy_pack(fruit, tmp_path / "pack")
    with Emulator(script={1: "hang:3"}) as emu:
        first = sender(pack, "wecom", emu, "--timeout", "5")
        for _ in range(500):  # wait until the first holds the lock: its first request reached the emulator
            if emu.requests:
                break
            time.sleep(0.02)
        rc2, _, err2 = finish(sender(pack, "wecom", emu))
        rc1, _, _ = finish(first)
    assert rc2 == 2 and "另一个 copygen send" in err2
    assert rc1 == 0 and emu.texts() == expected_texts(pack, "wecom")


def test_send_needs_a_webhook_and_rejects_non_webhook_targets(fruit):
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPYGEN_")}
    r = subprocess.run([sys.executable, "-m", "copygen", "send", str(fruit), "-t", "wecom"], env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "COPYGEN_WEBHOOK" in r.stderr and r.stderr.count("\n") == 1
    r = subprocess.run([sys.executable, "-m", "copygen", "send", str(fruit), "-t", "wecom-welcome"], env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2


def test_exported_and_sent_payloads_agree(fruit, tmp_path):
    """`copygen send` posts exactly the payloads `copygen export` writes (plus signing fields)."""
    from .helpers import run

    pack = copy_pack(fruit, tmp_path / "pack")
    exported = json.loads(run("export", str(pack), "-t", "feishu", "-o", "-").stdout)
    scheduled = [r["payload"] for r in exported["requests"] if r["due"]]
    with Emulator(secret=FEISHU_SECRET) as emu:
        rc, _, _ = finish(sender(pack, "feishu", emu, secret=FEISHU_SECRET))
    assert rc == 0
    got = [{k: v for k, v in d.payload.items() if k not in ("timestamp", "sign")} for d in emu.delivered]
    assert got == scheduled


def test_rate_windows_hold_across_runs_and_targets_of_one_robot(tmp_path):
    """The limiter counts the attempts in the journal, so earlier runs and wecom-markdown count for wecom."""
    from copygen.bots.journal import Journal, Key
    from copygen.bots.sender import Options, Sender
    from copygen.bots.targets import get_target

    class Clock:
        t = 1_000_000.0
        slept: list[float] = []

        def time(self):
            return self.t

        def sleep(self, s):
            self.slept.append(s)
            self.t += s

    j = Journal(tmp_path / "j.sqlite")
    for i in range(20):  # an earlier run posted 20 markdown messages in the last 30 s
        j.attempt(Key("p", f"m{i}", 1, "wecom-markdown"), "ok", 0, "", at=Clock.t - 30 + i)
    clock = Clock()
    s = Sender(get_target("wecom"), "p", [], j, "http://127.0.0.1:9/x?key=k", None, Options(), clock)
    s._wait_for_slot()
    s.close()
    # the oldest of those 20 leaves the 60 s window 30 s from now
    assert 29.9 < sum(clock.slept) < 30.1
