"""Daily topics a member can answer, on days and at times when they can: by principle, for any campaign."""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from copygen.campaign import Campaign, load_campaign
from copygen.context import events, topic_plan
from copygen.pack import build_pack
from copygen.render import default_catalogue

from .helpers import EXAMPLES

BASE = yaml.safe_load((EXAMPLES[0].parent / "fruit-lead.yaml").read_text(encoding="utf-8"))


def campaign(**over) -> Campaign:
    """fruit-lead with parts replaced (a dotted key goes one level down: group.duration_days)."""
    data = copy.deepcopy(BASE)
    for key, value in over.items():
        head, _, tail = key.partition("__")
        if tail:
            data[head][tail] = value
        else:
            data[head] = value
    return Campaign.model_validate(data)


def topics_of(c: Campaign) -> list:
    doc = build_pack(c, default_catalogue(), checker=None)
    return [p for p in doc.pieces if p.kind == "topic" and not p.slot.endswith(".answer")]


@pytest.fixture(scope="module")
def example_packs():
    cat = default_catalogue()
    return {p.stem: (load_campaign(p), build_pack(load_campaign(p), cat, checker=None)) for p in EXAMPLES}


# ------------------------------------------------------------------ relays --

def test_a_relay_without_a_first_entry_is_told_in_another_form():
    """#接龙 with nobody's line to copy makes nobody start; the operator's first entry is never invented."""
    c = campaign(topics=[{"theme": "说说你家清洁小妙招", "form": "relay"}, {"theme": "怎么挑到甜的橙子"}])
    first = topics_of(c)[0]
    assert not first.text.startswith("#接龙"), first.text
    assert "说说你家清洁小妙招" in first.text


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_every_relay_opens_with_the_campaigns_own_line(example_packs, name):
    c, doc = example_packs[name]
    given = {t.theme.strip(): [t.example.strip(), *t.options, t.answer.strip()] for t in c.topics}
    for p in doc.pieces:
        if p.kind == "topic" and p.text.startswith("#接龙"):
            theme = p.text.splitlines()[1]
            first = next((line[2:] for line in p.text.splitlines() if line.startswith("例 ")), "")
            assert first and any(first == g.rstrip("。！!") for g in given[theme] if g), (p.id, p.text)


# ------------------------------------------------------------------ wording --

@pytest.mark.parametrize("topic, hint", [
    ({"theme": "猜猜Ctrl加哪个键能一秒把整列数据快速填充", "answer": "Ctrl+E（快速填充）", "clue": "一个元音字母"}, "回个字母就行"),
    ({"theme": "猜单词：它有长长的鼻子", "answer": "elephant（大象）", "clue": "e开头，8个字母"}, "回个英文单词就行"),
    ({"theme": "猜猜毛肚涮多久最脆", "answer": "15秒左右，七上八下", "clue": "四个字的口诀"}, "回一个词就行"),
    ({"theme": "猜猜一张工作表最多能有多少行", "answer": "1048576行", "clue": "一百万出头"}, "回个数字就行"),
    ({"theme": "猜猜这是哪本绘本", "answer": "《好饿的毛毛虫》", "clue": "作者是艾瑞·卡尔"}, "回个书名就行"),
    ({"theme": "猜猜鸭屎香为什么叫这个名字", "answer": "茶农怕别人偷种，故意起了个难听的名字", "clue": "跟鸭子没关系"},
     "猜一句就行"),
])
def test_a_game_says_what_shape_of_answer_to_send(topic, hint):
    c = campaign(topics=[{**topic, "form": "game"}])
    game = topics_of(c)[0]
    assert hint in game.text, game.text


def test_options_the_question_already_names_are_not_listed_again():
    """「夏天你想剪短还是留着？比如剪短、留着还是听理发师的，回一个词就行」: the options are not examples,
    they repeat the question, and 听理发师的 is not one word."""
    c = campaign(topics=[{"theme": "夏天你想剪短还是留着", "options": ["剪短", "留着", "听理发师的"], "form": "question"}])
    q = topics_of(c)[0]
    assert "比如" not in q.text and "回一个词" not in q.text, q.text
    assert q.text.count("剪短") == 1 and "听理发师的" in q.text, q.text
    c = campaign(topics=[{"theme": "你家现在多久彻底打扫一次", "options": ["每周一次", "一个月一次", "过年才一次"],
                          "form": "question"}])
    q = topics_of(c)[0]
    assert "回一个词" not in q.text, q.text  # 过年才一次 is a phrase


