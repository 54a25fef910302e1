"""Private messages read right for any campaign: invitations, fulfilment, add-friend welcomes,
recalls, and one welcome per channel.

Each test builds campaigns that differ from an example in the one thing the principle is about
(a flash sale instead of an invite, a code that is shown at the table, a 春节 gift sent in April)
and checks every template variant of the kind, not only the one a seed picks.
"""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from copygen.campaign import Campaign
from copygen.pack import build_pack
from copygen.render import default_catalogue

from .helpers import EXAMPLES

_BASE = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in EXAMPLES}


def _campaign(example: str, **changes) -> Campaign:
    """An example with some fields replaced: ``lure__mechanic={...}`` sets data["lure"]["mechanic"]."""
    data = copy.deepcopy(_BASE[example])
    for path, value in changes.items():
        keys = path.split("__")
        node = data
        for k in keys[:-1]:
            node = node.setdefault(k, {})
        if value is None:
            node.pop(keys[-1], None)
        else:
            node[keys[-1]] = value
    return Campaign.model_validate(data)


def _every_variant(c: Campaign, kind: str):
    """(slot id, variant, text) for every template of `kind` in every slot of that kind."""
    from copygen.context import build_context
    from copygen.slots import plan, slot_context

    cat, base = default_catalogue(), build_context(c)
    for slot in plan(c):
        if slot.kind == kind:
            ctx = slot_context(base, c, slot, 0)
            for t in cat.variants(kind):
                yield slot.id, t.variant, cat.render(t, ctx)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"[。！？!?\n]", text) if s.strip()]


def _repeated_phrase(sentence: str, n: int = 6) -> str | None:
    """A phrase of n or more characters said twice in one sentence (群满120人…群满120人)."""
    s = re.sub(r"%[A-Z_]+%|「[^」]*」", "", sentence)
    for i in range(len(s) - n + 1):
        if s[i:i + n] in s[i + n:]:
            return s[i:i + n]
    return None


FLASH = {"kind": "flash", "day": 2, "time": "20:00", "quota": 50, "reply": "抢"}
GOAL = {"kind": "group_goal", "members": 150}

# campaigns whose lure is shared out (a group goal, a flash sale), across claim methods
SHARED = [
    ("petshop-pickup", {}),  # group goal, pickup
    ("petshop-pickup", {"lure__mechanic": FLASH, "group__type": "flash", "group__duration_days": 2}),
    ("aircon-service", {"lure__delivery": "群满100人当天晚上挨个私聊约上门时间"}),  # goal, booking
    ("milktea-coupon", {"lure__mechanic": FLASH, "group__duration_days": 2, "lure__claim__stock": None}),
    ("fruit-lead", {"lure__mechanic": GOAL}),  # goal, ship
]


@pytest.mark.parametrize("example,changes", SHARED)
def test_a_shared_out_lure_is_one_for_each_and_said_once(example, changes):
    """「群里在送1袋鸡胸肉冻干」 reads as if one bag exists; 「群满120人每人都有…群满120人当天晚上…」
    says the goal twice; 「凑凑人数」 is blunt to the person invited."""
    c = _campaign(example, **changes)
    m = c.lure.mechanic
    for sid, variant, text in _every_variant(c, "lure.private"):
        assert not re.search(r"(?:在送|送：)\s*[1一][^0-9]", text), (variant, text)
        assert "凑凑人数" not in text and "凑人数" not in text, (variant, text)
        if m.kind == "group_goal":
            assert re.search(rf"群满{m.members}人[，,]?(?:每人|每户|全群)", text), (variant, text)
        else:
            assert re.search(rf"前{m.quota}位[^。]*?(?:各送|送|每人)", text), (variant, text)
        for s in _sentences(text):
            assert not _repeated_phrase(s), (variant, s, _repeated_phrase(s))


@pytest.mark.parametrize("example,changes", SHARED + [(p.stem, {}) for p in EXAMPLES])
def test_an_invitation_asks_before_pulling_anyone_in(example, changes):
    c = _campaign(example, **changes)
    for sid, variant, text in _every_variant(c, "lure.private"):
        assert not re.search(r"我先(?:把你)?拉你?进", text), (variant, text)
        assert re.search(r"回我(?:个|一声)[^。]*拉你", text), (variant, text)


