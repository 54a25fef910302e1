"""``dissolution``: what goes where once the group is gone, one ``check`` each:

``group_after_end``     a piece to the group sent after the group's last day
``short_group``         a piece (e.g. a wake-up) in a group that lives fewer than ``min_days``
``recall_to_group``     a piece sent after the end whose text asks people back to the group (``match``)
``deadline_after_end``  the campaign's deadline after the group's last day: on every piece
                        that states that date, else on the campaign as a whole

A group ends on ``end_date``, else a lead or flash group after its ``days``; a fan group
lives on, and these checks (but ``deadline_after_end`` with an explicit end) do not run.
"""

from __future__ import annotations

from typing import Iterable, Literal

from pydantic import Field, model_validator

from ..matching import SpecMatch, compile_match
from ..packmatch import DATE, Hit, View, fmt_date
from ..packspec import PackRuleSpec, empty
from ..rulespec import Patterns


class Spec(PackRuleSpec):
    kind: Literal["dissolution"]
    check: Literal["group_after_end", "short_group", "recall_to_group", "deadline_after_end"]
    min_days: int = Field(7, ge=1)  # short_group: a group must live this long
    match: Patterns = Field(default_factory=Patterns)  # recall_to_group: what asks members back

    @model_validator(mode="after")
    def _needs(self) -> "Spec":
        if self.check == "recall_to_group" and empty(self.match):
            raise ValueError("recall_to_group 要写 match（叫人回群的说法）")
        return self


Compiled = SpecMatch  # the spec and the matcher of its ``match``
compile = compile_match


def run(c: Compiled, v: View) -> Iterable[Hit]:
    spec, t = c.spec, v.t
    if spec.check == "deadline_after_end":
        yield from _deadline_after_end(c, v)
        return
    if t.end_day is None:
        return  # the group lives on, or nobody said when it ends
    for i in v.selected(spec):
        p = v.pieces[i]
        after = t.after_end(p)
        when = f"结束后第{p.offset_days or 0}天" if p.trigger == "after_end" else f"第{t.day_of(p)}天"
        subst = {"days": str(t.end_day), "when": when, "end": f"第{t.end_day}天"}
        if spec.check == "group_after_end" and after:
            yield Hit(i, subst=subst)
        elif spec.check == "short_group" and not after and t.end_day < spec.min_days:
            yield Hit(i, subst={**subst, "min": str(spec.min_days)})
        elif spec.check == "recall_to_group" and after:
            hits = v.pattern_hits(i, c.match)
            if hits:
                yield Hit(i, *hits[0], subst)


def _deadline_after_end(c: Compiled, v: View) -> Iterable[Hit]:
    deadline, end = v.t.c.deadline, v.t.end_date
    if not (deadline and end and deadline > end):
        return
    subst = {"deadline": fmt_date(deadline), "end": fmt_date(end)}
    found = False
    for i in v.selected(c.spec):
        for m, a, b in v.norm_hits(i, DATE):
            if v.written_date(m, 1, deadline) == deadline:
                yield Hit(i, a, b, subst)
                found = True
                break
    if not found:
        yield Hit(None, subst=subst)
