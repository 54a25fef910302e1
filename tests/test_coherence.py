"""The pack as a whole reads true: one timeline, the right channel, wording that fits what is given."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from copygen.campaign import load_campaign
from copygen.context import PER_PERSON
from copygen.pack import build_pack
from copygen.render import default_catalogue

from .helpers import EXAMPLES, WAKEUPS

WEEKDAY = "一二三四五六日"


@pytest.fixture(scope="module")
def packs():
    cat = default_catalogue()
    return {p.stem: (load_campaign(p), build_pack(load_campaign(p), cat, checker=None)) for p in EXAMPLES}


def _end(c) -> dt.date | None:
    s = c.group.start_date
    return s + dt.timedelta(days=c.group.duration_days - 1) if s else None


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_group_broadcasts_carry_no_per_person_placeholders(packs, name):
    _, doc = packs[name]
    for p in doc.pieces:
        if p.target == "group" and p.trigger != "on_join":  # on_join: WeCom fills the newcomer's name
            assert not set(p.variables) & set(PER_PERSON), (p.id, p.variables)


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_every_weekday_and_date_in_the_copy_is_true(packs, name):
    c, doc = packs[name]
    year = c.group.start_date.year if c.group.start_date else None
    for p in doc.pieces:
        for m, d, wd in re.findall(r"(\d{1,2})月(\d{1,2})日（周([一二三四五六日])）", p.text):
            assert year, (p.id, "a date without a start date")
            date = dt.date(year, int(m), int(d))
            assert WEEKDAY[date.weekday()] == wd, (p.id, p.text)


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_deadline_and_last_day_are_true(packs, name):
    c, doc = packs[name]
    end = _end(c)
    for p in doc.pieces:
        if "最后一天" in p.text and p.day is not None:
            assert p.day == c.group.duration_days, (p.id, p.text)
        if "今天截止" in p.text:
            assert p.day is not None and p.date is not None and p.date == doc.campaign["deadline"], (p.id, p.text)
        if p.date and p.target == "group" and p.trigger != "after_end" and end and c.group.type != "fan":
            assert dt.date.fromisoformat(p.date) <= end, (p.id, "a group broadcast after the group is gone")


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_wakeups_only_where_the_group_lives_and_recalls_are_private(packs, name):
    c, doc = packs[name]
    kinds = {p.kind for p in doc.pieces}
    if c.group.type in ("lead", "flash"):
        assert not kinds & WAKEUPS
    for p in doc.pieces:
        if p.kind.startswith("recall."):
            assert p.target == "private" and p.trigger == "after_end"
            if c.group.type != "fan":
                assert "回群" not in p.text, (p.id, p.text)


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_schedule_has_no_clashes(packs, name):
    c, doc = packs[name]
    seen: dict[tuple[int, str], str] = {}
    q0, q1 = c.pack.quiet_hours
    for p in doc.pieces:
        if p.target != "group" or p.day is None or not p.time:
            continue
        key = (p.day, p.time)
        if key in seen and not (p.condition and seen[key].startswith("closing")):  # 二选一 alternatives share
            raise AssertionError((p.id, seen[key]))
        seen[key] = p.id
        assert not (p.time >= q0 or p.time < q1), (p.id, p.time, "in quiet hours")
    for ev in doc.campaign["events"]:  # never on top of the campaign's own live events
        for p in doc.pieces:
            if p.target == "group" and p.day == ev["day"] and p.time:
                t = _minutes(p.time)
                assert not (_minutes(ev["time"]) - 30 <= t < _minutes(ev["until"]) + 15), (p.id, p.time, ev)


def _minutes(t: str) -> int:
    h, m = t.split(":")
    return int(h) * 60 + int(m)


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_wording_fits_what_is_given(packs, name):
    c, doc = packs[name]
    kind = c.lure.kind
    for p in doc.pieces:
        t = p.text
        assert not re.search(r"每[份人]\s*[一1]份\s*\d", t), (p.id, t)  # 每份1份 / 每人一份1袋
        assert not re.search(r"价值(\d+)元的\1元", t), (p.id, t)
        assert not re.search(r"[1一]份\d+元券", t), (p.id, t)
        if kind in ("service", "course", "coupon"):
            assert "寄" not in t and "快递" not in t, (p.id, t)
        if c.lure.claim_method == "pickup":
            assert "送到家" not in t, (p.id, t)


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_fulfilment_says_what_happens_next(packs, name):
    from copygen.context import at_done, build_context, in_private

    c, doc = packs[name]
    (f,) = [p for p in doc.pieces if p.kind == "lure.fulfilment"]
    steps = [at_done(x) for x in build_context(c)["lure"]["claim"]["next"]]
    if f.target == "private":  # already in a private chat: 发我, never 私信发我
        steps = [in_private(x) for x in steps]
        assert "私信发我" not in f.text
    assert steps and all(step in f.text for step in steps), (f.text, steps)
    assert c.lure.mechanic.kind != "threshold" or c.lure.mechanic.condition not in f.text  # not the rule again
    if c.lure.mechanic.kind == "group_goal":
        assert f.target == "group" and f.trigger == "on_goal"
    else:
        assert f.target == "private" and f.trigger == "on_task_done"


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_no_piece_repeats_and_no_leftover_audience_label(packs, name):
    c, doc = packs[name]
    texts = [p.text for p in doc.pieces]
    assert len(set(texts)) == len(texts)
    for p in doc.pieces:  # the audience description is for the operator, never pasted into copy
        assert c.audience.who not in p.text or c.audience.who in (c.audience.identity or ""), (p.id, p.text)


def test_a_different_seed_changes_the_phrasing():
    """At most 20% of pieces identical between two seeds, on average over consecutive seed pairs
    (one pair alone is luck: a kind with two variants matches half the time)."""
    cat = default_catalogue()
    for ex in EXAMPLES:
        c = load_campaign(ex)
        packs = [{p.id: p.text for p in build_pack(c, cat, checker=None, seed=s).pieces} for s in range(6)]
        shares = [sum(a[k] == b.get(k) for k in a) / len(a) for a, b in zip(packs, packs[1:])]
        assert sum(shares) / len(shares) <= 0.2, (ex.stem, shares)


def test_pack_md_lists_days_in_number_order():
    from copygen.packout import to_markdown

    c = load_campaign(next(p for p in EXAMPLES if p.stem == "gym-trial"))
    md = to_markdown(build_pack(c, default_catalogue(), checker=None))
    days = [int(d) for d in re.findall(r"^## 第(\d+)天", md, re.M)]
    assert days == sorted(days) and 10 in days


def test_a_rule_pack_naming_an_unknown_kind_is_refused(tmp_path):
    from copygen import rulespec as rs
    from copygen.errors import InputError

    p = tmp_path / "ours.yaml"
    p.write_text("module: ours\ndimension: ours\napplies_to: [lure.bogus]\nprinciple: 我们自己的规则\nrules:\n"
                 "  - {id: OU01, name: ours, kind: existence, message: 别写这个, match: {terms: [某词]}}\n",
                 encoding="utf-8")
    with pytest.raises(InputError, match="不认识的文案类型：lure.bogus"):
        rs.load_module(p)
    p.write_text(p.read_text(encoding="utf-8").replace("lure.bogus", "lure.progress"), encoding="utf-8")
    assert rs.load_module(p).applies_to == ["lure.progress"]


def test_per_person_numbers_go_only_to_the_inviter():
    c = load_campaign(next(p for p in EXAMPLES if p.stem == "fruit-lead"))
    doc = build_pack(c, default_catalogue(), checker=None)
    carriers = [p for p in doc.pieces if {"%INVITED%", "%REMAINING%"} & set(p.variables)]
    assert [p.kind for p in carriers] == ["lure.progress"]
    assert carriers[0].target == "private" and carriers[0].trigger == "on_invite"


def _every_variant(c, kind):
    """Every template of `kind` rendered for every slot of that kind in the campaign's pack."""
    from copygen.context import build_context
    from copygen.slots import plan, slot_context

    cat, base = default_catalogue(), build_context(c)
    for slot in plan(c):
        if slot.kind == kind:
            ctx = slot_context(base, c, slot, 0)
            for t in cat.variants(kind):
                if kind == "topic":  # a topic slot has its planned form (a reveal slot: the reveals)
                    form = slot.extra["topic"]["form"]
                    if not (t.variant == form or form == "reveal" and t.variant.startswith("reveal")):
                        continue
                yield slot, t.variant, cat.render(t, ctx)


