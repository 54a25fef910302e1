"""``schedule``: sending times, one ``check`` each:

``same_minute``   two scheduled pieces to the same target on the same day and minute
``per_day_cap``   more pieces a day than ``cap`` (or the campaign's ``cap_field``), counted
                  per segment with ``by_segment`` (private messages reach one segment)
``quiet_hours``   a scheduled piece inside the campaign's ``quiet_hours``
``event_clash``   a scheduled piece from ``before_minutes`` before one of the campaign's own
                  ``events`` until it ends (its ``until``, else ``after_minutes`` after its start;
                  a piece that names the event is its reminder)

Only pieces with a time count (event-triggered ones are not scheduled); the
alternatives (variants of one slot, pieces sent on different conditions) count once.
Hits point at the piece, not into its text.
"""

from __future__ import annotations

from typing import Iterable, Literal

from pydantic import Field, model_validator

from ..matching import Context
from ..packio import minutes
from ..packmatch import Hit, View, day_label, event_triggered
from ..packspec import PackRuleSpec
from ..textnorm import normalise, squeeze


class Spec(PackRuleSpec):
    kind: Literal["schedule"]
    check: Literal["same_minute", "per_day_cap", "quiet_hours", "event_clash"]
    cap: int | None = Field(None, ge=0)  # per_day_cap: a fixed cap …
    cap_field: Literal["nudge_cap"] | None = None  # … or the campaign's own
    by_segment: bool = False
    before_minutes: int = Field(30, ge=0, le=720)  # event_clash: the window around an event's start
    after_minutes: int = Field(60, ge=0, le=720)  # how long an event without ``until`` lasts

    @model_validator(mode="after")
    def _cap(self) -> "Spec":
        if self.check == "per_day_cap" and (self.cap is None) == (self.cap_field is None):
            raise ValueError("per_day_cap 要写 cap（固定上限）或 cap_field（取活动里的上限）其中一个")
        return self


def compile(spec: Spec, ctx: Context) -> Spec:
    return spec


def run(spec: Spec, v: View) -> Iterable[Hit]:
    idx = [i for i in v.one_per_slot(v.selected(spec)) if not event_triggered(v.pieces[i].trigger)]
    yield from _CHECKS[spec.check](spec, v, idx)


def _same_minute(spec: Spec, v: View, idx: list[int]) -> Iterable[Hit]:
    first: dict[tuple, int] = {}
    for i in idx:
        p = v.pieces[i]
        k = v.day_key(p)
        if k is None:
            continue
        slot = (k, p.time, p.target)
        if slot in first:
            yield Hit(i, subst={"other": v.pieces[first[slot]].id, "time": f"{day_label(k)} {p.time}"})
        else:
            first[slot] = i


def _per_day_cap(spec: Spec, v: View, idx: list[int]) -> Iterable[Hit]:
    cap = spec.cap if spec.cap is not None else getattr(v.t.c, spec.cap_field)
    count: dict[tuple, int] = {}
    for i in idx:
        p = v.pieces[i]
        day = v.t.day_of(p)
        k = v.day_key(p) or (("day", day) if day else None)
        if k is None:
            continue
        group = (k, p.segment if spec.by_segment else None)
        count[group] = count.get(group, 0) + 1
        if count[group] > cap:
            yield Hit(i, subst={"count": str(count[group]), "cap": str(cap), "day": day_label(k)})


def _quiet_hours(spec: Spec, v: View, idx: list[int]) -> Iterable[Hit]:
    quiet = v.t.c.quiet_hours
    qs, qe = minutes(quiet[0]), minutes(quiet[1])
    for i in idx:
        p = v.pieces[i]
        if p.time is None:
            continue
        t = minutes(p.time)
        if (qs <= t or t < qe) if qs > qe else (qs <= t < qe):  # a window may run past midnight
            yield Hit(i, subst={"time": p.time, "quiet": f"{quiet[0]}–{quiet[1]}"})


def _event_clash(spec: Spec, v: View, idx: list[int]) -> Iterable[Hit]:
    for i in idx:
        p = v.pieces[i]
        d = v.t.day_of(p)
        if p.time is None or d is None:
            continue
        t = minutes(p.time)
        for ev in v.t.c.events:
            start = minutes(ev.time)
            end = minutes(ev.until) if ev.until and minutes(ev.until) > start else start + spec.after_minutes
            if ev.day == d and start - spec.before_minutes <= t < end:
                if ev.what and squeeze(normalise(ev.what)) in squeeze(normalise(p.text)):
                    continue  # the piece is about the event (a reminder), not against it
                yield Hit(i, subst={"what": ev.what or "活动", "event": f"第{ev.day}天 {ev.time}", "time": p.time})
                break


_CHECKS = {"same_minute": _same_minute, "per_day_cap": _per_day_cap, "quiet_hours": _quiet_hours,
           "event_clash": _event_clash}