@pytest.mark.parametrize("theme", ["车里最难搞干净的地方", "孩子最喜欢的一本英文绘本", "孩子握笔的时候手指离笔尖多远"])
def test_a_question_topic_is_asked_as_a_question(theme):
    """「有个小问题：聊聊车里最难搞干净的地方吧，你的呢？」: a question opener, then an imperative, then 你的呢."""
    c = campaign(topics=[{"theme": theme, "form": "question"}])
    q = topics_of(c)[0]
    lines = q.text.splitlines()
    assert "你的呢" not in q.text and "聊聊" not in q.text, q.text
    assert lines[1].endswith("？"), q.text


def test_an_invitation_topic_never_follows_a_question_opener():
    for seed in range(6):
        c = campaign(topics=[{"theme": "说说你看牙最怕的一个环节", "form": "question"}])
        doc = build_pack(c, default_catalogue(), checker=None, seed=seed)
        q = next(p for p in doc.pieces if p.kind == "topic")
        assert "有个小问题" not in q.text and "想问问" not in q.text, q.text


def test_a_morning_topic_is_not_tonight():
    c = campaign(topics=[{"theme": "你家早餐一般吃什么", "form": "question"}, {"theme": "说说你早餐的小习惯", "form": "story"}])
    for seed in range(4):
        doc = build_pack(c, default_catalogue(), checker=None, seed=seed)
        for p in doc.pieces:
            if p.kind == "topic" and p.time < "17:00":
                assert "今晚" not in p.text, (p.time, p.text)


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_a_vote_names_all_of_its_options_or_none(name):
    """「阅读和作文你更怕哪个？A 阅读 B 作文 C 翻译 D 完形」: the question leaves out half the choices."""
    c = load_campaign(next(p for p in EXAMPLES if p.stem == name))
    for t in c.topics:
        named = [o for o in t.options if o in t.theme]
        # 跑步机还是椭圆机 + 都不用, 猫还是狗 + 猫狗都有: a both/neither option is no item left out
        left_out = [o for o in t.options if o not in t.theme and not re.search(r"都|其他|看情况", o)]
        assert len(named) < 2 or not left_out, (t.theme, t.options)


# ------------------------------------------------------------------ schedule --

def _min(t: str) -> int:
    return int(t[:2]) * 60 + int(t[3:])


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_a_topic_does_not_crowd_an_event_members_gather_for(example_packs, name):
    """A topic is a conversation of an hour or more: never 19:00 before the 20:00 live."""
    c, doc = example_packs[name]
    gather = [e for e in events(c) if e["gathers"]]
    for p in doc.pieces:
        if p.kind == "topic" and not p.slot.endswith(".answer"):
            for e in gather:
                if e["day"] == p.day:
                    assert not (_min(e["time"]) - 90 < _min(p.time) < _min(e["until"]) + 15), (p.id, p.time, e)


def test_a_topic_keeps_ninety_minutes_before_a_live():
    c = campaign(group__services=[{"what": "挑果直播", "when": "每天晚上8点", "time": "20:00"}],
                 topics=[{"theme": "怎么挑到甜的橙子"}, {"theme": "你家娃最爱吃的水果", "options": ["车厘子", "草莓"]}])
    for p in topics_of(c):
        assert _min(p.time) <= _min("18:30") or _min(p.time) >= _min("21:15"), (p.id, p.time)
    c = campaign(group__services=[{"what": "当天到店水果特价", "when": "每天晚上8点", "time": "20:00"}],
                 topics=[{"theme": "怎么挑到甜的橙子"}])
    p = topics_of(c)[0]  # a list the operator posts is no gathering: half an hour is enough
    assert p.time == "19:00" or p.time >= "21:15", p.time