def test_a_code_shown_at_the_table_is_not_shown_twice():
    """「到店点单时给服务员看，到玉林西路…出示就能用」: one clause says how the code is used."""
    c = _campaign("milktea-coupon", lure__type="goods", lure__item="鲜毛肚", lure__unit="份",
                  lure__delivery="抢到的当晚私发核销码，到店点单时给服务员看", lure__mechanic=FLASH,
                  group__duration_days=2, lure__claim__stock=None)
    doc = build_pack(c, default_catalogue(), checker=None)
    for p in doc.pieces:
        for s in re.split(r"[。！？\n；]", p.text):
            shows = re.findall(r"出示|给[^，,。]{0,4}看", s)
            assert len(shows) <= 1, (p.id, s)
            assert not (re.search(r"到店", s) and re.search(r"，到[^，,。]{4,}(?:出示|用)", s)), (p.id, s)


PRIVATE_CASES = [
    ("fruit-lead", {"lure__delivery": "下单后48小时内发顺丰，单号晚上群里发"}),
    ("kaoyan-knowledge", {}),  # 完成当晚私发PDF
    ("milktea-coupon", {"lure__type": "goods", "lure__item": "鲜毛肚", "lure__unit": "份",
                        "lure__delivery": "完成当晚私发核销码，到店点单时给服务员看"}),
    ("barber", {}) if "barber" in _BASE else ("gym-trial", {}),
]


@pytest.mark.parametrize("example,changes", PRIVATE_CASES)
def test_a_private_message_never_says_privately_or_points_at_the_group(example, changes):
    """In a private chat 私发/私聊你 is noise, and 单号晚上群里发 fails once the group is gone."""
    c = _campaign(example, **changes)
    for kind in ("lure.private", "lure.fulfilment", "welcome.private", "recall.light", "recall.deep"):
        for sid, variant, text in _every_variant(c, kind):
            if kind == "lure.fulfilment" and c.lure.mechanic.kind == "group_goal":
                continue  # a group goal's fulfilment is a group broadcast
            assert not re.search(r"私发|私聊你|私信发我|群里发", text), (kind, variant, text)


def test_a_fulfilment_restates_the_condition_on_use():
    """A winner told only 「今晚把核销码发你」 may be turned away at the door: 2人及以上堂食 is said again."""
    c = _campaign("milktea-coupon", lure__claim__eligible="2人及以上来店里堂食的朋友")
    texts = [t for _, _, t in _every_variant(c, "lure.fulfilment")]
    assert texts and all("2人及以上来店里堂食" in t for t in texts), texts
    # a rule about who may claim is not a condition on use: it is not repeated to the winner
    c = _campaign("milktea-coupon", lure__claim__eligible="第一次来店里的新同学")
    assert all("第一次来店里的新同学" not in t for _, _, t in _every_variant(c, "lure.fulfilment"))


def test_every_channel_gets_its_own_group_welcome():
    """Four channels and three templates: the fourth welcome must not repeat the first."""
    chans = [{"id": f"ch{i}", "name": n, "kind": "qrcode", "audience": a} for i, (n, a) in enumerate([
        ("门口排队区立牌", "在门口排号时扫码的朋友"), ("桌角二维码贴纸", "吃饭时扫桌贴进来的朋友"),
        ("大众点评店铺页", "在点评上看到我们的朋友"), ("抖音同城视频", "刷到抖音视频过来的朋友"),
        ("电梯海报", "看到电梯海报的邻居")])]
    c = _campaign("petshop-pickup", channels=chans)
    doc = build_pack(c, default_catalogue(), checker=None)
    welcomes = [p.text for p in doc.pieces if p.kind == "welcome.group"]
    assert len(welcomes) == 5 and len(set(welcomes)) == 5, welcomes


# --------------------------------------------------------------------------- recalls --

