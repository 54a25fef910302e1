"""Fuzzing drafts: whatever people paste — zero-width, full-width, Traditional, emoji sequences,
control characters, any Unicode — the checker never crashes and every span lies inside the draft.

Quick under the default `ci` profile; `HYPOTHESIS_PROFILE=long` explores thousands of drafts.
"""

from __future__ import annotations

import bisect
import json

from hypothesis import given
from hypothesis import strategies as st

from copygen.config import build_checker
from copygen.exporters import stream_for
from copygen.fixer import fix_text

from .helpers import run

ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e", "\u2066", "\u180e", "\ufe0f",
              "\u034f", "\u3164", "\u2800"]
EMOJI = ["🍒", "👍🏽", "👍🏿", "👩‍👩‍👧‍👦", "👨🏿‍🦱", "🏳️‍🌈", "🇨🇳", "🇹🇼", "❤️", "🉐", "🈶", "1️⃣", "#️⃣", "🔥", "🧑‍🍳",
         "👁️‍🗨️", "🫶🏻", "💯", "🆓", "🈚"]
TRADITIONAL = ["國家級", "最優惠", "轉發", "朋友圈", "領取", "免費", "進群", "點讚", "第壹", "療效", "機率", "頭部社群",
               "拉3位好友進群就送", "全網最低價", "尊敬的會員"]
TRIGGERS = ["全网最低价", "全 网 最 低", "全-网-最-低", "尊敬的", "敬请关注", "拉3位好友进群就送", "集赞", "100%",
            "第一", "转发到朋友圈", "%NICKNAME%", "%REMAINING%", "！！！", "领取", "500g车厘子", "12月5日截止", "⑩倍",
            "❶号", "壹佰元", "根治", "我刚领了2盒草莓", "。", "，", "\n", "\n\n", "～", " ", "…"]
CONTROLS = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\r\n", "\r", "\t"]

pieces = st.one_of(
    st.sampled_from(ZERO_WIDTH),
    st.sampled_from(EMOJI),
    st.sampled_from(TRADITIONAL),
    st.sampled_from(TRIGGERS),
    st.sampled_from(CONTROLS),
    st.text(st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E), min_size=1, max_size=6),  # full-width
    st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=8),  # CJK
    st.text(st.characters(min_codepoint=0x2460, max_codepoint=0x24FF), min_size=1, max_size=3),  # ①⑴⒈ⓐ
    st.text(st.characters(min_codepoint=0x0300, max_codepoint=0x036F), min_size=1, max_size=3),  # combining
    st.text(st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), min_size=1, max_size=3),  # emoji
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),  # any Unicode but lone surrogates
)
drafts = st.lists(pieces, max_size=40).map("".join)
KINDS = ["lure", "welcome", "rules", "topic", "lure.poster", "welcome.group", "closing", "wakeup.d3", "recall.deep"]


def assert_report_is_sound(report, raw: str) -> None:
    newlines = [i for i, c in enumerate(raw) if c == "\n"]
    for f in report.findings:
        assert 0 <= f.start <= f.end <= len(raw), (f.rule, f.start, f.end, len(raw))
        if f.end > f.start:
            assert f.excerpt == raw[f.start:f.end], (f.rule, f.excerpt, raw[f.start:f.end])
        else:  # a draft-level finding points at a place and shows what follows it
            assert raw[f.start:].startswith(f.excerpt), (f.rule, f.excerpt)
        before = bisect.bisect_left(newlines, f.start)  # newlines before the start
        assert f.line == before + 1
        assert f.column == f.start - (newlines[before - 1] + 1 if before else 0) + 1
        assert f.message and "{" not in f.message.replace("{{", ""), (f.rule, f.message)
    for d in report.dimensions.values():
        assert 0 <= d.score <= 100
    row = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert row["id"] == report.id and len(row["findings"]) == len(report.findings)