# ------------------------------------------------------------------ what members have in hand --

ORANGES = {"item": "脐橙", "type": "goods", "quantity": 3, "unit": "斤", "relation": "跟你下单的橙子同一片果园摘的",
           "mechanic": {"kind": "threshold", "condition": "群里接龙下单满99元"},
           "delivery": "下单后48小时内从果园现摘发顺丰", "claim": {"method": "ship"}}
RECEIVED = [{"theme": "收到橙子了晒一下，切开的那种最好", "form": "photo"}, {"theme": "你老家那边的橙子一般几块钱一斤"},
            {"theme": "橙子你喜欢怎么吃", "options": ["直接剥着吃", "切块", "榨汁"]},
            {"theme": "你第一次吃到脐橙是什么时候", "form": "story"}, {"theme": "怎么挑到甜的橙子"}]


def test_a_photo_of_what_was_sent_waits_until_someone_has_it():
    """下单后48小时内发顺丰: ordered on day 1, sent by day 3, in hand on day 4 at the earliest."""
    c = campaign(lure=ORANGES, topics=RECEIVED, group={**BASE["group"], "duration_days": 5})
    days = {p.day: p.text for p in topics_of(c)}
    (day,) = [d for d, t in days.items() if "收到橙子" in t]
    assert day >= 4, days
    assert len(days) == 5  # the other themes took the early days


def test_a_photo_of_what_was_sent_is_left_out_when_nobody_can_have_it():
    """A group goal is met whenever the group fills; a 3-day group with a 48-hour dispatch is over first."""
    goal = {**ORANGES, "mechanic": {"kind": "group_goal", "members": 100}}
    c = campaign(lure=goal, topics=RECEIVED, group={**BASE["group"], "duration_days": 5})
    assert not any("收到橙子" in p.text for p in topics_of(c))
    c = campaign(lure=ORANGES, topics=RECEIVED, group={**BASE["group"], "duration_days": 3})
    texts = [p.text for p in topics_of(c)]
    assert len(texts) == 3 and not any("收到橙子" in t for t in texts), texts


# ------------------------------------------------------------------ a short bank --

SHORT = {"type": "fan", "name": "共读群", "first_number": 2, "duration_days": 10, "start_date": "2027-01-18",
         "services": [{"what": "绘本精读直播", "when": "每周一晚8点", "time": "20:00"},
                      {"what": "家长答疑", "when": "每周六上午10点", "time": "10:00"}]}
NEEDS = {"who": "带娃读书的爸妈", "needs": ["孩子一看平板就停不下来", "讲绘本就是照着念，孩子听两页就跑了",
                                       "孩子总咳嗽，晚上睡不好"]}


def test_a_short_bank_is_filled_from_the_campaigns_own_data_without_repeats():
    own = [{"theme": "孩子睡前一般听几本", "options": ["1本", "2到3本"]}, {"theme": "晒晒你家孩子看书的小角落"},
           {"theme": "你家共读一般是谁来读", "options": ["妈妈", "爸爸"]}, {"theme": "哪本书孩子听了不下十遍"},
           {"theme": "孩子最喜欢的一本绘本", "example": "《好饿的毛毛虫》"}]
    c = campaign(group=SHORT, audience=NEEDS, topics=own)
    pieces = topics_of(c)
    themes = [t["theme"] for t in topic_plan(c)]
    assert len(pieces) == 10 and len({p.day for p in pieces}) == 10, themes
    assert len(set(themes)) == len(themes) and len({p.text for p in pieces}) == 10, themes
    assert themes[:5] == [t["theme"] for t in own] or set(themes) >= {t["theme"] for t in own}
    text = "\n".join(p.text for p in pieces)
    assert "孩子一看平板就停不下来" in text and "照着念" in text
    assert "咳嗽" not in text  # a need that names a symptom is a health topic: never a topic
    assert "下次绘本精读直播" in text and "下次家长答疑" in text  # what they want from what is still ahead
    (live,) = [p for p in pieces if "下次绘本精读直播" in p.text]
    assert live.day < 8  # the last live of a 10-day group from a Monday is on day 8


