"""`copygen check --pack`: a whole pack judged, generated or written by hand."""

from __future__ import annotations

import json

import pytest

from copygen.packio import load_pack, parse_messages

from .helpers import run

CAMPAIGN = {"brand": "阿梅果铺", "group": "阿梅果铺福利6群", "type": "lead", "days": 3, "start_date": "2026-09-01"}
PIECES = [
    {"id": "nudge.d1", "kind": "lure.nudge", "target": "group", "day": 1, "time": "12:30",
     "text": "今天的进度\n你已经拉了%INVITED%位，再拉%REMAINING%位就能领葡萄。"},
    {"id": "topic.d2", "kind": "topic", "target": "group", "day": 2, "time": "20:00",
     "text": "今晚聊聊：你家娃最爱吃的水果？"},
    {"id": "wake.d2", "kind": "wakeup.lurker", "target": "group", "day": 2, "time": "20:00",
     "text": "潜水的姐妹们冒个泡，回个1就行。"},
]


def _messages(tmp_path, rows, header=True):
    lines = ([json.dumps({"campaign": CAMPAIGN}, ensure_ascii=False)] if header else []) + [
        json.dumps(r, ensure_ascii=False) for r in rows]
    (tmp_path / "messages.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def test_hand_written_messages_jsonl_with_campaign_line(tmp_path):
    d = _messages(tmp_path, PIECES)
    r = run("check", "--pack", str(d))
    assert r.exit_code == 1, r.output
    lines = r.output.strip().splitlines()
    first = f"{d}/messages.jsonl:nudge.d1:2:6 error PK01 "
    assert lines[0].startswith(first), lines[0]
    rules = [ln.split()[2] for ln in lines[:-1]]
    assert rules.count("PK01") == 2 and "PK20" in rules and "PK41" in rules
    assert lines[-1].endswith("错误 3 条，警告 1 条")


def test_without_campaign_the_rules_that_need_it_do_not_run(tmp_path):
    d = _messages(tmp_path, PIECES, header=False)
    r = run("check", "--pack", str(d), "--format", "jsonl")
    rules = [json.loads(ln)["rule"] for ln in r.output.strip().splitlines()]
    assert "PK41" not in rules  # how long the group lives is unknown
    assert rules.count("PK01") == 2 and "PK20" in rules  # placeholders and times need no campaign


def test_findings_point_into_the_piece(tmp_path):
    d = _messages(tmp_path, PIECES)
    out = json.loads(run("check", "--pack", str(d), "--format", "json", "--nofail").output)
    assert out["summary"] == {"error": 3, "warning": 1, "info": 0} and out["pieces"] == 3
    assert out["campaign"]["nudge_cap"] == 1 and out["campaign"]["quiet_hours"] == ["22:00", "08:00"]
    texts = {p["id"]: p["text"] for p in PIECES}
    for f in out["findings"]:
        t = texts[f["piece"]]
        assert t[f["start"]:f["end"]] == f["excerpt"] or f["start"] == f["end"] == 0
    assert {f["excerpt"] for f in out["findings"] if f["rule"] == "PK01"} == {"%INVITED%", "%REMAINING%"}


def test_pack_json_is_preferred_and_a_file_can_be_named(tmp_path):
    _messages(tmp_path, PIECES)
    (tmp_path / "pack.json").write_text(json.dumps({"campaign": CAMPAIGN, "pieces": PIECES[1:2]}, ensure_ascii=False),
                                        encoding="utf-8")
    r = run("check", "--pack", str(tmp_path))
    assert r.exit_code == 0 and "pack.json: 共 1 条文案" in r.output
    r = run("check", "--pack", str(tmp_path / "messages.jsonl"))
    assert r.exit_code == 1 and "PK01" in r.output


def test_warnings_only_exit_0_and_nofail(tmp_path):
    d = _messages(tmp_path, PIECES[1:])
    cfg = tmp_path / "copygen.yaml"
    cfg.write_text("disable: [PK41]\n", encoding="utf-8")
    r = run("check", "--pack", str(d), "--config", str(cfg))
    assert r.exit_code == 0 and "PK20" in r.output and "PK41" not in r.output
    assert run("check", "--pack", str(_messages(tmp_path, PIECES)), "--nofail").exit_code == 0


def test_severity_override_from_config(tmp_path):
    d = _messages(tmp_path, PIECES[1:])
    cfg = tmp_path / "copygen.yaml"
    cfg.write_text("severity: {PK20: error}\ndisable: [PK41]\n", encoding="utf-8")
    r = run("check", "--pack", str(d), "--config", str(cfg))
    assert r.exit_code == 1 and "error PK20" in r.output


@pytest.mark.parametrize("content, needle", [
    ('{"id": "a", "text": "你好"}\n', "target: 缺少这一项"),
    ('{"id": "a", "target": "群", "text": "你好"}\n', "target: 只能是"),
    ('{"id": "a", "target": "group", "time": "8点", "text": "你好"}\n', "time: 格式不对"),
    ('{"id": "a", "target": "group", "text": "你好"}\n{"id": "a", "target": "group", "text": "再见"}\n', "编号 a 重复"),
    ('{"campaign": {"start_date": "九月一日"}}\n{"target": "group", "text": "你好"}\n', "campaign.start_date"),
    ("not json\n", "不是合法的 JSON 行"),
    ("\n", "没有任何文案"),
])
def test_bad_hand_written_pack_is_one_clear_line(tmp_path, content, needle):
    (tmp_path / "messages.jsonl").write_text(content, encoding="utf-8")
    r = run("check", "--pack", str(tmp_path))
    assert r.exit_code == 2 and needle in r.output and "Traceback" not in r.output, r.output
    assert r.output.startswith("copygen: ") and len(r.output.strip().splitlines()) == 1


def test_usage_errors(tmp_path):
    assert run("check", "--pack", str(tmp_path)).exit_code == 2  # no pack file in it
    assert "不存在" in run("check", "--pack", str(tmp_path / "nope")).output
    _messages(tmp_path, PIECES)
    assert run("check", "--pack", str(tmp_path), "x.txt").exit_code == 2
    r = run("check", "--pack", str(tmp_path), "--format", "sarif")
    assert r.exit_code == 2 and "text、json、jsonl" in r.output


def test_ids_default_to_line_numbers_and_numbers_are_text():
    pack = parse_messages('{"target": "group", "text": "a"}\n{"id": 7, "target": "group", "text": "b"}\n', "m")
    assert [p.id for p in pack.pieces] == ["1", "7"]


def test_generated_pack_loads_from_both_files(tmp_path):
    from .helpers import EXAMPLES

    out = tmp_path / "out"
    run("pack", str(EXAMPLES[0]), "-o", str(out), "--nofail")
    a, b = load_pack(str(out)), load_pack(str(out / "messages.jsonl"))
    assert a.campaign is not None and b.campaign is None
    assert [p.id for p in a.pieces] == [p.id for p in b.pieces]
    assert all(p.text == q.text and p.target == q.target for p, q in zip(a.pieces, b.pieces))


def test_explain_and_list_pack_rules():
    r = run("explain", "PK10")
    assert r.exit_code == 0 and "整包检查" in r.output and "✗" in r.output and "✓" in r.output
    assert "PK41" in run("rules").output


def test_any_hand_written_pack_is_judged_without_a_crash():
    import datetime as dt

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from copygen.packio import parse_pack
    from copygen.packrules import build_pack_checker

    bits = st.sampled_from(["今天是2月29日", "明天（周八）", "13月40日截止", "0月0日", "还剩十二天结束", "倒计时两天",
                            "最后一天", "%REMAINING%", "％NICKNAME％", "回群领", "离活动结束还有0天", "今晚周日",
                            "2028年2月29日（周二）", "群里，在群里", "🎉", "\n", "，", "拉3位好友进群"])
    piece = st.fixed_dictionaries({
        "target": st.sampled_from(["group", "private", "moments", "poster"]),
        "text": st.lists(bits, min_size=1, max_size=6).map("".join),
    }, optional={
        "kind": st.sampled_from(["lure.nudge", "topic", "wakeup.lurker", "recall.light", "welcome.group", "x"]),
        "day": st.integers(1, 40), "time": st.sampled_from(["00:00", "12:30", "23:59"]),
        "date": st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 31)).map(str),
        "trigger": st.sampled_from(["on_join", "on_add", "on_task_done", "after_end"]),
        "offset_days": st.integers(0, 90), "segment": st.sampled_from(["lapsed_30", "lapsed_60"]),
    })
    campaign = st.one_of(st.none(), st.fixed_dictionaries({}, optional={
        "type": st.sampled_from(["lead", "fan", "flash"]), "days": st.integers(1, 30),
        "start_date": st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 31)).map(str),
        "end_date": st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 31)).map(str),
        "deadline": st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 31)).map(str),
        "nudge_cap": st.integers(0, 3),
        "events": st.lists(st.fixed_dictionaries({"day": st.integers(1, 30), "time": st.just("20:00")}), max_size=2),
    }))
    checker = build_pack_checker()

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(campaign, st.lists(piece, min_size=1, max_size=6))
    def judged(camp, pieces):
        pack = parse_pack({"campaign": camp, "pieces": [{**p, "id": f"p{i}"} for i, p in enumerate(pieces)]}, "x")
        for f in checker.check(pack):
            if f.piece is not None:
                t = pack.pieces[pack.index[f.piece]].text
                assert 0 <= f.start <= f.end <= len(t) and (t[f.start:f.end] == f.excerpt or f.start == f.end)

    judged()


