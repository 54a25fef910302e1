"""The campaign file: examples validate, bad files give a field-path list and exit 2."""

from __future__ import annotations

import json

import pytest
import yaml

from copygen.campaign import load_campaign, parse_campaign
from copygen.errors import InputError
from copygen.resources import starter_campaign

from .helpers import EXAMPLES, run


def test_there_are_three_examples_from_different_trades():
    industries = {load_campaign(p).brand.industry for p in EXAMPLES}
    assert len(EXAMPLES) >= 3 and {"fresh", "education", "beauty"} <= industries


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_validate(path):
    c = load_campaign(path)
    assert c.topics and c.group.services


def _fruit() -> dict:
    return yaml.safe_load((EXAMPLES[0].parent / "fruit-lead.yaml").read_text(encoding="utf-8"))


def test_unknown_key_is_reported_with_its_path():
    data = _fruit()
    data["group"]["groop"] = 1
    with pytest.raises(InputError) as exc:
        parse_campaign(data, "x.yaml")
    assert "group.groop" in str(exc.value)


def test_several_errors_are_listed_on_one_line_in_chinese():
    data = _fruit()
    data["lure"]["quantity"] = -5
    data["group"]["duration_days"] = 40
    del data["audience"]
    msg = str(pytest.raises(InputError, parse_campaign, data, "x.yaml").value)
    assert "\n" not in msg
    assert msg.startswith("x.yaml: audience: 缺少这一项")
    assert "另外 2 处" in msg
    assert "lure.quantity: 应大于 0（现在写的是「-5」）" in msg
    assert "group.duration_days: 应不大于 30（现在写的是「40」）" in msg


def test_first_error_carries_the_fields_own_help_with_an_example():
    data = _fruit()
    data["lure"]["unit"] = "非常非常长的单位名称"
    msg = str(pytest.raises(InputError, parse_campaign, data, "x.yaml").value)
    assert msg.startswith("x.yaml: lure.unit: 最多 8 个字")
    assert "如 g、斤、盒" in msg
    assert "Input should" not in msg and "String should" not in msg


@pytest.mark.parametrize("change, expected", [
    (lambda d: d["lure"].update(deadline="2026-12-09"), "在群解散之后"),
    (lambda d: d["lure"].update(deadline="2026-12-01"), "早于开群日期"),
    (lambda d: d["group"]["services"].append({"what": "x", "when": "y", "recurring": False}), "需要写 day"),
    (lambda d: d["lure"].update(mechanic={"kind": "flash", "quota": 20, "day": 9}), "超出了活动天数"),
    (lambda d: d["voice"].update(emoji="lots"), "voice.emoji"),
])
def test_cross_field_checks(change, expected):
    data = _fruit()
    change(data)
    msg = str(pytest.raises(InputError, parse_campaign, data, "x.yaml").value)
    assert expected in msg and "\n" not in msg


def test_lead_group_longer_than_a_week_is_refused():
    data = _fruit()
    data["group"]["duration_days"] = 10
    msg = str(pytest.raises(InputError, parse_campaign, data, "x.yaml").value)
    assert "引流群" in msg


def test_vote_topic_needs_options():
    data = _fruit()
    data["topics"] = [{"theme": "周末去哪", "form": "vote"}]
    assert "选项" in str(pytest.raises(InputError, parse_campaign, data, "x.yaml").value)


def test_cli_invalid_file_exits_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("brand: {name: x}\n", encoding="utf-8")
    r = run("pack", str(bad), "-o", str(tmp_path / "out"))
    assert r.exit_code == 2
    assert "Traceback" not in r.output and "brand.sells" in r.output
    assert not (tmp_path / "out").exists()


def test_cli_broken_yaml_and_missing_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("brand: [unclosed\n", encoding="utf-8")
    r = run("pack", str(bad))
    assert r.exit_code == 2 and "YAML" in r.output
    r = run("pack", str(tmp_path / "nope.yaml"))
    assert r.exit_code == 2 and "不存在" in r.output


def test_json_campaign_is_accepted(tmp_path):
    p = tmp_path / "c.json"
    p.write_text(json.dumps(_fruit(), default=str, ensure_ascii=False), encoding="utf-8")
    assert load_campaign(p).brand.name == "林家果园"


def test_schema_campaign_and_pack():
    r = run("schema", "campaign")
    schema = json.loads(r.output)
    assert r.exit_code == 0 and "brand" in schema["properties"] and schema["additionalProperties"] is False
    r = run("schema", "pack")
    assert r.exit_code == 0 and "pieces" in json.loads(r.output)["properties"]


def test_init_writes_a_valid_commented_starter_and_never_overwrites(tmp_path):
    target = tmp_path / "campaign.yaml"
    assert run("init", str(target)).exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert "# " in text and "引流群" in text
    parse_campaign(yaml.safe_load(text))
    target.write_text("我的活动", encoding="utf-8")
    r = run("init", str(target))
    assert r.exit_code == 2 and target.read_text(encoding="utf-8") == "我的活动"


def test_starter_is_the_shipped_one():
    assert starter_campaign().startswith("# copygen")
