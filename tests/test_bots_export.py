"""copygen export: payloads valid for each vendor API, within its byte limits, placeholders handled."""

from __future__ import annotations

import json
import re

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from copygen.bots.targets import TARGETS

from .botkit import validator, vendor_bytes, write_example_pack
from .helpers import EXAMPLES, run

ALL_TARGETS = list(TARGETS)
# Group-level values an operator gives for a whole group; per-member ones are never given here.
VARS = ["--var", "MEMBERS=88"]


class JsonSnapshot(SingleFileSnapshotExtension):
    """Exported payload files stored as readable .json: review them like code."""

    _write_mode = WriteMode.TEXT
    file_extension = "json"


@pytest.fixture(scope="module")
def pack_dirs(tmp_path_factory):
    root = tmp_path_factory.mktemp("packs")
    return {p.stem: write_example_pack(p, root / p.stem) for p in EXAMPLES}


def export(pack_dir, target, *extra):
    args = ["export", str(pack_dir), "--target", target, "-o", "-", *VARS, *extra]
    if target == "wecom-groupmsg":
        args += ["--sender", "linjie", "--var", "NICKNAME=朋友"]
    r = run(*args)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout), r.stderr


@pytest.mark.parametrize("target", ALL_TARGETS)
@pytest.mark.parametrize("example", [p.stem for p in EXAMPLES])
def test_every_payload_of_every_example_is_valid_and_within_limits(pack_dirs, example, target):
    doc, _ = export(pack_dirs[example], target)
    assert doc["requests"], "an example pack has messages for every target"
    check = validator(target)
    for req in doc["requests"]:
        errors = [e.message for e in check.iter_errors(req["payload"])]
        assert not errors, (req["message"], errors)
        used, limit = vendor_bytes(target, req["api"], req["payload"])
        assert used <= limit, (req["message"], used, limit)
        assert req["bytes"] <= doc["limit_bytes"]
        leftover = set(re.findall(r"%[A-Z_]+%", json.dumps(req["payload"], ensure_ascii=False)))
        # only WeCom's 入群欢迎语 replaces a placeholder itself (%NICKNAME%, case-sensitive)
        allowed = {"%NICKNAME%"} if "group_welcome_template" in req["api"] else set()
        assert leftover <= allowed, (req["message"], leftover)


@pytest.mark.parametrize("target", ["wecom", "wecom-markdown", "dingtalk", "feishu", "wecom-welcome"])
def test_payload_snapshot(pack_dirs, target, snapshot):
    doc, _ = export(pack_dirs["fruit-lead"], target)
    assert json.dumps(doc, ensure_ascii=False, indent=2) + "\n" == snapshot.use_extension(JsonSnapshot)


def test_group_robots_never_carry_a_raw_placeholder(pack_dirs):
    for example in pack_dirs.values():
        for target in ("wecom", "wecom-markdown", "dingtalk", "feishu"):
            doc, _ = export(example, target)
            assert "%" not in json.dumps([r["payload"] for r in doc["requests"]], ensure_ascii=False)