# What asks a member to do something back: reply in the chat, send a private message.
_ASKS = re.compile(r"回(?:个|我|复)(?!大家)|私信发我|私聊我(?!了)|(?<![都已])发我")


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_a_closing_or_recall_asks_for_one_thing_at_most(packs, name):
    """Two reply instructions in one message (a poll and 'send me your address') confuse people
    and a bot cannot route the answers."""
    c, _ = packs[name]
    for kind in ("closing", "recall.light", "recall.deep"):
        for slot, variant, text in _every_variant(c, kind):
            asks = _ASKS.findall(text)
            assert len(asks) <= 1 or len(set(asks)) == 1 and "回个字母" not in text, (slot.id, variant, text)


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_recalls_never_paste_the_product_list_as_a_question(packs, name):
    c, _ = packs[name]
    for kind in ("recall.light", "recall.deep"):
        for slot, variant, text in _every_variant(c, kind):
            assert f"需要{c.brand.sells}" not in text and f"{c.brand.sells}吗" not in text, (variant, text)


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_the_closing_is_the_last_group_message(packs, name):
    c, doc = packs[name]
    last_day = c.group.duration_days
    closing = [p for p in doc.pieces if p.kind == "closing"]
    others = [p for p in doc.pieces if p.target == "group" and p.day == last_day and p.kind != "closing"]
    assert closing and all(p.time < closing[0].time for p in others), [(p.id, p.time) for p in others]


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_a_member_retells_the_relation_as_a_sentence(packs, name):
    """「听林姐说，店里这周主推的JJ级智利车厘子」 has no predicate: the member says what it is."""
    c, _ = packs[name]
    if not c.lure.relation:
        return
    for slot, variant, text in _every_variant(c, "lure.moments"):
        if "听" in text and "说，" in text:
            said = text.split("说，", 1)[1]
            assert said.startswith("这次送的"), (variant, text)


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_every_option_of_a_poll_or_game_starts_its_own_line(packs, name):
    c, _ = packs[name]
    for kind in ("topic", "closing", "recall.deep", "wakeup.active"):
        for slot, variant, text in _every_variant(c, kind):
            for line in text.splitlines():
                assert not re.search(r"[？?：:～]\s*A ", line), (slot.id, variant, line)


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_an_offer_kept_for_active_members_goes_to_them_in_private(packs, name):
    """A broadcast 「给常聊天的朋友留了…」 offers it to the whole group; each active member hears it alone."""
    _, doc = packs[name]
    for p in doc.pieces:
        if p.kind == "wakeup.active":
            assert p.target == "private" and "%NICKNAME%" in p.text, (p.id, p.text)


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_the_notice_says_one_fact_per_sentence_and_points_at_attached_pages(packs, name):
    """A notice's offer is several short sentences, and 群公告里能先看前3页 inside the notice itself
    says the pages are attached (a notice is text), never 这条公告里能先看."""
    c, _ = packs[name]
    for slot, variant, text in _every_variant(c, "rules"):
        offer = next((line for line in text.splitlines() if "在送" in line), "")
        longest = max((len(x) for x in re.split(r"[。；]", offer)), default=0)
        assert longest <= 90, (variant, offer)
        assert "这条公告里能" not in text and "公告下面" not in text, (variant, text)
        if any(p.startswith("群公告里") for p in c.lure.proof):
            assert "附在这条公告后面" in text, (variant, text)


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_member_posts_and_private_hellos_do_not_say_things_twice_or_too_early(packs, name):
    c, _ = packs[name]
    for slot, variant, text in _every_variant(c, "lure.moments"):
        assert "领到了" not in text.splitlines()[0] or c.lure.mechanic.kind != "invite", (variant, text)
        assert c.brand.name in text, (variant, text)  # a friend of the member knows which shop
    for slot, variant, text in _every_variant(c, "welcome.private"):
        assert len(re.findall(r"随时(?:找|问)我|直接问我|有事.{0,4}找我", text)) <= 1, (variant, text)
    for kind in ("wakeup.active", "wakeup.lurker"):
        for slot, variant, text in _every_variant(c, kind):
            assert not re.search(r"^[A-H] (?:多一些)?(?:一[个条份]|第二天)", text, re.M), (variant, text)