@given(raw=drafts, kind=st.sampled_from(KINDS), paragraphs=st.sampled_from(["auto", "always", "never"]))
def test_any_draft_is_judged_without_a_crash_and_spans_stay_inside(full_checker, raw, kind, paragraphs):
    report = full_checker.check(raw, kind, "fuzz", paragraphs)
    assert_report_is_sound(report, raw)
    for fmt in ("text", "json", "jsonl", "github", "sarif"):
        out = stream_for(fmt, full_checker.rules)
        text = out.add(report) + out.end()
        if fmt in ("json", "sarif"):
            json.loads(text)


@given(raw=drafts, kind=st.sampled_from(KINDS))
def test_safe_fixes_never_crash_and_keep_everything_but_typography(full_checker, raw, kind):
    fixed, n = fix_text(raw, kind, full_checker)
    assert isinstance(fixed, str) and n >= 0
    if n == 0:
        assert fixed == raw
    assert_report_is_sound(full_checker.check(fixed, kind), fixed)


@given(data=st.binary(max_size=300) | drafts.map(lambda s: s.encode("utf-8")) | drafts.map(
    lambda s: s.encode("gb18030", "ignore")))
def test_any_bytes_on_stdin_are_judged_or_refused_in_one_line(data):
    r = run("check", "-", "--format", "jsonl", "--jobs", "1", input=data)
    assert r.exit_code in (0, 1, 2), r.output
    if r.exit_code == 2:
        lines = r.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("copygen: "), r.stderr
    else:
        assert json.loads(r.stdout)["id"] == "-"


def test_a_10_mb_draft(full_checker):
    """One 10 MB draft: lure copy with every oddity above (ZWJ families, skin tones, full-width digits,
    Traditional, spaced-out words, a bell, CRLF, blank lines) between floods of invisible characters
    (zero-width space/joiner, variation selectors, word joiners): judged by every rule, nothing
    quadratic, every span inside the draft."""
    para = ("姐妹们👩‍👩‍👧‍👦，我刚在群里领了500g智利车厘子🍒，拉３位好友進群就送\u200b，全 网 最 低 价！！！"
            "國家級品質👍🏽，第❶名，⑩倍好吃，转发到朋友圈集赞。\r\n%NICKNAME%欢迎～\x07\n\n")
    block = para + "\u200b\u200d\ufe0f\u2060" * 250
    raw = block * (10_000_000 // len(block.encode("utf-8")) + 1)
    assert len(raw.encode("utf-8")) >= 10_000_000
    report = full_checker.check(raw, "lure", "big")
    assert_report_is_sound(report, raw)
    rules = {f.rule for f in report.findings}
    assert len(report.findings) > 1000 and len(rules) > 5, rules


spans_st = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 12)).map(lambda t: (t[0], t[0] + t[1])), max_size=30)


@given(spans=spans_st, probe=st.tuples(st.integers(0, 70), st.integers(0, 12)).map(lambda t: (t[0], t[0] + t[1])))
def test_span_lookups_for_long_drafts_agree_with_the_plain_scan(spans, probe):
    """The indexed look-ups that keep a 10 MB draft linear give exactly the plain scans' answers."""
    from copygen.matching import SpanSet, dedupe, overlaps, spans_inside

    s = SpanSet(spans)
    assert s.overlaps(probe) == overlaps(probe, spans)
    assert s.any_within(*probe) == any(a >= probe[0] and b <= probe[1] for a, b in spans)
    cuts = sorted({0, 70, *(a for a, _ in spans[:5])})
    scopes = list(zip(cuts, cuts[1:]))  # adjacent, like sentences
    clean = dedupe(spans)
    assert spans_inside(clean, scopes) == [[(a, b) for a, b in clean if a >= lo and b <= hi] for lo, hi in scopes]


@given(raw=drafts, pos=st.integers(0, 400))
def test_sentence_lookup_agrees_with_the_plain_scan(full_checker, raw, pos):
    from copygen.matching import Doc

    doc = Doc(raw, full_checker.segmenter)
    plain = next(((s, e) for s, e in doc.sentences if s <= pos < e), doc.sentences[-1])
    assert doc.sentence_of(pos) == plain
