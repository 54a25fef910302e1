"""The rule engine: kinds are one module each, lexicons one file each, every checker owns its
tokenizer, the verdict formula is pinned, exit codes live in one place."""

from __future__ import annotations

import json
import textwrap

import click
import jieba
import pytest

from copygen import kinds
from copygen import lexicons as lx
from copygen import rulespec as rs
from copygen.checker import check
from copygen.config import Config, Lexicons, build_checker, load_config
from copygen.engine import Checker, dimension_verdict, shipped_lexicons
from copygen.errors import Exit, InputError
from copygen.kinds import metric, occurrence
from copygen.resources import rules_dir

from .conftest import all_modules
from .helpers import run

# ------------------------------------------------------------ the verdict --


@pytest.mark.parametrize("scores, n_bad, passed, score", [
    ([], 0, True, 100),          # no grading rule, no finding
    ([80.4], 0, True, 80),       # passing: the lowest rule score, rounded
    ([80.5, 65.0], 0, True, 65),
    ([30.0], 0, True, 50),       # passing never scores under 50
    ([], 1, False, 49),          # one finding: capped at 49
    ([100.0], 2, False, 39),     # each further finding costs 10
    ([25.9], 1, False, 25),      # failing: the lowest rule score, truncated
    ([25.0], 4, False, 0),       # never below 0
])
def test_dimension_verdict_formula(scores, n_bad, passed, score):
    d = dimension_verdict(scores, n_bad)
    assert (d.passed, d.score) == (passed, score)


def _metric(**kw) -> metric.Spec:
    base = {"id": "MT01", "name": "m", "kind": "metric", "message": "测试", "threshold": 2.0, "scale": 2.0,
            "features": [{"name": "f", "weight": 1, "match": {"terms": ["好"]}}]}
    return metric.Spec.model_validate({**base, **kw})


@pytest.mark.parametrize("fail_when, value, failing, score", [
    ("below", 2.0, False, 50.0),   # at the threshold: passes with 50
    ("below", 3.0, False, 75.0),   # 50 + (3-2)*50/2
    ("below", 9.0, False, 100.0),  # clamped
    ("below", 1.0, True, 25.0),
    ("below", 1.99, True, 49.0),   # just under: 49.75, capped at 49
    ("above", 2.0, True, 49.0),    # at the threshold fails when "above"
    ("above", 1.0, False, 75.0),
    ("above", 4.0, True, 0.0),
])
def test_metric_score_formula(fail_when, value, failing, score):
    got_failing, got_score = metric.verdict(_metric(fail_when=fail_when), value)
    assert got_failing is failing and got_score == pytest.approx(score)


@pytest.mark.parametrize("base, per_hit, count, score", [
    (50, 15, 0, 0.0), (50, 15, 1, 65.0), (50, 15, 3, 95.0), (50, 15, 4, 100.0), (40, 20, 2, 80.0)])
def test_occurrence_score_formula(base, per_hit, count, score):
    assert occurrence.score(occurrence.ScoreSpec(base=base, per_hit=per_hit), count) == score


def test_readme_drafts_keep_their_scores():
    """The figures the README shows: any change to a formula or a rule's weight shows up here."""
    bad = check("尊敬的会员：本店即日起开展入群有礼活动，全 网 最 低 价，凡入群者均可获赠精美礼品，敬请关注！！", "lure")
    assert {k: (v.passed, v.score) for k, v in bad.dimensions.items()} == {
        "ad_law": (False, 49), "concrete_benefits": (False, 0), "credibility": (False, 0), "format": (False, 49),
        "language": (True, 100), "official_tone": (False, 19), "platform_risk": (True, 100), "user_voice": (False, 0)}
    good = check("姐妹们，我刚在群里领了2盒草莓，顺丰冷链，周日截止，拉3个朋友进群就送～", "lure")
    assert {k: (v.passed, v.score) for k, v in good.dimensions.items()} == {
        "ad_law": (True, 100), "concrete_benefits": (True, 65), "credibility": (True, 100), "format": (True, 100),
        "language": (True, 100), "official_tone": (True, 100), "platform_risk": (True, 100), "user_voice": (True, 100)}


# ------------------------------------------------------------ exit codes --

def test_exit_codes_are_named_once():
    assert [int(e) for e in Exit] == [0, 1, 2]
    assert InputError.exit_code is Exit.USAGE and click.UsageError.exit_code == Exit.USAGE
    assert run("check", "-", input="姐妹们，我刚领了2盒草莓～").exit_code == Exit.CLEAN
    assert run("check", "-", input="全网最低价，进群就抢").exit_code == Exit.FINDINGS
    assert run("check", "nope.txt").exit_code == Exit.USAGE


# ------------------------------------------------------------ the tokenizer --

