"""Traditional script is judged the same as Simplified, down to phrase-level differences
(頭髮 / 發貨 → 发, 裡 / 裏 → 里, 跟著 → 跟着 but 著名 stays, 優惠券 / 優惠劵 / 優惠卷 → 优惠券),
and spans still point into the draft as written."""

from __future__ import annotations

import pytest
from opencc import OpenCC

from copygen.checker import check
from copygen.textnorm import Text, normalise

from .conftest import all_modules


@pytest.mark.parametrize("config", ["s2t", "s2tw", "s2twp", "s2hk"])
def test_every_rule_example_in_traditional_script_is_judged_the_same(full_checker, config):
    cc = OpenCC(config)
    wrong, n = [], 0
    for module, _ in all_modules():
        for rule in module.rules:
            kind = rule.examples.kind or (rule.kinds or module.applies_to)[0]
            for text, should_fire in [(t, True) for t in rule.examples.fail] + [(t, False) for t in rule.examples.pass_]:
                trad = cc.convert(text)
                if len(trad) != len(text):  # a regional word swap (軟體), not a change of script
                    continue
                n += 1
                fired = [f for f in full_checker.check(trad, kind).findings if f.rule == rule.id]
                if bool(fired) != should_fire:
                    wrong.append((rule.id, trad))
                for f in fired:
                    assert trad[f.start:f.end] == f.excerpt or f.start == f.end
    assert n > 300 and not wrong, wrong[:10]


@pytest.mark.parametrize("trad, simp", [
    ("頭髮", "头发"), ("發貨", "发货"), ("理髮店下午發貨", "理发店下午发货"),
    ("群裡", "群里"), ("群裏", "群里"),
    ("優惠券", "优惠券"), ("優惠劵", "优惠券"), ("優惠卷", "优惠券"), ("优惠卷", "优惠券"), ("代金卷", "代金券"),
    ("跟著群裡練", "跟着群里练"), ("著名", "著名"), ("顯著", "显著"), ("显著", "显著"),
    ("一目瞭然", "一目了然"), ("乾淨", "干净"), ("暱稱", "昵称"), ("羣暱稱", "群昵称"), ("衞生紙", "卫生纸"),
    ("一卷紙", "一卷纸"),  # 卷 stays 卷 outside voucher words
])
def test_phrase_level_folds(trad, simp):
    assert Text(trad).norm == simp == normalise(trad)


def test_phrase_folds_keep_offsets_through_invisible_characters():
    raw = "\u200b領了優惠卷⑩張"
    t = Text(raw)
    assert t.norm == "领了优惠券10张"
    a = t.norm.index("优惠券")
    assert raw[slice(*t.to_raw(a, a + 3))] == "優惠卷"


@pytest.mark.parametrize("simp", [
    "尊敬的会员：本店即日起开展入群有礼活动，全 网 最 低 价，凡入群者均可获赠精美礼品，敬请关注！！",
    "姐妹们，我刚在群里领了2盒草莓，顺丰冷链，周日截止，拉3个朋友进群就送～",
    "我家娃跟着群里的绘本共读打卡两周了，现在每晚自己要书看，群里送优惠券",
    "专家推荐的发膏，喝两天就能治咳嗽，转发朋友圈截图领",
])
@pytest.mark.parametrize("config", ["s2t", "s2tw", "s2hk"])
def test_whole_reports_match(simp, config):
    trad = OpenCC(config).convert(simp)
    a, b = check(simp, "lure"), check(trad, "lure")
    assert {k: (v.passed, v.score) for k, v in a.dimensions.items()} == \
           {k: (v.passed, v.score) for k, v in b.dimensions.items()}
    assert [(f.rule, f.start, f.end) for f in a.findings] == [(f.rule, f.start, f.end) for f in b.findings]
