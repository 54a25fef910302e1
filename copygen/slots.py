"""What a campaign's pack contains: one slot per piece of copy, with its schedule.

A slot names the kind, where it applies (channel / segment / day), who receives
it (group / private / moments / poster), who sends it, and when it goes out.
``pack`` fills every slot from templates; the slot list is the single place that
says what a complete pack is, and the schedule here is the single timeline every
date and time in the pack comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, get_args

from .campaign import Campaign, PackKind
from .context import (Say, channel_context, choose, deadline_day, events, hhmm_phrase, past_holidays, piece_context,
                      not_mine, segment_context, topic_plan)

# Every kind of copy a pack can hold, in reading order: one list, the campaign's (pack.skip is checked
# against it, and so is every rule pack's applies_to).
KINDS = get_args(PackKind)

# Which part of the campaign a segment-targeted kind speaks to.
PRIVATE_WAKEUPS = ("wakeup.active", "wakeup.dealhunter")  # per person: the bot sends each one
SEGMENT_OF = {
    "wakeup.active": "active", "wakeup.lurker": "lurker", "wakeup.dealhunter": "dealhunter",
    "recall.light": "lapsed_30", "recall.deep": "lapsed_60",
}

# When each kind goes out unless the campaign says otherwise (pack.times).
DEFAULT_TIME = {
    "lure.poster": "09:00", "rules": "09:30", "lure.private": "10:00", "lure.moments": "12:00",
    "lure.nudge": "12:30", "topic": "20:00", "closing": "21:00",
    "wakeup.active": "19:00", "wakeup.lurker": "12:00", "wakeup.dealhunter": "18:00",
    "recall.light": "19:30", "recall.deep": "19:30",
}
# A group needs to live this long before anyone can have gone quiet in it.
WAKEUP_MIN_DAYS = 7
_GAP = 30  # minutes between two group broadcasts
_EVENT_BEFORE = 30  # a live event blocks the half hour before it, and until a quarter hour after it ends
# a topic is a conversation that runs for an hour or more: it keeps that far from the next event members
# gather for (a live, a class, a Q&A), so the replies do not crowd it
_TOPIC_BEFORE = 90


@dataclass(frozen=True)
class Slot:
    id: str
    kind: str
    target: str  # group | private | moments | poster
    sender: str = "operator"  # operator | seed_user | print
    channel: str | None = None
    segment: str | None = None
    day: int | None = None  # 1-based campaign day; None for event-triggered pieces
    time: str | None = None  # HH:MM
    trigger: str | None = None  # on_join | on_add | on_task_done | on_goal | after_end
    offset_days: int | None = None  # for after_end pieces: days after the campaign ends
    condition: str | None = None  # an alternative sent only if this happens (群满时发 / 没满时发)
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def _min(t: str) -> int:
    h, m = t.split(":")
    return int(h) * 60 + int(m)


def _hhmm(m: int) -> str:
    return f"{m // 60:02d}:{m % 60:02d}"


class _Schedule:
    """Group broadcasts of one day never share a minute, keep clear of live events and of quiet hours."""

    def __init__(self, c: Campaign):
        q0, q1 = (_min(t) for t in c.pack.quiet_hours)
        self.quiet = (q0, q1)
        self.placed: dict[int, list[tuple[int, int]]] = {}  # broadcasts already placed, with their gap
        self.live: dict[int, list[tuple[int, int, bool]]] = {}  # the campaign's own events, start to end
        for ev in events(c):
            self.live.setdefault(ev["day"], []).append((_min(ev["time"]), _min(ev["until"]), ev["gathers"]))

    def _in_quiet(self, t: int) -> bool:
        q0, q1 = self.quiet
        return (q0 <= t or t < q1) if q0 > q1 else (q0 <= t < q1)

    def _free(self, day: int, t: int, margins: bool, lead: int = _EVENT_BEFORE) -> bool:
        """Not in quiet hours, no broadcast near, not during an event (with margins: nor the half hour
        before it, or `lead` minutes before one members gather for, nor the quarter hour after it)."""
        def before(gathers: bool) -> int:  # a topic `lead` minutes ahead of a live is still fine: strictly less blocks
            return 0 if not margins else lead - 1 if gathers and lead > _EVENT_BEFORE else _EVENT_BEFORE
        after = 15 if margins else 0
        return (not self._in_quiet(t)
                and all(not (a <= t < b) for a, b in self.placed.get(day, []))
                and all(not (a - before(g) <= t < b + after) for a, b, g in self.live.get(day, [])))

    def place(self, day: int, want: str, not_before: str | None = None, not_after: str | None = None,
              lead: int = _EVENT_BEFORE, earlier_first: bool = False) -> str:
        t0, floor = _min(want), _min(not_before) if not_before else 0
        ceiling = _min(not_after) if not_after else 24 * 60 - 1
        t0 = min(t0, ceiling)
        # first with the margins around events; if the evening has no such room, just outside the events
        for margins in (True, False):
            for step in range(0, 48):
                for t in ((t0 - step * _GAP, t0 + step * _GAP) if earlier_first else (t0 + step * _GAP, t0 - step * _GAP)):
                    if floor <= t <= ceiling and self._free(day, t, margins, lead):
                        self.placed.setdefault(day, []).append((t - _GAP + 1, t + _GAP))
                        return _hhmm(t)
        return _hhmm(max(t0, floor))  # no free half hour: the operator's time, never before the floor


_MEAL_TIMES = (("早餐", "08:30"), ("早饭", "08:30"), ("早上", "08:30"), ("午饭", "12:00"), ("午餐", "12:00"),
               ("中午", "12:00"), ("晚饭", "19:00"), ("晚餐", "19:00"))


def _topic_time(theme: str, default: str) -> str:
    """A topic about breakfast goes out in the morning, not at 20:00."""
    return next((t for word, t in _MEAL_TIMES if word in theme), default)


def plan(c: Campaign) -> list[Slot]:
    """Every slot of the pack, in the order people read it."""
    n = c.group.duration_days
    skip, targets = set(c.pack.skip), set(c.pack.targets)
    times = {**DEFAULT_TIME, **c.pack.times}
    sched = _Schedule(c)
    s: list[Slot] = []
    close_at: str | None = None

    def add(slot: Slot) -> None:
        if slot.kind not in skip and slot.target in targets:
            s.append(slot)

    def at(kind: str, day: int, want: str | None = None, not_before: str | None = None) -> str:
        # on the last day nothing goes out after the closing
        last = _hhmm(_min(close_at) - _GAP) if close_at and day == n and kind != "closing" else None
        return sched.place(day, want or times[kind], not_before, not_after=last)

    add(Slot("lure.poster", "lure.poster", "poster", sender="print", day=1, time=times["lure.poster"]))
    add(Slot("lure.moments", "lure.moments", "moments", sender="seed_user", day=1, time=times["lure.moments"]))
    add(Slot("lure.private", "lure.private", "private", day=1, time=times["lure.private"]))
    qrcodes = [ch for ch in c.channels if ch.kind == "qrcode"] or c.channels[:1]
    for ch in qrcodes:
        add(Slot(f"welcome.group.{ch.id}", "welcome.group", "group", channel=ch.id, trigger="on_join",
                 extra={"channel": channel_context(ch)}))
    add(Slot("welcome.private", "welcome.private", "private", trigger="on_add"))
    if "rules" not in skip:
        add(Slot("rules", "rules", "group", day=1, time=at("rules", 1)))

    topics = {t["day"]: t for t in topic_plan(c)}  # day → that day's topic (a day may have none)
    last_lure_day = deadline_day(c)
    m = c.lure.mechanic
    nudge_days = set(range(1, last_lure_day + 1))
    if last_lure_day > 5:  # a long campaign: the first day, every third day and the last two
        nudge_days = {1, last_lure_day - 1, last_lure_day} | set(range(1, last_lure_day + 1, 3))
    nth = 0
    topic_at: dict[int, str] = {}
    # The last night's closing is the last group message: its time is fixed first, and the
    # day's topic (and a game's answer) go out before it, never after.
    if "closing" not in skip:
        last_event = max((e["until"] for e in events(c) if e["day"] == n and e["what"].startswith("开抢")),
                         default=None)
        close_at = at("closing", n, times["closing"], not_before=last_event)
    for d in range(1, n + 1):
        if d in nudge_days and "lure.nudge" not in skip and c.pack.nudge_cap > 0:
            want = times["lure.nudge"]
            if m.kind == "flash" and d == m.day:  # the flash day's reminder goes out an hour before
                want = _hhmm(max(_min(m.time) - 60, _min("09:00")))
            for k in range(c.pack.nudge_cap):
                sid = f"lure.nudge.d{d}" + (f".{k + 1}" if c.pack.nudge_cap > 1 else "")
                add(Slot(sid, "lure.nudge", "group", day=d, time=at("lure.nudge", d, want if k == 0 else
                         _hhmm(_min(want) + 300 * k)), extra={"nth": nth}))
                nth += 1
        if m.kind == "flash" and d == m.day:  # the minute it opens: the group is told, in the group
            add(Slot("lure.flash", "lure.flash", "group", day=d, time=m.time))
        if d in topics and "topic" not in skip:
            t = topics[d]
            ceiling = None
            if d == n and close_at:  # an hour before the closing; a game also needs its answer before it
                ceiling = _hhmm(_min(close_at) - (105 if t["form"] == "game" else 60))
            when = sched.place(d, _topic_time(t["theme"], times["topic"]) if "topic" not in c.pack.times
                               else times["topic"], not_after=ceiling, lead=_TOPIC_BEFORE,
                               earlier_first=True)  # before the live rather than late after it
            topic_at[d] = when
            reveal = ""
            if t["form"] == "game":  # a game needs its answer: the next day at noon, or before the end
                rday, rwant = (d + 1, "12:00") if d < n else (d, _hhmm(_min(when) + 45))
                rtime = sched.place(rday, rwant, not_after=_hhmm(_min(close_at) - 30) if rday == n and close_at else None)
                said = hhmm_phrase(rtime)
                reveal = "明天" + said if rday > d else "今晚" + said.removeprefix("晚上") if said.startswith("晚上") \
                    else "今天" + said
                add(Slot(f"topic.d{d}.answer", "topic", "group", day=rday, time=rtime,
                         extra={"topic": {**t, "form": "reveal"}, "reveal": reveal}))
            add(Slot(f"topic.d{d}", "topic", "group", day=d, time=when, extra={"topic": t, "reveal": reveal}))
    if m.kind == "invite":  # one inviter's own progress: a bot sends it to them when a friend joins
        add(Slot("lure.progress", "lure.progress", "private", trigger="on_invite"))
    if "lure.fulfilment" not in skip:
        if m.kind == "group_goal":  # the whole group gets it at once: one broadcast when the goal is met
            add(Slot("lure.fulfilment", "lure.fulfilment", "group", trigger="on_goal"))
        else:  # the winner hears it privately, with what happens next
            add(Slot("lure.fulfilment", "lure.fulfilment", "private", trigger="on_task_done"))
    if close_at:
        # two polls in one evening are one too many: after a vote or a game the closing asks nothing
        # and a poll needs two things to choose from (the group's regular services, the topics)
        regular = [sv for sv in c.group.services if sv.recurring] or c.group.services
        no_poll = {"no_poll": n in topics or len(regular) + bool(c.topics) < 2}  # the night's topic is its poll
        if m.kind == "group_goal":  # the last night says what actually happened
            members = m.members
            add(Slot("closing", "closing", "group", day=n, time=close_at, extra={"outcome": "met", **no_poll},
                     condition=f"群满{members}人时发这条"))
            add(Slot("closing.unmet", "closing", "group", day=n, time=close_at, extra={"outcome": "unmet", **no_poll},
                     condition=f"群没满{members}人时发这条"))
        else:
            add(Slot("closing", "closing", "group", day=n, time=close_at, extra=no_poll))

    # Wake-ups speak to members who went quiet in a group that is still there: never in a group
    # that lives only a few days.  A long campaign gets them in its second half; a fan group
    # shorter than that gets them a week after the campaign, when the group goes on.
    lives_long = c.group.type == "fan"
    wake_kinds = [k for k in ("wakeup.active", "wakeup.lurker", "wakeup.dealhunter") if k not in skip]
    for i, kind in enumerate(wake_kinds):
        seg = SEGMENT_OF[kind]
        ctx = {"segment": segment_context(c, seg)}
        if not lives_long or not ctx["segment"]["offer"]:  # no wake-up for a segment the campaign left empty
            continue
        # thanking the active few, or a deal kept for bargain hunters, is said to each of them in private
        # (a broadcast would offer it to everybody); quiet members are called in the group
        target = "private" if kind in PRIVATE_WAKEUPS else "group"
        if n >= WAKEUP_MIN_DAYS:
            day = min(n, WAKEUP_MIN_DAYS // 2 + 1 + i * 2)
            when = at(kind, day)  # a private note too keeps clear of the group's live events
            add(Slot(kind, kind, target, segment=seg, day=day, time=when, extra=ctx))
        else:
            add(Slot(kind, kind, target, segment=seg, trigger="after_end", offset_days=7 + i,
                     time=times[kind], extra=ctx))
    for kind in ("recall.light", "recall.deep"):  # lapsed members: a private message 30 / 60 days on
        seg = SEGMENT_OF[kind]
        ctx = {"segment": segment_context(c, seg)}
        if kind == "recall.light" and not ctx["segment"]["offer"]:  # a month on, a hello needs a reason
            continue
        # with something to give, the 60-day note gives it; without, it asks why (the survey)
        ctx["no_poll"] = kind == "recall.deep" and bool(ctx["segment"]["offer"])
        add(Slot(kind, kind, "private", segment=seg, trigger="after_end",
                 offset_days=past_holidays(c, 30 if seg == "lapsed_30" else 60), time=times[kind], extra=ctx))
    return s


def slot_context(base: dict[str, Any], c: Campaign, slot: Slot, seed: int = 0,
                 registry: dict[str, set[str]] | None = None) -> dict[str, Any]:
    """The base context plus what this slot adds (channel, topic, segment, day, phrasings)."""
    ctx = dict(base)
    ctx.update(slot.extra)
    if slot.day is not None:
        ctx["day"] = dict(base["days"][slot.day - 1])
        ctx["time_phrase"] = slot.time or ""
    fields = {"address": base["voice"]["address"], "name": base["voice"]["name"], "me": base["voice"]["me"],
              # 今晚 only for what goes out in the evening: a breakfast topic at 08:30 is 今天的话题
              "tonight": "今晚" if slot.time and slot.time >= "17:00" else "今天"}
    ctx["say"] = Say(seed, slot.id, fields, registry)
    proof = base["lure"]["proof"]
    ctx["proof_one"] = choose(seed, f"{slot.id}|proof", proof) if proof else ""
    if slot.sender != "operator":  # a poster or a member's post: the operator's 我 is said by name
        name, brand = base["voice"]["name"], base["brand"]["name"] if slot.sender == "seed_user" else ""
        ctx["proof_one"] = not_mine(ctx["proof_one"], name, brand)
        claim = base["lure"]["claim"]
        ctx["lure"] = {**base["lure"], "claim": {**claim, "who_can": not_mine(claim["who_can"], name, brand),
                                                  "how": not_mine(claim["how"], name, brand)}}
    ctx.update(piece_context(slot.kind, base, slot.extra, ctx.get("day"), slot.time, slot.target, seed, slot.id,
                             ctx["say"]))
    ctx["say"].settle()
    return ctx
