"""``timeline``: the dates and days a piece's text states, against the pack's timeline
(``packio.Timeline``), one ``check`` each:

``weekday``         「M月D日（周X）」 whose weekday is not that date's; 「今天/明天周X」 against the
                    piece's own date
``today_date``      「今天/明天是M月D日」 against the piece's own date
``last_day``        a ``match`` phrase (最后一天, 今天截止…) on a day that is not a last day
                    (the deadline, the group's end or the campaign's end)
``countdown``       ``count`` regexes (group 1 = days left) whose number is not the days
                    left to a last day (counted either way: 3 days left = 「还有3天」 or 「还剩最后4天」)
``day_date``        a piece whose ``date`` is not its ``day`` on the timeline
``stale_deadline``  an event-triggered piece (``triggers``) that states a deadline (``match``)
                    though it is sent after it: ``when: always`` (on_add: people add the
                    staff any time) or ``outlives_deadline`` (the group lives past the deadline)
``date_after_end``  a date in the text after the group's last day, unless the same sentence
                    says where it happens (``unless``)

「M月D日」 without a year is read as the year nearest the piece (or the campaign).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable, Literal

from pydantic import Field, field_validator, model_validator

from ..matching import Context, Matcher
from ..packio import Trigger
from ..packmatch import (DATE, DATE_WEEKDAY, REL_DATE, REL_OFFSET, REL_WEEKDAY, TRIGGER_LABEL, WEEKDAY_INDEX,
                         WEEKDAYS, Hit, View, cn_number, fmt_date)
from ..packspec import PackRuleSpec, empty
from ..rulespec import Patterns, compile_regex


class Spec(PackRuleSpec):
    kind: Literal["timeline"]
    check: Literal["weekday", "today_date", "last_day", "countdown", "day_date", "stale_deadline",
                   "date_after_end"]
    match: Patterns = Field(default_factory=Patterns)  # last_day / stale_deadline: the phrases
    count: list[str] = []  # countdown: regexes whose group 1 is the number of days left
    unless: Patterns = Field(default_factory=Patterns)  # date_after_end: the sentence says where
    triggers: list[Trigger] = []  # stale_deadline: the event-triggered pieces looked at
    when: Literal["always", "outlives_deadline"] = "always"  # stale_deadline

    @field_validator("count")
    @classmethod
    def _one_group(cls, v: list[str]) -> list[str]:
        for r in v:
            if compile_regex(r).groups < 1:
                raise ValueError(f"count 的正则要用第1组括住天数：{r}")
        return v

    @model_validator(mode="after")
    def _needs(self) -> "Spec":
        if self.check in ("last_day", "stale_deadline") and empty(self.match):
            raise ValueError(f"{self.check} 要写 match（要找的说法）")
        if self.check == "countdown" and not self.count:
            raise ValueError("countdown 要写 count（带天数的正则）")
        if self.check == "stale_deadline" and not self.triggers:
            raise ValueError("stale_deadline 要写 triggers（看哪些事件触发的文案）")
        return self


@dataclass
class Compiled:
    spec: Spec
    match: Matcher
    unless: Matcher
    count: list[re.Pattern]


def compile(spec: Spec, ctx: Context) -> Compiled:
    return Compiled(spec, ctx.matcher(spec.match), ctx.matcher(spec.unless), [ctx.regex(r) for r in spec.count])


def run(c: Compiled, v: View) -> Iterable[Hit]:
    check = _CHECKS[c.spec.check]
    for i in v.selected(c.spec):
        yield from check(c, v, i)


def _weekday(c: Compiled, v: View, i: int) -> Iterable[Hit]:
    when = v.t.piece_date(v.pieces[i])
    for m, a, b in v.norm_hits(i, DATE_WEEKDAY):
        d = v.written_date(m, 1, when)
        if d is not None and d.weekday() != WEEKDAY_INDEX[m.group(4)]:
            yield Hit(i, a, b, {"written": f"周{m.group(4)}", "date": f"{d.month}月{d.day}日",
                                "actual": f"周{WEEKDAYS[d.weekday()]}"})
    if when is None:
        return
    for m, a, b in v.norm_hits(i, REL_WEEKDAY):
        d = when + dt.timedelta(days=REL_OFFSET[m.group(1)])
        if d.weekday() != WEEKDAY_INDEX[m.group(2)]:
            yield Hit(i, a, b, {"written": f"{m.group(1)}周{m.group(2)}", "date": f"{d.month}月{d.day}日",
                                "actual": f"周{WEEKDAYS[d.weekday()]}"})


def _today_date(c: Compiled, v: View, i: int) -> Iterable[Hit]:
    when = v.t.piece_date(v.pieces[i])
    if when is None:
        return
    for m, a, b in v.norm_hits(i, REL_DATE):
        d = when + dt.timedelta(days=REL_OFFSET[m.group(1)])
        w = v.written_date(m, 2, d)
        if w is not None and w != d:
            yield Hit(i, a, b, {"written": m.group(0), "actual": fmt_date(d)})


def _last_day(c: Compiled, v: View, i: int) -> Iterable[Hit]:
    day, last = v.t.day_of(v.pieces[i]), v.last_days()
    if day is None or not last or day in last:
        return
    for a, b in v.pattern_hits(i, c.match):
        yield Hit(i, a, b, {"day": f"第{day}天", "last": f"第{max(last)}天"})


def _countdown(c: Compiled, v: View, i: int) -> Iterable[Hit]:
    day, last = v.t.day_of(v.pieces[i]), v.last_days()
    if day is None or not last:
        return
    for rx in c.count:
        for m, a, b in v.norm_hits(i, rx):
            n = cn_number(m.group(1))
            if n is not None and not any(n in (x - day, x - day + 1) for x in last):
                yield Hit(i, a, b, {"count": str(n), "expected": str(max(0, max(last) - day))})


def _day_date(c: Compiled, v: View, i: int) -> Iterable[Hit]:
    p = v.pieces[i]
    if p.day is None or p.date is None or v.t.start is None:
        return
    expected = v.t.date_of(p.day)
    if expected != p.date:
        yield Hit(i, subst={"date": p.date.isoformat(), "day": f"第{p.day}天", "expected": expected.isoformat()})


def _stale_deadline(c: Compiled, v: View, i: int) -> Iterable[Hit]:
    p, t = v.pieces[i], v.t
    if p.trigger not in c.spec.triggers:
        return
    if c.spec.when == "outlives_deadline":
        if not t.known or t.deadline_day is None:
            return
        lives_on = t.end_day is None and t.c.type == "fan"
        if not (lives_on or (t.end_day is not None and t.end_day > t.deadline_day)):
            return
    hits = v.pattern_hits(i, c.match)
    if hits:  # one is enough: the piece as a whole is stale
        yield Hit(i, *hits[0], {"trigger": TRIGGER_LABEL.get(p.trigger, p.trigger)})


def _date_after_end(c: Compiled, v: View, i: int) -> Iterable[Hit]:
    t = v.t
    if t.end_date is None:
        return
    d_ = v.docs[i]
    near = t.piece_date(v.pieces[i]) or t.anchor
    for m in DATE.finditer(d_.norm):
        d = v.written_date(m, 1, near)
        if d is None or d <= t.end_date:
            continue
        if c.unless and c.unless.any(d_, d_.sentence_of(m.start())):
            continue  # the same sentence says where it happens (到店, 加微信…)
        a, b = d_.text.to_raw(*m.span())
        yield Hit(i, a, b, {"date": f"{d.month}月{d.day}日", "end": f"{t.end_date.month}月{t.end_date.day}日"})


_CHECKS = {"weekday": _weekday, "today_date": _today_date, "last_day": _last_day, "countdown": _countdown,
           "day_date": _day_date, "stale_deadline": _stale_deadline, "date_after_end": _date_after_end}