GIFT_CASES = [  # (example, changes, what the route must say)
    ("fruit-lead", {"segments__lapsed_60__offer": "老朋友回来送一盒草莓"}, r"随单给你送过去"),  # own van (送到家)
    ("fruit-lead", {"segments__lapsed_60__offer": "老朋友回来送一盒草莓", "lure__delivery": "完成后顺丰寄出"},
     r"随单寄给你"),  # a courier
    ("petshop-pickup", {"segments__lapsed_60__offer": "回来送一袋猫砂"}, r"登记.*到锦绣花园东门毛孩子宠物店报名字"),
    ("milktea-coupon", {"segments__lapsed_30__offer": "回来送一张5元券"}, r"我把券发你.*出示"),  # in store, coupon
    ("kaoyan-knowledge", {"segments__lapsed_60__offer": "回来送一份真题阅读笔记"}, r"发你"),  # online
    ("aircon-service", {"segments__lapsed_60__offer": "回来送一次空调滤网清洗"}, r"约"),  # booking
]


@pytest.mark.parametrize("example,changes,route", GIFT_CASES)
def test_a_recall_gift_says_how_it_reaches_them(example, changes, route):
    """「你回来的话，送一盒草莓」 / 「想要的话回我个1就行」: come back where, and then what? One reply
    (回我个1) and what happens after it, by the campaign's way of handing things out."""
    c = _campaign(example, **changes)
    seen = 0
    for kind in ("recall.light", "recall.deep"):
        for sid, variant, text in _every_variant(c, kind):
            if variant == "question" and kind == "recall.deep":
                continue  # the survey: never used when there is a gift (no_poll)
            if not re.search(r"草莓|猫砂|5元券|笔记|滤网", text):
                continue
            seen += 1
            assert "你回来的话" not in text, (kind, variant, text)
            assert re.search(route, text), (kind, variant, text)
            assert re.search(r"回(?:我个)?1", text), (kind, variant, text)
    assert seen, "no recall carried the gift"


def test_a_recall_gift_named_after_a_past_occasion_is_not_sent():
    """A 春节 colouring set sent in May is stale: the 60-day note falls back to its survey."""
    from copygen.context import recall_date

    c = _campaign("kaoyan-knowledge", segments__lapsed_60__offer="回来送一套春节主题涂色页")
    assert recall_date(c, "lapsed_60").month == 5
    doc = build_pack(c, default_catalogue(), checker=None)
    (deep,) = [p for p in doc.pieces if p.kind == "recall.deep"]
    assert "春节" not in deep.text and "涂色页" not in deep.text and "回我个1" not in deep.text, deep.text
    # the same gift 60 days after a December campaign lands in 春节: it is kept
    c = _campaign("fruit-lead", segments__lapsed_60__offer="回来送一套春节主题涂色页")
    (deep,) = [p for p in build_pack(c, default_catalogue(), checker=None).pieces if p.kind == "recall.deep"]
    assert "春节主题涂色页" in deep.text, deep.text


def _without_brand(c: Campaign, text: str) -> str:
    from copygen.context import build_context

    v = build_context(c)["voice"]
    for w in sorted({c.brand.name, c.voice.name, c.brand.sells, c.brand.area, v["intro"], v["intro_short"],
                     v["intro_name"], c.voice.persona} - {""}, key=len, reverse=True):
        text = text.replace(w, "＊")
    return text


STOCK = ("后来没怎么来找我们", "最近没这方面的需要", "问问商品和价格")


def test_the_survey_and_the_menu_speak_the_brands_trade_and_differ_across_brands():
    """One stock survey (后来没怎么来找我们 / A 最近没这方面的需要) and one stock menu (1. 问问商品和价格)
    in every brand's pack: each says it in the brand's terms, and brands do not share the wording."""
    surveys, menus = [], []
    for p in EXAMPLES:
        c = _campaign(p.stem, segments__lapsed_60__offer="")  # every pack gets its survey
        (survey,) = [t for _, v, t in _every_variant(c, "recall.deep") if v == "question"]
        (menu,) = [t for _, v, t in _every_variant(c, "welcome.private") if v == "question"]
        for text in (survey, menu):
            assert not any(s in text for s in STOCK), (p.stem, text)
        surveys.append(_without_brand(c, survey))
        menus.append(_without_brand(c, menu))
    assert len(set(surveys)) == len(surveys), surveys
    assert len(set(menus)) == len(menus), menus


