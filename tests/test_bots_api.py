"""The Python API for bot developers: due messages, per-member rendering, payloads — same as the CLI."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from copygen.bots import BotPack, Member
from copygen.errors import InputError

from .botkit import validator, write_example_pack
from .helpers import EXAMPLES, run

SH = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(scope="module")
def fruit_dir(tmp_path_factory):
    return write_example_pack(next(p for p in EXAMPLES if p.stem == "fruit-lead"),
                              tmp_path_factory.mktemp("api") / "fruit")


@pytest.fixture(scope="module")
def pack(fruit_dir):
    return BotPack(fruit_dir)


def test_due_is_in_order_and_bounded(pack):
    noon = dt.datetime(2026, 12, 3, 12, 0, tzinfo=SH)
    due = pack.due(until=noon)
    assert [m.id for m in due] == ["lure.poster", "lure.private", "rules", "lure.moments"]
    assert all(m.due <= noon for m in due)
    assert [m.id for m in pack.due(until=noon, target="wecom")] == ["rules"]
    later = pack.due(until=dt.datetime(2026, 12, 4, 23, 0), since=noon, target="wecom")  # naive = pack's zone
    assert [m.id for m in later][:2] == ["lure.nudge.d1", "topic.d1"]
    times = [m.due for m in pack.scheduled()]
    assert times == sorted(times)


def test_after_end_messages_fall_after_the_last_day(pack):
    recall = pack.message("recall.light")
    assert recall.due == dt.datetime(2027, 1, 4, 19, 30, tzinfo=SH)  # 2026-12-05 + 30 days, 19:30


def test_render_for_one_member(pack):
    nudge = pack.message("lure.progress")  # sent to one inviter when a friend joins
    text = pack.render(nudge, Member(nickname="小林", invited=2, goal=3))
    assert "2位" in text and "1位" in text and "%" not in text
    welcome = pack.events("on_join")[0]
    assert welcome.kind == "welcome.group"
    assert pack.render(welcome, Member(nickname="小林")).count("小林") == welcome.text.count("%NICKNAME%") >= 1


def test_render_names_what_is_missing(pack):
    with pytest.raises(InputError, match="%INVITED%"):
        pack.render("lure.progress", Member(nickname="小林"))


def test_payloads_per_target(pack):
    welcome = pack.events("on_join")[0]
    kept = pack.payloads(welcome, "wecom-welcome")[0]
    assert "%NICKNAME%" in kept["text"]["content"]  # WeCom fills it in group welcomes
    filled = pack.payloads(welcome, "wecom", Member(nickname="小林"), at=["linjie"])
    assert filled[0]["text"]["mentioned_list"] == ["linjie"] and "小林" in filled[0]["text"]["content"]
    for payload in filled:
        assert not list(validator("wecom").iter_errors(payload))
    with pytest.raises(InputError, match="%INVITED%"):
        pack.payloads("lure.progress", "feishu")
    with pytest.raises(InputError, match="不认识的目标"):
        pack.payloads("rules", "wechat")


def test_api_payloads_match_the_export(fruit_dir, pack):
    doc = json.loads(run("export", str(fruit_dir), "-t", "dingtalk", "-o", "-").stdout)
    for req in doc["requests"]:
        assert pack.payloads(req["message"], "dingtalk")[req["part"] - 1] == req["payload"]
