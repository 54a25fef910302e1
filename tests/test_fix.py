"""`copygen check --fix`: only safe typography fixes, to stdout or in place with a backup."""

from __future__ import annotations

from copygen.config import Config, build_checker
from copygen.fixer import fix_text

from .helpers import run

MESSY = "姐妹们,今天进群送1斤丑橘!!!\n你知道嘛??明天上新...\n全网最低价，拉3个朋友进群就送"
FIXED = "姐妹们，今天进群送1斤丑橘！\n你知道嘛？明天上新……\n全网最低价，拉3个朋友进群就送"


def _draft(tmp_path, text, name="d.txt"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_fix_to_stdout_leaves_the_file_alone(tmp_path):
    p = _draft(tmp_path, MESSY + "\n")
    r = run("check", "--fix", str(p))
    assert r.exit_code == 0
    assert r.stdout == FIXED + "\n"
    assert p.read_text(encoding="utf-8") == MESSY + "\n"
    assert not (tmp_path / "d.txt.orig").exists()


def test_fix_only_touches_format_findings(tmp_path):
    """全网最低价 has a suggested rewrite (AL01 substitution), but ad-law rewrites need a person."""
    fixed, n = fix_text(MESSY, "lure", build_checker(Config()))
    assert fixed == FIXED and n == 4
    assert "全网最低价" in fixed and "低至" not in fixed


def test_fix_write_keeps_a_backup(tmp_path):
    p = _draft(tmp_path, MESSY + "\n")
    r = run("check", "--fix", "--write", str(p))
    assert r.exit_code == 0
    assert p.read_text(encoding="utf-8") == FIXED + "\n"  # trailing newline preserved
    assert (tmp_path / "d.txt.orig").read_text(encoding="utf-8") == MESSY + "\n"
    assert "修正 4 处" in r.output and "d.txt.orig" in r.output


def test_fix_write_refuses_to_overwrite_a_backup(tmp_path):
    p = _draft(tmp_path, MESSY)
    (tmp_path / "d.txt.orig").write_text("older backup", encoding="utf-8")
    r = run("check", "--fix", "--write", str(p))
    assert r.exit_code == 2 and "备份文件已存在" in r.output
    assert p.read_text(encoding="utf-8") == MESSY
    assert (tmp_path / "d.txt.orig").read_text(encoding="utf-8") == "older backup"


def test_fix_write_without_changes_writes_nothing(tmp_path):
    p = _draft(tmp_path, "姐妹们，今天进群送1斤丑橘！")
    r = run("check", "--fix", "--write", str(p))
    assert r.exit_code == 0 and "无需修改" in r.output
    assert not (tmp_path / "d.txt.orig").exists()


def test_write_needs_fix(tmp_path):
    r = run("check", "--write", str(_draft(tmp_path, MESSY)))
    assert r.exit_code == 2


def test_fixed_text_is_stable_and_clean():
    ck = build_checker(Config())
    fixed, _ = fix_text(MESSY, "lure", ck)
    again, n = fix_text(fixed, "lure", ck)
    assert again == fixed and n == 0
    assert not [f for f in ck.check(fixed, "lure").findings if f.fix is not None and f.dimension == "format"]


def test_raw_text_survives_the_fix():
    """The fix edits the raw draft: traditional characters, full-width letters and zero-width
    characters the normaliser folds away are all kept."""
    text = "價格,便宜\u200b！！ＡＢＣ"
    fixed, _ = fix_text(text, "lure", build_checker(Config()))
    assert fixed == "價格，便宜\u200b！ＡＢＣ"


def test_english_and_numbers_keep_halfwidth_punctuation():
    ck = build_checker(Config())
    for text in ["Stay hungry, stay foolish.", "满3,000减200，时间10:00", "官网 www.example.com 可查", "OMG!! 太甜了"]:
        assert fix_text(text, "lure", ck)[0] == text


def test_spacing_rules_are_opt_in(tmp_path):
    text = "在LeanCloud上花了5000元"
    assert fix_text(text, "lure", build_checker(Config()))[0] == text
    on = build_checker(Config(enable=("FT10", "FT11")))
    assert fix_text(text, "lure", on)[0] == "在 LeanCloud 上花了 5000 元"
    cfg = tmp_path / "copygen.yaml"
    cfg.write_text("enable: [FT10]\n", encoding="utf-8")
    r = run("check", "--fix", "--config", str(cfg), str(_draft(tmp_path, text)))
    assert r.stdout == "在 LeanCloud 上花了5000元\n"