def test_a_new_pack_kind_is_one_file(tmp_path):
    """A kind module (Spec + compile + run) and a rule module that uses it: nothing else changes."""
    from copygen import packkinds
    from copygen.packio import parse_pack
    from copygen.packrules import PackChecker
    from copygen.packspec import load_pack_module

    (tmp_path / "too_many_pieces.py").write_text('''
from typing import Literal
from copygen.packmatch import Hit
from copygen.packspec import PackRuleSpec

class Spec(PackRuleSpec):
    kind: Literal["too_many_pieces"]
    max: int

def compile(spec, ctx):
    return spec

def run(spec, view):
    if len(view.pieces) > spec.max:
        yield Hit(None, subst={"n": str(len(view.pieces))})
''', encoding="utf-8")
    (tmp_path / "size.yaml").write_text('''
module: pack_size
principle: 一个包别太长
rules:
  - id: PZ01
    name: pack-too-long
    kind: too_many_pieces
    max: 1
    message: 这个包有{n}条，太多了
''', encoding="utf-8")
    packkinds.load_file(tmp_path / "too_many_pieces.py")
    try:
        module = load_pack_module(tmp_path / "size.yaml")
        ck = PackChecker([(module, tmp_path / "size.yaml")])
        pack = parse_pack({"pieces": PIECES}, "p")
        assert [(f.rule, f.piece, f.message) for f in ck.check(pack)] == [("PZ01", None, "这个包有3条，太多了")]
    finally:
        packkinds.unregister("too_many_pieces")
    r = run("check", "--pack", str(_messages(tmp_path, PIECES)))  # the shipped rules are untouched
    assert "PZ01" not in r.output