def test_two_checkers_with_different_brand_words_do_not_share_a_dictionary(tmp_path):
    jieba.dt.tmp_dir = str(tmp_path)  # jieba's own tokenizer, initialised first, its cache kept out of /tmp
    jieba.dt.initialize()
    a = build_checker(Config(lexicons=Lexicons(brand_words=("林家果园",))))
    b = build_checker(Config(lexicons=Lexicons(brand_words=("桃李果业",))))
    plain = build_checker(Config())
    words = lambda ck, text: [t.word for t in ck.segmenter.tokenize(text)]  # noqa: E731
    text = "林家果园和桃李果业"
    assert "林家果园" in words(a, text) and "桃李果业" not in words(a, text)
    assert "桃李果业" in words(b, text) and "林家果园" not in words(b, text)
    assert "林家果园" not in words(plain, text) and "桃李果业" not in words(plain, text)
    # the process-wide jieba dictionary never sees a config's words
    assert jieba.dt.FREQ and jieba.dt.FREQ.get("林家果园") is None and jieba.dt.FREQ.get("桃李果业") is None
    assert "林家果园" not in jieba.lcut(text) and "桃李果业" not in jieba.lcut(text)


def test_brand_words_change_token_rules_only_in_their_own_checker(tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "m.yaml").write_text(textwrap.dedent("""\
        module: brand_tokens
        dimension: house
        applies_to: [lure]
        principle: 测试：整词才算
        rules:
          - id: BT01
            name: brand-token
            kind: existence
            message: 提到了「{match}」
            match: {tokens: [林家果园]}
        """), encoding="utf-8")
    (tmp_path / "a.yaml").write_text("rule_packs: [pack]\nlexicons: {brand_words: [林家果园]}\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("rule_packs: [pack]\n", encoding="utf-8")
    with_word = build_checker(load_config(tmp_path / "a.yaml")).check("我在林家果园买的", "lure")
    without = build_checker(load_config(tmp_path / "b.yaml")).check("我在林家果园买的", "lure")
    assert [f.excerpt for f in with_word.findings if f.rule == "BT01"] == ["林家果园"]
    assert not [f for f in without.findings if f.rule == "BT01"]


# ------------------------------------------------------------ rule kinds --

NEW_KIND = '''
"""``repeat``: one character typed ``at_least`` times in a row (好好好好好)."""
import re
from dataclasses import dataclass
from typing import Literal

from copygen.matching import Hit
from copygen.rulespec import RuleSpec


class Spec(RuleSpec):
    kind: Literal["repeat"]
    at_least: int = 4


@dataclass
class Compiled:
    pattern: re.Pattern


def compile(spec, ctx):
    return Compiled(re.compile(r"(.)\\1{%d,}" % (spec.at_least - 1)))


def run(c, doc):
    return [Hit(*m.span()) for m in c.pattern.finditer(doc.norm)], None
'''

NEW_KIND_MODULE = """\
module: repeats
dimension: format
applies_to: [lure]
principle: 测试用：一个字连打很多遍像刷屏
rules:
  - id: RP01
    name: repeated-char
    kind: repeat
    at_least: 4
    message: 「{match}」连打了太多遍
    examples:
      fail: [好好好好好吃, 冲冲冲冲]
      pass: [好好吃, 冲冲冲]
"""


@pytest.fixture()
def repeat_kind(tmp_path):
    path = tmp_path / "repeat.py"
    path.write_text(NEW_KIND, encoding="utf-8")
    k = kinds.load_file(path)
    yield k
    kinds.unregister(k.name)


def test_a_new_kind_is_one_file_plus_its_examples(repeat_kind, tmp_path):
    assert repeat_kind.name == "repeat" and "repeat" in kinds.names()
    mod_path = tmp_path / "repeats.yaml"
    mod_path.write_text(NEW_KIND_MODULE, encoding="utf-8")
    module = rs.load_module(mod_path)
    ck = Checker([(module, mod_path)])
    rule = module.rules[0]
    for text in rule.examples.fail:
        hits = [f for f in ck.check(text, "lure").findings if f.rule == "RP01"]
        assert hits and text[hits[0].start:hits[0].end] == hits[0].excerpt
    for text in rule.examples.pass_:
        assert not [f for f in ck.check(text, "lure").findings if f.rule == "RP01"]


def test_shipped_kinds_are_found_by_the_registry():
    assert {"existence", "substitution", "occurrence", "metric", "sequence", "length"} <= set(kinds.names())
    used = {r.kind for m, _ in all_modules() for r in m.rules}
    assert used <= set(kinds.names())


def test_unknown_kind_is_one_line_exit_2(tmp_path):
    (tmp_path / "bad.yaml").write_text(NEW_KIND_MODULE, encoding="utf-8")  # `repeat` is not registered here
    (tmp_path / "copygen.yaml").write_text("rule_packs: [bad.yaml]\n", encoding="utf-8")
    r = run("check", "-", "--config", str(tmp_path / "copygen.yaml"), input="好")
    assert r.exit_code == Exit.USAGE and "未知的规则类型 'repeat'" in r.output and "existence" in r.output
    assert len(r.output.strip().splitlines()) == 1 and r.output.startswith("copygen: ")


def test_a_bad_field_names_the_rule(tmp_path):
    (tmp_path / "bad.yaml").write_text(NEW_KIND_MODULE.replace("kind: repeat\n    at_least: 4\n", "kind: occurrence\n"),
                                       encoding="utf-8")
    with pytest.raises(InputError) as err:
        rs.load_module(tmp_path / "bad.yaml")
    assert "RP01" in str(err.value) and "match" in str(err.value)


# ------------------------------------------------------------ lexicons --

def test_a_new_lexicon_is_one_file_in_a_pack(tmp_path):
    pack = tmp_path / "pack"
    (pack / "lexicons").mkdir(parents=True)
    (pack / "lexicons" / "rivals.txt").write_text("# 竞品\n隔壁果业\n桃李果业\n\n", encoding="utf-8")
    (pack / "m.yaml").write_text(textwrap.dedent("""\
        module: rivals
        dimension: house
        applies_to: [lure]
        principle: 测试：不提竞品
        rules:
          - id: RV01
            name: rival-term
            kind: existence
            message: 提到了竞品「{match}」
            match: {terms: ['@rivals'], view: squeezed}
          - id: RV02
            name: rival-cheaper
            kind: existence
            message: 拿竞品比价「{match}」
            match: {regex: ['比{lex:rivals}便宜']}
        """), encoding="utf-8")
    (tmp_path / "copygen.yaml").write_text("rule_packs: [pack]\n", encoding="utf-8")
    ck = build_checker(load_config(tmp_path / "copygen.yaml"))
    text = "桃 李 果 业的不行，我们比隔壁果业便宜"
    got = {(f.rule, f.excerpt) for f in ck.check(text, "lure").findings if f.rule.startswith("RV")}
    assert got == {("RV01", "桃 李 果 业"), ("RV01", "隔壁果业"), ("RV02", "比隔壁果业便宜")}


def test_a_pack_lexicon_may_not_redefine_a_shipped_one(tmp_path):
    pack = tmp_path / "pack"
    (pack / "lexicons").mkdir(parents=True)
    (pack / "lexicons" / "diseases.txt").write_text("感冒\n", encoding="utf-8")
    (pack / "m.yaml").write_text(NEW_KIND_MODULE.replace("kind: repeat\n    at_least: 4\n",
                                                         "kind: existence\n    match: {terms: [好]}\n"), encoding="utf-8")
    (tmp_path / "copygen.yaml").write_text("rule_packs: [pack]\n", encoding="utf-8")
    r = run("check", "-", "--config", str(tmp_path / "copygen.yaml"), input="好")
    assert r.exit_code == Exit.USAGE and "diseases" in r.output


@pytest.mark.parametrize("pattern, expanded", [
    ("{lex:colors}", "(?:橙红|红|黄)"),                 # longest first
    ("[{lex:digits}两]+", "[123两]+"),                  # inside a class: the characters
    ("{lex:digits}", "[123]"),                          # all single characters: a class
    ("[^{lex:digits}]", "[^123]"),
    (r"\[{lex:digits}\]", r"\[[123]\]"),                # escaped brackets are not a class
    ("[]{lex:digits}]", "[]123]"),                      # a leading ] is a class member
    ("a{2}{lex:colors}", "a{2}(?:橙红|红|黄)"),
])
def test_regex_lexicon_references(pattern, expanded):
    lex = {"colors": ["红", "橙红", "黄"], "digits": ["1", "2", "3"]}
    assert lx.expand_regex(pattern, lex, "t") == expanded


def test_lexicon_errors_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="nope"):
        lx.expand_regex("{lex:nope}", {}, "t")
    with pytest.raises(InputError, match="多字"):
        lx.expand_regex("[{lex:colors}]", {"colors": ["橙红"]}, "t")
    (tmp_path / "a.txt").write_text("@b\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("@a\n", encoding="utf-8")
    with pytest.raises(InputError, match="成环"):
        lx.load_dir(tmp_path)


def test_lexicon_includes_and_comments(tmp_path):
    (tmp_path / "small.txt").write_text("# 注释\n一\n二\n", encoding="utf-8")
    (tmp_path / "big.txt").write_text("@small\n两\n一\n", encoding="utf-8")
    assert lx.load_dir(tmp_path) == {"big": ["一", "二", "两"], "small": ["一", "二"]}


def test_every_shipped_lexicon_is_used_by_a_rule():
    text = "\n".join(p.read_text(encoding="utf-8") for p in rs.module_files(rules_dir()))
    text += "\n".join(p.read_text(encoding="utf-8") for p in (rules_dir() / "lexicons").glob("*.txt"))
    unused = [n for n in shipped_lexicons() if f"{{lex:{n}}}" not in text and f"@{n}" not in text]
    assert not unused, f"lexicons no rule refers to: {unused}"


def test_rule_files_do_not_spell_out_shared_lexicons():
    """A shared lexicon's alternation is written once, in its file, not again in a rule."""
    lex = shipped_lexicons()
    for path in rs.module_files(rules_dir()):
        text = path.read_text(encoding="utf-8")
        for name, entries in lex.items():
            if len(entries) >= 4 and any(len(e) > 1 for e in entries):
                spelled = "|".join(entries[:4])
                assert spelled not in text, f"{path.name} spells out lexicon {name}: use {{lex:{name}}}"