@pytest.mark.parametrize("changes,words", [
    ({"brand__industry": "food", "brand__sells": "牛油火锅和鲜切牛肉", "lure__claim__method": "in_store",
      "lure__claim__eligible": "2人及以上来店里堂食的朋友"}, (r"店里吃", r"订位|菜品|包间")),
    ({}, (r"店里", r"猫狗粮")),  # a shop with a place: 来店里, its goods by name
    ({"lure__claim__method": "ship", "lure__delivery": "群满后3天内寄出"}, (r"下单|联系|买", r"猫狗粮")),
    ({"lure__type": "service", "lure__item": "宠物洗澡", "lure__unit": "次", "lure__claim__method": "booking",
      "lure__delivery": "群满后第二天起电话约时间"}, (r"约", r"约")),
])
def test_a_survey_and_a_menu_fit_the_kind_of_business(changes, words):
    c = _campaign("petshop-pickup", segments__lapsed_60__offer="", **changes)
    (survey,) = [t for _, v, t in _every_variant(c, "recall.deep") if v == "question"]
    (menu,) = [t for _, v, t in _every_variant(c, "welcome.private") if v == "question"]
    ask = survey.splitlines()[0]
    assert re.search(words[0], ask), survey
    assert re.search(words[1], menu.splitlines()[2]), menu


# --------------------------------------------------------------------------- add-friend welcome --

def test_the_add_friend_welcome_names_the_brand_once_and_promises_in_its_own_voice():
    """「这里是麦香坊烘焙…我是麦香坊的芳姐」 says the shop twice; 「以后下雨后第二天朋友圈发洗车特价」 is
    the next step pasted without a subject; 「12月中旬第二批采摘」 may be over when someone adds them."""
    c = _campaign("petshop-pickup", voice__intro="我是毛孩子的店主阿毛，在锦绣花园开了6年店",
                  closing__next_step="加阿毛微信，下雨后第二天朋友圈发洗护特价")
    for sid, variant, text in _every_variant(c, "welcome.private"):
        head = "".join(text.splitlines()[:2])
        assert head.count("毛孩子") == 1, (variant, text)
        assert "以后下雨后" not in text and re.search(r"我会在朋友圈发洗护特价", text), (variant, text)
    c = _campaign("petshop-pickup", closing__next_step="加阿毛微信，12月中旬第二批新粮会朋友圈说")
    for sid, variant, text in _every_variant(c, "welcome.private"):
        assert "12月" not in text and "中旬" not in text, (variant, text)
        assert re.search(r"第二批新粮我会在朋友圈说", text), (variant, text)


def test_a_recall_offer_on_the_next_visit_is_kept_with_one_reply():
    """「补牙一颗减50元，有需要随时找我」 is a lone sales line: the offer is noted for them on one reply."""
    c = _campaign("aircon-service", segments__lapsed_30__offer="补牙一颗减50元")
    texts = [t for _, v, t in _every_variant(c, "recall.light") if v != "question"]
    assert texts and all(re.search(r"补牙一颗减50元，想用的话回我个1，我给你记上", t) for t in texts), texts


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_with_nothing_to_give_the_60_day_note_is_the_survey(name):
    """A hello with nothing in it (「两个多月没联系了…最近还好吗？」) reads the same in every brand's pack:
    without a gift the 60-day note asks why they stopped coming."""
    c = _campaign(name, segments__lapsed_60__offer="")
    for seed in (0, 1, 2):
        (deep,) = [p for p in build_pack(c, default_catalogue(), checker=None, seed=seed).pieces
                   if p.kind == "recall.deep"]
        assert re.search(r"^A .+\nB .+\nC .+\nD ", deep.text, re.M), (seed, deep.text)