def test_an_unknown_pack_kind_is_a_clear_error(tmp_path):
    from copygen.errors import InputError
    from copygen.packspec import load_pack_module

    (tmp_path / "x.yaml").write_text("module: x\nprinciple: 说明\nrules:\n  - {id: PX01, name: x, kind: nope, message: 不行}\n",
                                     encoding="utf-8")
    with pytest.raises(InputError, match="未知的整包规则类型 'nope'"):
        load_pack_module(tmp_path / "x.yaml")


@pytest.mark.parametrize("dissolves, fired", [(False, False), (True, True), (None, True)])
def test_dissolves_false_keeps_the_group_alive_after_end_date(dissolves, fired):
    from copygen.packio import parse_pack
    from copygen.packrules import build_pack_checker

    camp = {"type": "lead", "days": 3, "start_date": "2027-03-01", "end_date": "2027-03-03"}
    if dissolves is not None:
        camp["dissolves"] = dissolves
    pack = parse_pack({"campaign": camp, "pieces": [
        {"id": "w", "kind": "wakeup.lurker", "target": "group", "trigger": "after_end", "offset_days": 7,
         "time": "19:30", "text": "潜水的同学们冒个泡。"}]}, "p")
    assert any(f.rule == "PK40" for f in build_pack_checker().check(pack)) is fired


@pytest.mark.parametrize("until, fired", [("21:30", True), (None, False)])
def test_an_event_lasts_until_its_end(until, fired):
    from copygen.packio import parse_pack
    from copygen.packrules import build_pack_checker

    ev = {"day": 2, "time": "20:00", "what": "直播"} | ({"until": until} if until else {})
    pack = parse_pack({"campaign": {"type": "fan", "days": 7, "events": [ev]}, "pieces": [
        {"id": "t", "kind": "topic", "target": "group", "day": 2, "time": "21:00", "text": "今晚聊聊目标院校。"}]}, "p")
    assert any(f.rule == "PK24" for f in build_pack_checker().check(pack)) is fired


def test_jsonl_without_findings_prints_nothing(tmp_path):
    d = _messages(tmp_path, PIECES[1:2])
    r = run("check", "--pack", str(d), "--format", "jsonl")
    assert r.exit_code == 0 and r.stdout == ""
