"""Long multi-paragraph texts: density rules read each paragraph, as a reader does; spans stay in
the text as written; ``--paragraphs`` chooses."""

from __future__ import annotations

import json

from copygen.checker import check
from copygen.errors import Exit

from .helpers import run

CHATTY = [
    "姐妹们，这周群里在送草莓，我昨天刚领了两盒，挺甜的，个头也大，娃一口气吃了半盒～想要的进群看看吧，周日截止哦。",
    "群里每天早上9点发当天特价，中午还有挑果小知识，我每天都会看一眼，有时候能捡到很便宜的橙子，真的挺划算的。",
    "有问题直接@我就行，我一般晚上8点以后都在，看到就回～大家有什么想吃的水果也可以在群里说说，我去跟店主提。",
    "上次有个邻居说橘子有点酸，店主第二天就给她换了一袋，我觉得挺靠谱的，所以才拉大家进来。",
    "周末我打算带娃去店里挑柚子，有一起的姐妹吗？可以顺路拼个单，运费能省一点。",
]
OFFICIAL = "为推动社群高质量发展，我们将进一步完善会员服务体系，强化用户运营管理，全面提升服务质量和水平。"
LONG = "\n\n".join([CHATTY[0], OFFICIAL, *CHATTY[1:]])


def _ot03(report):
    return [f for f in report.findings if f.rule == "OT03"]


def test_one_official_paragraph_in_a_long_text_is_still_official():
    whole = check(LONG, "welcome", paragraphs="never")
    assert not _ot03(whole) and whole.dimensions["official_tone"].passed  # diluted by the chatty rest
    auto = check(LONG, "welcome")
    hits = _ot03(auto)
    assert len(hits) == 1 and not auto.dimensions["official_tone"].passed
    assert hits[0].line == 3 and hits[0].start == LONG.index(OFFICIAL) and LONG[hits[0].start:].startswith(hits[0].excerpt)


def test_chatty_paragraphs_pass_on_their_own():
    text = "\n\n".join(CHATTY)
    assert check(text, "welcome").dimensions["official_tone"].passed


def test_short_texts_stay_whole_unless_asked():
    two = "\n\n".join(["".join(CHATTY), OFFICIAL])
    assert not _ot03(check(two, "welcome"))  # 2 paragraphs: not a long text
    assert _ot03(check(two, "welcome", paragraphs="always"))


def test_paragraphs_are_blank_line_blocks_with_raw_offsets():
    from copygen.matching import Doc
    from copygen.tokenize import Segmenter

    raw = "\u200b第一段\n还是第一段\n\n  \n第二段\n\n\n第三段  \n"
    doc = Doc(raw, Segmenter())
    got = [raw[slice(*doc.text.to_raw(a, b))] for a, b in doc.paragraphs]
    assert got == ["第一段\n还是第一段", "第二段", "第三段"] and doc.per_paragraph


def test_cli_option(tmp_path):
    p = tmp_path / "long.txt"
    p.write_text(LONG, encoding="utf-8")
    rows = {m: json.loads(run("check", str(p), "--kind", "welcome", "--format", "jsonl", "--paragraphs", m).output)
            for m in ("auto", "never")}
    assert any(f["rule"] == "OT03" and f["line"] == 3 for f in rows["auto"]["findings"])
    assert not any(f["rule"] == "OT03" for f in rows["never"]["findings"])
    assert run("check", str(p), "--paragraphs", "sometimes").exit_code == Exit.USAGE
