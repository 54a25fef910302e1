"""`copygen check`: the exact CLI contract scripts depend on."""

from __future__ import annotations

import json

import pytest

from .helpers import run

PACK = """\
module: house_style
dimension: house
applies_to: [lure, welcome, rules, topic, other]
principle: 测试用的团队规则包
rules:
  - id: HS01
    name: no-competitor
    kind: existence
    severity: error
    message: 不要提「{match}」
    suggestion: 写我们自己的东西
    match: {terms: [隔壁家]}
    examples: {pass: [我们家的橙子, 隔壁小区], fail: [隔壁家的橙子, 比隔壁家甜]}
  - id: HS02
    name: casual-time
    kind: substitution
    severity: warning
    message: 「{match}」太正式
    suggestion: 换成「{swap}」
    swap: {届时: 到时候}
    examples: {pass: [到时候见, 到点见], fail: [届时见, 届时开抢]}
"""


@pytest.fixture()
def cfg(tmp_path):
    (tmp_path / "pack.yaml").write_text(PACK, encoding="utf-8")
    c = tmp_path / "copygen.yaml"
    c.write_text("rule_packs: [pack.yaml]\n", encoding="utf-8")
    return str(c)


def _draft(tmp_path, text, name="d.txt"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_jsonl_contract_offsets_and_exit_1_on_error(tmp_path, cfg):
    text = "第一行\n比隔壁家甜，届时见"
    r = run("check", _draft(tmp_path, text), "--format", "jsonl", "--config", cfg)
    assert r.exit_code == 1
    row = json.loads(r.output.strip().splitlines()[0])
    assert set(row) == {"id", "kind", "passed", "dimensions", "findings"}
    assert row["passed"] is False and row["dimensions"]["house"] == {"passed": False, "score": row["dimensions"]["house"]["score"]}
    f = {x["rule"]: x for x in row["findings"]}
    assert set(f["HS01"]) == {"rule", "dimension", "severity", "message", "start", "end", "line", "column",
                              "excerpt", "suggestion"}
    hs01 = f["HS01"]
    assert text[hs01["start"]:hs01["end"]] == "隔壁家" == hs01["excerpt"]
    assert (hs01["line"], hs01["column"]) == (2, 2)
    assert f["HS02"]["suggestion"] == "换成「到时候」"


def test_text_format_and_suggestion_line(tmp_path, cfg):
    r = run("check", _draft(tmp_path, "届时见"), "--config", cfg)
    assert r.exit_code == 0  # a warning is not an error
    line = next(ln for ln in r.output.splitlines() if " HS02 " in ln)
    assert line.endswith(":1:1 warning HS02 「届时」太正式")
    assert "建议：换成「到时候」" in r.output


def test_jsonl_input_and_stdin(tmp_path, cfg):
    lines = [{"id": "a", "kind": "lure", "text": "隔壁家的橙子"}, {"id": "b", "kind": "topic", "text": "到时候见"}]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    r = run("check", "--jsonl", str(src), "--format", "jsonl", "--config", cfg, "--nofail")
    assert r.exit_code == 0
    out = [json.loads(x) for x in r.output.splitlines()]
    assert [o["id"] for o in out] == ["a", "b"] and [o["kind"] for o in out] == ["lure", "topic"]
    r = run("check", "-", "--kind", "welcome", "--format", "json", "--config", cfg, input="届时见")
    assert json.loads(r.output)[0]["kind"] == "welcome"


def test_github_and_sarif(tmp_path, cfg):
    d = _draft(tmp_path, "比隔壁家甜")
    r = run("check", d, "--format", "github", "--config", cfg)
    assert any(ln.startswith(f"::error file={d},line=1,col=2,title=HS01::") for ln in r.output.splitlines())
    r = run("check", d, "--format", "sarif", "--config", cfg)
    sarif = json.loads(r.output)
    res = next(x for x in sarif["runs"][0]["results"] if x["ruleId"] == "HS01")
    assert sarif["version"] == "2.1.0" and res["ruleId"] == "HS01" and res["level"] == "error"
    assert res["locations"][0]["physicalLocation"]["region"]["startColumn"] == 2


@pytest.mark.parametrize("args, needle", [
    (["check"], "文件"),
    (["check", "missing.txt"], "不存在"),
    (["check", "--kind", "poem", "x"], "poem"),
    (["check", "--format", "xml", "x"], "xml"),
])
def test_usage_errors_exit_2(args, needle):
    r = run(*args)
    assert r.exit_code == 2 and needle in r.output


def test_bad_jsonl_line_and_bad_rule_pack_exit_2(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "text": "好"}\nnot json\n', encoding="utf-8")
    r = run("check", "--jsonl", str(src))
    assert r.exit_code == 2 and f"{src}:2" in r.output
    (tmp_path / "bad.yaml").write_text("module: x\ndimension: y\napplies_to: [lure]\nprinciple: 测试\nrules:\n"
                                       "  - {id: XX01, name: bad, kind: existence, message: 坏规则, match: {regex: ['\\\\b最']}}\n",
                                       encoding="utf-8")
    (tmp_path / "copygen.yaml").write_text("rule_packs: [bad.yaml]\n", encoding="utf-8")
    r = run("check", "-", "--config", str(tmp_path / "copygen.yaml"), input="最好")
    assert r.exit_code == 2 and "\\b" in r.output


def test_config_disable_and_severity(tmp_path, cfg):
    c = tmp_path / "copygen.yaml"
    c.write_text("rule_packs: [pack.yaml]\ndisable: [HS01]\nseverity: {HS02: error}\n", encoding="utf-8")
    r = run("check", _draft(tmp_path, "比隔壁家甜，届时见"), "--format", "jsonl", "--config", str(c))
    row = json.loads(r.output)
    assert [f["rule"] for f in row["findings"] if f["dimension"] == "house"] == ["HS02"]
    assert r.exit_code == 1


def test_banned_words_lexicon_from_config_is_evasion_proof(tmp_path):
    c = tmp_path / "copygen.yaml"
    c.write_text("lexicons:\n  banned_words: [某某果业]\n", encoding="utf-8")
    text = "比某 某-果 业便宜"
    r = run("check", "-", "--format", "jsonl", "--config", str(c), input=text)
    row = json.loads(r.output)
    hit = next(f for f in row["findings"] if f["rule"] == "LX01")
    assert text[hit["start"]:hit["end"]] == "某 某-果 业" and r.exit_code == 1


def test_rules_and_explain(cfg):
    r = run("rules", "--config", cfg)
    assert r.exit_code == 0 and "HS01" in r.output
    r = run("explain", "HS02", "--config", cfg)
    assert r.exit_code == 0 and "✗ 届时见" in r.output and "✓ 到时候见" in r.output
    assert run("explain", "NOPE99").exit_code == 2


def test_kind_guessed_from_file_name(tmp_path, cfg):
    r = run("check", _draft(tmp_path, "欢迎", name="welcome-store.txt"), "--format", "jsonl", "--config", cfg)
    assert json.loads(r.output)["kind"] == "welcome"
