"""``placeholder_scope``: a bot-filled placeholder in a piece nobody sends one person at a time.

``placeholders`` are the ones the rule watches; a piece may carry them only where
an ``allow`` entry (targets / triggers / kinds, every given field matching) fits it.
One hit per occurrence, on the placeholder as written.
"""

from __future__ import annotations

from typing import Annotated, Iterable, Literal

from pydantic import Field

from ..matching import Context
from ..packmatch import PLACEHOLDER, Hit, View
from ..packspec import PackRuleSpec, Where


class Spec(PackRuleSpec):
    kind: Literal["placeholder_scope"]
    placeholders: list[Annotated[str, Field(pattern=r"^%[A-Z][A-Z_]*%$")]] = Field(min_length=1)
    allow: list[Where] = []


def compile(spec: Spec, ctx: Context) -> Spec:
    return spec


def run(spec: Spec, v: View) -> Iterable[Hit]:
    wanted = set(spec.placeholders)
    for i in v.selected(spec):
        p = v.pieces[i]
        if any(w.matches(p.target, p.trigger, p.kind) for w in spec.allow):
            continue
        for m in PLACEHOLDER.finditer(p.text):  # as written: a bot replaces the exact ASCII string
            if m.group(0) in wanted:
                yield Hit(i, m.start(), m.end(), {"placeholder": m.group(0)})
