"""The normaliser: evasions are caught, spans point back into the raw draft,
false-positive traps pass, and typography still sees the text as written."""

from __future__ import annotations

import random

import pytest

from copygen.textnorm import Text, fold, normalise, squeeze


# ------------------------------------------------------------------ views --

@pytest.mark.parametrize("raw, norm", [
    ("國家級專家推薦", "国家级专家推荐"),  # traditional → simplified
    ("ＮＯ．１全网", "no．1全网"),  # full-width letters/digits fold, punctuation stays as written
    ("１００％纯棉", "100%纯棉"),
    ("第①名第❶名第⑴名第⒈名第⓵名第➊名", "第1名第1名第1名第1名第1名第1名"),  # styled digits → digits
    ("第⑩名第㉑名", "第10名第21名"),  # two-digit glyphs expand
    ("第㈠第㊀", "第一第一"),  # an ideograph in a circle stays an ideograph
    ("全\u200b网\u200d最\ufeff低\u00ad价", "全网最低价"),  # zero-width and format characters vanish
    ("全\ufe0f网", "全网"),  # variation selector
    ("⼀流", "一流"),  # Kangxi radical look-alike → unified ideograph
    ("ⓐⓑ", "ab"),
    ("姐妹们，今天进群送！", "姐妹们，今天进群送！"),  # Chinese punctuation untouched
])
def test_norm_view(raw, norm):
    assert Text(raw).norm == norm == normalise(raw)


@pytest.mark.parametrize("raw", ["全 网 最 低", "全-网-最-低", "全*网*最*低", "全\u200b网最低", "全全网最低",
                                 "全🔥网🔥最🔥低", "全.网.最.低", "全、网、最、低", "全　网　最　低", "全~网~最~低"])
def test_squeezed_view_reads_through_filler_and_repeats(raw):
    assert Text(raw).squeezed[0] == "全网最低"


def test_squeezed_keeps_digit_repeats_and_percent():
    assert Text("满 100 减 20，100% 纯棉").squeezed[0] == "满100减20100%纯棉"
    assert squeeze("某 某-果 业") == "某果业"


def test_fold_is_cached_and_single_characters_stay_single():
    assert fold("國") == "国" and fold("Ａ") == "a" and fold("\u200b") == ""
    for ch in "的一是不了人我在有他这中大来上个们到说和地也子时道出会三要于下得可你年生自国":
        assert fold(ch) == ch


# ---------------------------------------------------------------- offsets --

def test_identity_map_when_nothing_changes_length():
    t = Text("國家級，全网最低！")
    assert isinstance(t._map, range)
    assert t.to_raw(0, 3) == (0, 3)


def test_offsets_through_dropped_and_expanded_characters():
    raw = "a\u200bb⑩c"
    t = Text(raw)
    assert t.norm == "ab10c"
    assert t.to_raw(2, 4) == (3, 4) and raw[3:4] == "⑩"
    assert t.from_raw(3, 4) == (2, 4)
    assert t.from_raw(1, 2) == (1, 1)  # a span of only invisible characters produces nothing


def test_random_round_trip():
    rng = random.Random(7)
    alphabet = "全网最低价國家級,，！ \u200b\u200d⑩①ＡａB🔥\n"
    for _ in range(300):
        raw = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        t = Text(raw)
        assert len(t._map) == len(t.norm) + 1
        for i, ch in enumerate(t.norm):  # every normalised character comes from the raw one it maps to
            assert ch in fold(raw[t._map[i]])
        for a in range(len(t.norm)):
            for b in range(a + 1, len(t.norm) + 1):
                s, e = t.to_raw(a, b)
                assert 0 <= s < e <= len(raw)
                fa, fb = t.from_raw(s, e)
                assert fa <= a and fb >= b  # a whole raw glyph covers at least the normalised span
        for s in range(len(raw)):
            for e in range(s + 1, len(raw) + 1):
                if fold(raw[s]) and fold(raw[e - 1]):  # spans that start and end on a visible character
                    assert t.to_raw(*t.from_raw(s, e)) == (s, e)


def test_line_col_counts_raw_characters():
    t = Text("第一行\n全\u200b网最低")
    assert t.line_col(4) == (2, 1) and t.line_col(6) == (2, 3)


# ------------------------------------------------------- through the rules --

