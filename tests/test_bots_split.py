"""Splitting copy into byte-budget parts: at the strongest break, never inside a character or emoji."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from copygen.bots.split import split_text, utf8_len

PIECES = ["车厘子", "姐妹们", "。", "！", "？", "，", "；", "\n", "\n\n", "👍🏻", "👨‍👩‍👧", "🇨🇳", "e\u0301", "JJ级", " ", "500g"]


def graphemes(text: str) -> list[str]:
    return regex.findall(r"\X", text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=200), st.integers(min_value=30, max_value=400))
def test_parts_fit_keep_every_grapheme_and_lose_nothing(pieces, limit):
    text = "".join(pieces).strip()
    if not text:
        return
    parts = split_text(text, limit)
    assert all(utf8_len(p) <= limit for p in parts)
    assert all(p and p == p.strip() for p in parts)
    # nothing lost or reordered apart from whitespace at the cuts
    squeeze = lambda s: regex.sub(r"\s+", "", s)  # noqa: E731
    assert squeeze("".join(parts)) == squeeze(text)
    # every grapheme cluster of every part is a whole cluster of the original
    whole = set(graphemes(text))
    for p in parts:
        assert set(graphemes(p)) <= whole


def test_prefers_paragraphs_then_sentences_then_clauses():
    para = "第一段第一句。第一段第二句。"
    text = para + "\n" + para
    assert split_text(text, utf8_len(para) + 3) == [para, para]
    assert split_text("一二三。四五六。七八九。", 24) == ["一二三。四五六。", "七八九。"]
    assert split_text("一二三，四五六，七八九", 24) == ["一二三，四五六，", "七八九"]


def test_a_text_within_the_budget_is_one_part():
    assert split_text("  车厘子到了。  ", 2048) == ["车厘子到了。"]


def test_first_part_can_pay_for_a_mention():
    text = "一二三。四五六。七八九。"
    parts = split_text(text, 24, first_measure=lambda t: utf8_len(t) + 10)
    assert parts == ["一二三。", "四五六。", "七八九。"]
    assert utf8_len(parts[0]) + 10 <= 24