def test_per_member_messages_are_skipped_for_a_group_with_a_note(pack_dirs, tmp_path):
    # a hand-written pack whose group broadcast carries one inviter's progress: never sent to a group
    src = pack_dirs["fruit-lead"] / "messages.jsonl"
    rows = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines() if line.strip()]
    nudge = next(r for r in rows if r["kind"] == "lure.nudge")
    nudge["text"] += "\n你已经邀请了%INVITED%位，还差%REMAINING%位。"
    nudge["variables"] = ["%INVITED%", "%REMAINING%"]
    (tmp_path / "messages.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    doc, err = export(tmp_path, "wecom")
    skipped = {s["message"]: s["reason"] for s in doc["skipped"]}
    assert nudge["id"] in skipped and "%INVITED%" in skipped[nudge["id"]]
    assert f"跳过 {nudge['id']}" in err


def test_group_welcome_keeps_nickname_for_wecom_to_fill(pack_dirs):
    doc, _ = export(pack_dirs["fruit-lead"], "wecom-welcome")
    by_id = {r["message"]: r for r in doc["requests"]}
    assert "%NICKNAME%" in by_id["welcome.group.store"]["payload"]["text"]["content"]
    assert "group_welcome_template/add" in by_id["welcome.group.store"]["api"]
    assert by_id["welcome.private"]["payload"]["welcome_code"] == "WELCOME_CODE"
    assert "send_welcome_msg" in by_id["welcome.private"]["api"]


def test_unsupported_placeholder_is_one_chinese_line_exit_2(pack_dirs):
    # beauty-samples' nudges need the group size, which no group robot knows
    r = run("export", str(pack_dirs["beauty-samples"]), "--target", "dingtalk", "-o", "-")
    assert r.exit_code == 2
    assert r.stderr.startswith("copygen: ") and r.stderr.count("\n") == 1
    assert "%MEMBERS%" in r.stderr and "--var MEMBERS=" in r.stderr and "Traceback" not in r.stderr


def test_unknown_placeholder_is_rejected(tmp_path):
    d = tmp_path / "p"
    d.mkdir()
    (d / "messages.jsonl").write_text(json.dumps({
        "id": "x", "kind": "topic", "target": "group", "day": 1, "date": "2026-12-03", "time": "20:00",
        "text": "今天%WEATHER%，大家聊聊", "variables": ["%WEATHER%"]}, ensure_ascii=False) + "\n", encoding="utf-8")
    r = run("export", str(d), "--target", "feishu", "-o", "-")
    assert r.exit_code == 2 and "%WEATHER%" in r.stderr
    r = run("export", str(d), "--target", "feishu", "-o", "-", "--var", "WEATHER=下雨")
    assert r.exit_code == 0 and "今天下雨" in r.stdout


def test_mentions_where_the_target_has_them(pack_dirs):
    at = ["--at", "all", "--at", "13800001111", "--at-kinds", "rules"]
    doc, _ = export(pack_dirs["fruit-lead"], "wecom", *at)
    rules = next(r for r in doc["requests"] if r["message"] == "rules")["payload"]["text"]
    assert rules["mentioned_list"] == ["@all"] and rules["mentioned_mobile_list"] == ["13800001111"]
    topic = next(r for r in doc["requests"] if r["message"] == "topic.d1")["payload"]["text"]
    assert "mentioned_list" not in topic  # --at-kinds rules: only the announcement @s people

    doc, _ = export(pack_dirs["fruit-lead"], "dingtalk", *at)
    p = next(r for r in doc["requests"] if r["message"] == "rules")["payload"]
    assert p["at"] == {"atMobiles": ["13800001111"], "atUserIds": [], "isAtAll": True}
    assert p["text"]["content"].endswith("\n@13800001111")  # DingTalk pings only when @mobile is in the text

    doc, _ = export(pack_dirs["fruit-lead"], "feishu", "--at", "all", "--at", "ou_abc", "--at-kinds", "rules")
    text = next(r for r in doc["requests"] if r["message"] == "rules")["payload"]["content"]["text"]
    assert text.startswith('<at user_id="all">所有人</at> <at user_id="ou_abc"></at> ')

    doc, _ = export(pack_dirs["fruit-lead"], "wecom-markdown", "--at", "linjie", "--at-kinds", "rules")
    md = next(r for r in doc["requests"] if r["message"] == "rules")["payload"]["markdown"]["content"]
    assert md.endswith("\n<@linjie>")


@pytest.mark.parametrize("target,at", [("wecom-markdown", "all"), ("feishu", "13800001111"), ("wecom-welcome", "all")])
def test_mentions_a_target_lacks_are_rejected(pack_dirs, target, at):
    r = run("export", str(pack_dirs["fruit-lead"]), "--target", target, "--at", at, "-o", "-")
    assert r.exit_code == 2 and r.stderr.startswith("copygen: ") and "不支持" in r.stderr


def test_long_message_is_split_at_sentences_within_limits(tmp_path):
    sentence = "姐妹们，今天店里的智利车厘子到了一批新货，个头都在JJ级以上👍🏻。"
    text = "\n".join(sentence * 6 for _ in range(8))  # ≈ 4.6 KB
    d = tmp_path / "p"
    d.mkdir()
    (d / "messages.jsonl").write_text(json.dumps({
        "id": "long", "kind": "topic", "target": "group", "day": 1, "date": "2026-12-03", "time": "20:00",
        "text": text, "variables": []}, ensure_ascii=False) + "\n", encoding="utf-8")
    doc = json.loads(run("export", str(d), "--target", "wecom", "-o", "-").stdout)
    parts = [r["payload"]["text"]["content"] for r in doc["requests"]]
    assert len(parts) == 3 and [r["part"] for r in doc["requests"]] == [1, 2, 3]
    assert all(len(p.encode("utf-8")) <= 2048 for p in parts)
    assert all(p.endswith("。") for p in parts)  # cut after a sentence, never mid-sentence
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")


def test_export_never_overwrites_without_force(pack_dirs, tmp_path):
    out = tmp_path / "wecom.json"
    out.write_text("mine", encoding="utf-8")
    r = run("export", str(pack_dirs["fruit-lead"]), "--target", "wecom", "-o", str(out))
    assert r.exit_code == 2 and out.read_text(encoding="utf-8") == "mine"
    r = run("export", str(pack_dirs["fruit-lead"]), "--target", "wecom", "-o", str(out), "--force")
    assert r.exit_code == 0 and json.loads(out.read_text(encoding="utf-8"))["target"] == "wecom"


def test_bad_pack_dir_is_one_line(tmp_path):
    r = run("export", str(tmp_path / "nope"), "--target", "wecom", "-o", "-")
    assert r.exit_code == 2 and r.stderr.startswith("copygen: ") and "copygen pack" in r.stderr


def test_groupmsg_needs_a_sender(pack_dirs):
    r = run("export", str(pack_dirs["fruit-lead"]), "--target", "wecom-groupmsg", "--var", "NICKNAME=朋友", "-o", "-")
    assert r.exit_code == 2 and "--sender" in r.stderr