EVASIONS = [
    ("全网最低价，进群就抢", "全网最低价"),
    ("全 网 最 低 价，进群就抢", "全 网 最 低 价"),
    ("就是全-网-最-低！", "全-网-最-低"),
    ("全*网*最*低价", "全*网*最*低价"),
    ("全\u200b网最低价", "全\u200b网最低价"),
    ("全全网最低价", "全全网最低价"),
    ("國家級專家推薦", "國家級"),
    ("销量第❶的品牌", "销量第❶"),
    ("全网ＮＯ．１", "全网ＮＯ．１"),
    ("史-上-最-强优惠", "史-上-最-强"),
    ("降 血 压 效 果 好", "降 血 压"),
    ("保*过*班", "保*过"),
    ("稳.赚.不.赔", "稳.赚.不.赔"),
]


@pytest.mark.parametrize("text, span", EVASIONS)
def test_evasions_are_caught_and_point_at_the_raw_span(full_checker, text, span):
    report = full_checker.check(text, "lure")
    assert not report.dimensions["ad_law"].passed
    spans = [text[f.start:f.end] for f in report.findings if f.dimension == "ad_law"]
    assert span in spans, spans
    for f in report.findings:
        assert text[f.start:f.end] == f.excerpt or f.start == f.end


@pytest.mark.parametrize("text", [
    "转 发 朋 友 圈 领 红 包",
    "集*赞30个送面膜",
    "把海报转发到朋友圈，截图给我就送",
    "帮我砍一刀",
    "不转不是中国人",
])
def test_share_inducement_caught(full_checker, text):
    assert not full_checker.check(text, "lure").dimensions["platform_risk"].passed


# SAMR《广告绝对化用语执法指南》: context, not the character 最 or 第一, decides.
TRAPS = [
    "最近天气冷了，群里在送保温杯",
    "最近，第一次进群的朋友看这里",
    "今天是最后一天，12月5日晚8点截止",
    "我第一次抢到，有消息第一时间通知",
    "唯一的要求是不发广告",
    "每人最多可领3份",
    "100%纯棉，宝宝穿不扎",
    "到家最好先放冰箱冷藏2小时",
    "草莓的最佳食用时间是到货当天",
    "我家娃最爱吃车厘子",
    "第一，先看群公告；第二，改群昵称",
    "这是我们开的第一家店",
    "红包过期前记得领",
    "确保本周五前送达",
    "包裹到了转运中心",
    "统一流程：进群、改昵称、领券",
    "不必过于担心",
    "我们不追求全网最低，只求新鲜",
]


@pytest.mark.parametrize("text", TRAPS)
def test_false_positive_traps_pass(full_checker, text):
    report = full_checker.check(text, "lure")
    assert report.dimensions["ad_law"].passed, [f.excerpt for f in report.findings if f.dimension == "ad_law"]


@pytest.mark.parametrize("text", [
    "我在朋友圈看到的，就进群领了",
    "觉得有用可以转给需要的朋友",
    "拉3个朋友进群就送500g车厘子",
    "每天一个亲子小游戏，助力宝宝成长",
])
def test_share_mentions_without_inducement_pass(full_checker, text):
    report = full_checker.check(text, "lure")
    assert report.dimensions["platform_risk"].passed
    assert all(f.severity == "info" for f in report.findings if f.dimension == "platform_risk")


def test_typography_reads_the_raw_text(full_checker):
    text = "價格,便宜！！"  # traditional characters stay in the fix; norm would have said 价格
    report = full_checker.check(text, "lure")
    fixes = {(text[f.start:f.end], f.fix) for f in report.findings if f.dimension == "format"}
    assert fixes == {(",", "，"), ("！！", "！")}


def test_byte_limit_counts_utf8_bytes(full_checker):
    ok = "好" * 682  # 2046 bytes
    assert not [f for f in full_checker.check(ok, "topic").findings if f.rule == "FT05"]
    over = "好" * 683 + "🍒"  # 2053 bytes
    hit = [f for f in full_checker.check(over, "topic").findings if f.rule == "FT05"]
    assert len(hit) == 1 and hit[0].severity == "error" and hit[0].start == 682
    assert "2053" in hit[0].message and "2048" in hit[0].message
    welcome = "好" * 1100  # 3300 bytes: too long for a group welcome, fine for a private one
    assert [f.rule for f in full_checker.check(welcome, "welcome.group").findings if f.rule.startswith("FT0")] == ["FT06"]
    assert not [f for f in full_checker.check(welcome, "welcome.private").findings if f.rule.startswith("FT0")]
