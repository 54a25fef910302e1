"""What a campaign's pack contains: one slot per piece of copy, with its schedule.

A slot names the kind, where it applies (channel / segment / day), who receives
it (group / private / moments) and when it goes out.  ``pack`` fills every slot
from templates; the slot list is the single place that says what a complete
pack is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .campaign import Campaign
from .context import channel_context, segment_context, topic_plan

KINDS = (
    "lure.poster", "lure.moments", "lure.private", "lure.nudge", "lure.fulfilment",
    "welcome.group", "welcome.private", "rules", "topic", "closing",
    "wakeup.active", "wakeup.lurker", "wakeup.dealhunter", "recall.light", "recall.deep",
)

# Which part of the campaign a segment-targeted kind speaks to.
SEGMENT_OF = {
    "wakeup.active": "active", "wakeup.lurker": "lurker", "wakeup.dealhunter": "dealhunter",
    "recall.light": "lapsed_30", "recall.deep": "lapsed_60",
}


@dataclass(frozen=True)
class Slot:
    id: str
    kind: str
    target: str  # group | private | moments | poster
    channel: str | None = None
    segment: str | None = None
    day: int | None = None  # 1-based campaign day; None for event-triggered pieces
    time: str | None = None  # suggested HH:MM
    trigger: str | None = None  # on_join | on_add | on_task_done | after_end
    offset_days: int | None = None  # for after_end pieces: days after the campaign ends
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def plan(c: Campaign) -> list[Slot]:
    """Every slot of the pack, in the order people read it."""
    n = c.group.duration_days
    days = list(range(1, n + 1))
    s: list[Slot] = [
        Slot("lure.poster", "lure.poster", "poster", day=1, time="09:00"),
        Slot("lure.moments", "lure.moments", "moments", day=1, time="12:00"),
        Slot("lure.private", "lure.private", "private", day=1, time="10:00"),
    ]
    qrcodes = [ch for ch in c.channels if ch.kind == "qrcode"] or c.channels[:1]
    for ch in qrcodes:
        s.append(Slot(f"welcome.group.{ch.id}", "welcome.group", "group", channel=ch.id, trigger="on_join",
                      extra={"channel": channel_context(ch)}))
    s.append(Slot("welcome.private", "welcome.private", "private", trigger="on_add"))
    s.append(Slot("rules", "rules", "group", day=1, time="09:30"))
    topics = topic_plan(c)
    last_lure_day = n
    if c.lure.deadline and c.group.start_date:
        last_lure_day = max(1, min(n, (c.lure.deadline - c.group.start_date).days + 1))
    for d in days:
        s.append(Slot(f"topic.d{d}", "topic", "group", day=d, time="20:00",
                      extra={"topic": topics[d - 1]}))
        if d <= last_lure_day:  # no progress nudge once the lure's deadline has passed
            s.append(Slot(f"lure.nudge.d{d}", "lure.nudge", "group", day=d, time="12:30",
                          extra={"is_last": d == last_lure_day}))
    s.append(Slot("lure.fulfilment", "lure.fulfilment", "group", trigger="on_task_done"))
    s.append(Slot("closing", "closing", "group", day=n, time="21:00"))
    # Wake-ups speak to members in the group: a lead or flash group is gone after its last day,
    # so there they go out on the later days of the campaign; a fan group gets them a week after.
    short_lived = c.group.type in ("lead", "flash")
    wake_days = days[1:] or days
    for i, (kind, seg) in enumerate(SEGMENT_OF.items()):
        ctx = {"segment": segment_context(c, seg)}
        if kind.startswith("recall"):  # lapsed members: a private message 30 / 60 days on
            s.append(Slot(kind, kind, "private", segment=seg, trigger="after_end",
                          offset_days=30 if seg == "lapsed_30" else 60, time="19:30", extra=ctx))
        elif short_lived:
            s.append(Slot(kind, kind, "group", segment=seg, day=wake_days[i % len(wake_days)], time="19:00",
                          extra=ctx))
        else:
            s.append(Slot(kind, kind, "group", segment=seg, trigger="after_end", offset_days=7, time="19:30",
                          extra=ctx))
    return s


def slot_context(base: dict[str, Any], c: Campaign, slot: Slot) -> dict[str, Any]:
    """The base context plus what this slot adds (channel, topic, segment, day)."""
    ctx = dict(base)
    ctx.update(slot.extra)
    if slot.day is not None:
        ctx["day"] = dict(base["days"][slot.day - 1])
    return ctx
