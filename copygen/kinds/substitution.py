"""``substitution``: a term found → a finding whose suggestion and fix is its replacement.

``swap`` maps each term to the better wording ({swap} in the message);
``exceptions`` veto a match they overlap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from ..matching import Context, Doc, Hit, Matcher, Result, SpanSet, dedupe
from ..rulespec import Patterns, RuleSpec
from ..textnorm import normalise, squeeze


class Spec(RuleSpec):
    kind: Literal["substitution"]
    swap: dict[str, str] = Field(min_length=1)
    view: Literal["norm", "squeezed"] = "norm"
    exceptions: Patterns = Field(default_factory=Patterns)


@dataclass
class Compiled:
    swap: dict[str, str]
    match: Matcher
    exceptions: Matcher


def compile(spec: Spec, ctx: Context) -> Compiled:
    swap = {normalise(k): v for k, v in spec.swap.items()}
    return Compiled(swap, ctx.matcher(Patterns(terms=list(spec.swap), view=spec.view)), ctx.matcher(spec.exceptions))


def inert(c: Compiled) -> Matcher:
    """No swap term in the draft, no finding."""
    return c.match


def run(c: Compiled, doc: Doc) -> Result:
    spans = c.match.find(doc)
    if spans and c.exceptions:
        exc = SpanSet(c.exceptions.find(doc))
        spans = [h for h in spans if not exc.overlaps(h)]
    out = []
    for a, b in dedupe(spans):
        good = c.swap.get(doc.norm[a:b]) or c.swap.get(squeeze(doc.norm[a:b])) or ""
        out.append(Hit(a, b, fix=good or None, subst={"swap": good}))
    return out, None
