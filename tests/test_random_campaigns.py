"""Hypothesis: any valid campaign packs without a crash, a missing kind or a template leak."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copygen.campaign import Campaign
from copygen.pack import build_pack
from copygen.render import default_catalogue, find_leak

words = st.sampled_from([
    "林家果园", "小区", "车厘子", "考研英语", "面膜", "早餐", "健身打卡", "宝妈", "上班族", "真题",
    "草莓", "护肤", "读书", "咖啡", "周末", "亲子游戏", "阿杰", "手冲", "八段锦", "吐司",
])
phrase = st.lists(words, min_size=1, max_size=3).map("".join)
optional = st.one_of(st.just(""), phrase)

from .helpers import expected_kinds


@st.composite
def campaigns(draw) -> Campaign:
    mechanic = draw(st.one_of(
        st.builds(dict, kind=st.just("invite"), friends=st.integers(1, 10)),
        st.builds(dict, kind=st.just("group_goal"), members=st.integers(10, 500)),
        st.builds(dict, kind=st.just("threshold"), condition=phrase),
    ))
    start = draw(st.one_of(st.none(), st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31))))
    gtype = draw(st.sampled_from(["lead", "fan", "flash"]))
    topics = draw(st.lists(st.builds(dict, theme=phrase, options=st.one_of(
        st.just([]), st.lists(words, min_size=2, max_size=4, unique=True))), min_size=1, max_size=4))
    channels = draw(st.lists(st.builds(dict, id=st.sampled_from(["store", "flyer", "moments", "ad-1", "x"]),
                                       name=phrase, kind=st.sampled_from(["qrcode", "poster", "moments", "private"]),
                                       audience=optional), min_size=1, max_size=3, unique_by=lambda c: c["id"]))
    data = {
        "brand": {"name": draw(phrase), "sells": draw(phrase),
                  "industry": draw(st.sampled_from(["fresh", "education", "beauty", "baby", "food", "fitness",
                                                    "retail", "other"])), "area": draw(optional)},
        "audience": {"who": draw(phrase), "needs": draw(st.lists(phrase, min_size=1, max_size=3))},
        "group": {"type": gtype, "name": draw(phrase), "first_number": draw(st.integers(1, 99)),
                  "duration_days": draw(st.integers(1, 7)), "start_date": start,
                  "services": draw(st.lists(st.builds(dict, what=phrase, when=phrase), min_size=1, max_size=3))},
        "lure": {"item": draw(phrase), "quantity": draw(st.sampled_from([1, 2, 0.5, 500, 36])),
                 "unit": draw(st.sampled_from(["g", "斤", "盒", "片", "份", "讲"])),
                 "value_yuan": draw(st.one_of(st.none(), st.integers(1, 999))), "relation": draw(phrase),
                 "mechanic": mechanic, "claimed": draw(st.one_of(st.none(), st.integers(0, 5000))),
                 "proof": draw(st.lists(phrase, max_size=3))},
        "topics": topics,
        "channels": channels,
        "segments": {s: {"offer": draw(optional)} for s in ("active", "lurker", "dealhunter", "lapsed_30", "lapsed_60")},
        "voice": {"persona": draw(words), "name": draw(words), "address": draw(st.sampled_from(["姐妹们", "同学们", "大家"])),
                  "emoji": draw(st.booleans())},
        "closing": {"next_step": draw(phrase)},
    }
    return Campaign.model_validate(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(campaigns(), st.integers(0, 10_000))
def test_random_campaign_packs_cleanly(c, seed):
    cat = default_catalogue()
    doc = build_pack(c, cat, checker=None, seed=seed)
    assert {p.kind for p in doc.pieces} == expected_kinds(c)
    for p in doc.pieces:
        assert p.text and find_leak(p.text) is None, (p.id, p.text)
        assert "，，" not in p.text and "。。" not in p.text and "、、" not in p.text, (p.id, p.text)
    again = build_pack(c, cat, checker=None, seed=seed)
    assert again.model_dump() == doc.model_dump()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(campaigns())
def test_random_campaign_is_judged_end_to_end(c):
    from copygen.config import build_checker

    doc = build_pack(c, default_catalogue(), checker=build_checker())
    assert all(p.check is not None and p.check.dimensions for p in doc.pieces)
    for p in doc.pieces:  # every finding's span lies inside its piece
        for f in p.check.findings:
            assert 0 <= f.start <= f.end <= len(p.text)
    texts = {p.id: p.text for p in doc.pieces}  # the pack rules ran too, and point inside their piece
    for f in doc.summary["pack_check"]["findings"]:
        if f["piece"] is None:
            assert f["start"] == f["end"] == 0
        else:
            t = texts[f["piece"]]
            assert 0 <= f["start"] <= f["end"] <= len(t)
            assert t[f["start"]:f["end"]] == f["excerpt"] or f["start"] == f["end"]