def test_when_even_the_derived_topics_run_out_the_live_days_go_without():
    c = campaign(group={**SHORT, "duration_days": 21}, audience={"who": "爸妈", "needs": ["孩子总咳嗽"]},
                 topics=[{"theme": f"孩子最喜欢的第{i}本书是什么"} for i in range(1, 14)])
    pieces = topics_of(c)
    live = {e["day"] for e in events(c) if e["gathers"]}
    empty = set(range(1, 22)) - {p.day for p in pieces}
    assert empty and empty <= live, (empty, live)


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_one_distinct_topic_a_day(example_packs, name):
    c, doc = example_packs[name]
    pieces = [p for p in doc.pieces if p.kind == "topic" and not p.slot.endswith(".answer")]
    assert len({p.day for p in pieces}) == len(pieces) == c.group.duration_days
    themes = [t["theme"] for t in topic_plan(c)]
    assert len(set(themes)) == len(themes) and len({p.text for p in pieces}) == len(pieces)


# ------------------------------------------------------------------ a flash sale --

FLASH = {**BASE["lure"], "mechanic": {"kind": "flash", "quota": 50, "day": 2, "time": "20:00", "reply": "抢"},
         "claim": {"method": "pickup", "where": "幸福里店收银台", "eligible": "幸福里的住户"},
         "delivery": "抢到后3天内到店自提", "proof": ["当天抢到的名单群里公布"]}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_flash_sale_is_opened_in_the_group_at_its_minute(seed):
    c = campaign(lure=FLASH, group={**BASE["group"], "type": "flash"})
    doc = build_pack(c, default_catalogue(), checker=None, seed=seed)
    (post,) = [p for p in doc.pieces if p.kind == "lure.flash"]
    assert (post.target, post.day, post.time) == ("group", 2, "20:00")
    assert "开抢" in post.text and "「抢」" in post.text and "前50位" in post.text and "幸福里的住户" in post.text
    others = [p for p in doc.pieces if p.target == "group" and p.day == 2 and p.time and p.kind != "lure.flash"]
    assert all(abs(_min(p.time) - _min("20:00")) >= 30 for p in others), [(p.id, p.time) for p in others]


def test_a_welcome_says_the_flash_time_so_it_holds_after_it_has_passed():
    """A welcome goes out whenever someone joins, also at 21:00 on the flash day."""
    c = campaign(lure=FLASH, group={**BASE["group"], "type": "flash"})
    doc = build_pack(c, default_catalogue(), checker=None)
    welcomes = [p for p in doc.pieces if p.kind == "welcome.group"]
    assert welcomes
    for p in welcomes:
        if "开抢" in p.text:
            assert "开抢前进群的" in p.text, p.text


def test_no_flash_post_without_a_flash():
    doc = build_pack(campaign(), default_catalogue(), checker=None)
    assert not [p for p in doc.pieces if p.kind == "lure.flash"]


def test_the_last_day_looks_back_even_when_other_fillers_are_left():
    c = campaign(group={**SHORT, "duration_days": 4, "services": [{"what": "当天书单", "when": "每天中午12点"}]},
                 audience={"who": "爸妈", "needs": ["孩子一看平板就停不下来", "讲绘本就是照着念", "孩子不爱开口"]},
                 topics=[{"theme": "孩子睡前一般听几本", "options": ["1本", "2到3本"]}])
    plan_ = topic_plan(c)
    assert [t["day"] for t in plan_] == [1, 2, 3, 4] and "收获" in plan_[-1]["theme"], plan_


@pytest.mark.parametrize("eligible, said", [("一个收货地址一盒", "一个收货地址一盒"), ("每户限一份", "每户限一份"),
                                            ("格林小城的业主和租户，每户一次", "格林小城的业主和租户可以领，每户一次")])
def test_a_limit_is_not_read_as_who_may_claim(eligible, said):
    """「（一个收货地址一盒可以领）」 in a flash welcome: a per-address limit is not a group of people."""
    from copygen.context import who_can

    assert who_can(eligible) == said
