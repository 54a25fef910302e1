"""``occurrence``: count matches in the draft or in each sentence.

Fewer than ``min`` (draft scope) → one finding at the start; more than ``max``
→ a finding at the first match over the limit ({count} in the message).
``distinct`` counts different matched texts.  With ``score`` the best count
also grades the dimension: ``min(100, base + per_hit × count)``, 0 when nothing
is found.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ..matching import Doc, Hit, Result, SpecMatch, compile_match, dedupe, spans_inside
from ..rulespec import Patterns, RuleSpec, _M


class ScoreSpec(_M):
    base: float = 40
    per_hit: float = 20


class Spec(RuleSpec):
    kind: Literal["occurrence"]
    match: Patterns
    min: int | None = Field(None, ge=1)
    max: int | None = Field(None, ge=0)
    scope: Literal["draft", "sentence"] = "draft"
    distinct: bool = False
    score: ScoreSpec | None = None

    @model_validator(mode="after")
    def _bounds(self) -> "Spec":
        if self.min is None and self.max is None:
            raise ValueError("occurrence 规则至少要写 min 或 max")
        return self


Compiled = SpecMatch  # the spec and the matcher of its ``match``
compile = compile_match


def score(s: ScoreSpec, count: int) -> float:
    """The dimension score a count gives."""
    return min(100.0, s.base + s.per_hit * count) if count else 0.0


def run(c: Compiled, doc: Doc) -> Result:
    spec = c.spec
    spans = dedupe(c.match.find(doc))
    if spec.scope == "draft":  # every span lies inside the draft
        scopes, insides = [(0, len(doc.norm))], [spans]
    else:
        scopes = doc.sentences
        insides = spans_inside(spans, scopes)
    hits: list[Hit] = []
    best = 0
    for (s, e), inside in zip(scopes, insides):
        n = len({doc.norm[a:b] for a, b in inside}) if spec.distinct else len(inside)
        best = max(best, n)
        if spec.min is not None and n < spec.min and spec.scope == "draft":
            hits.append(Hit(0, 0))
        if spec.max is not None and n > spec.max:
            a, b = inside[spec.max]
            hits.append(Hit(a, b, subst={"count": str(n)}))
    return hits, (score(spec.score, best) if spec.score is not None else None)
