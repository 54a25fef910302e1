"""``metric``: weighted features summed into a value, compared to a threshold.

Each feature counts its matches (at most ``cap``) times ``weight``; with
``per_chars`` the sum is a density (divided by len/per_chars).  The rule fails
when the value is below (``fail_when: below``) or at/above the threshold, with
one finding at the start ({value} in the message).  Score: ``50 ± (value −
threshold) × 50 / scale``, clamped to 0–100, and kept under 50 when failing,
at 50 or more when passing.

Densities (``per_chars``) of a long text are read paragraph by paragraph, as a
reader does (``Doc.per_paragraph``): one bureaucratic paragraph among chatty ones
is still official, and a chatty one does not water it down.  Each failing
paragraph gives a finding at its start; the score is the worst paragraph's.
Sums without ``per_chars`` (how much a draft sounds like a person) stay whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from ..matching import Context, Doc, Hit, Matcher, Result, dedupe, spans_inside
from ..rulespec import Patterns, RuleSpec, _M


class Feature(_M):
    name: str
    weight: float
    match: Patterns
    cap: int = 3  # at most this many hits count


class Spec(RuleSpec):
    kind: Literal["metric"]
    features: list[Feature] = Field(min_length=1)
    threshold: float
    fail_when: Literal["below", "above"] = "below"
    scale: float = 2.0
    per_chars: int | None = None  # divide the weighted sum by len/per_chars (density)


@dataclass
class Compiled:
    spec: Spec
    features: list[tuple[Feature, Matcher]]
    zero: tuple[bool, float] = (False, 50.0)  # the verdict when no feature matches (value 0)
    needs: tuple[int, ...] | None = None  # each feature matcher's prefilter bits (on first run)


def compile(spec: Spec, ctx: Context) -> Compiled:
    return Compiled(spec, [(f, ctx.matcher(f.match)) for f in spec.features], verdict(spec, 0.0))


def verdict(spec: Spec, value: float) -> tuple[bool, float]:
    """(failing, score) for a feature value."""
    delta = value - spec.threshold
    failing = delta < 0 if spec.fail_when == "below" else delta >= 0
    signed = delta if spec.fail_when == "below" else -delta
    score = max(0.0, min(100.0, 50 + signed * 50 / spec.scale))
    return failing, (min(score, 49.0) if failing else max(score, 50.0))


def _weigh(c: Compiled, counts: list[int], length: int) -> float:
    # features that count 0 add nothing (x + 0.0 is x), so only the others are summed, in order
    value = sum([feat.weight * min(n, feat.cap) for (feat, _), n in zip(c.features, counts) if n])
    if c.spec.per_chars:
        value = value / max(1.0, length / c.spec.per_chars)
    return value


def run(c: Compiled, doc: Doc) -> Result:
    needs = c.needs
    if needs is None:  # the checker's prefilter gives the matchers their bits after compile
        needs = c.needs = tuple(m.need for _, m in c.features)
    mask = doc.mask
    # a feature none of whose needles occurs counts 0 without being searched
    spans = [dedupe(m.find(doc)) if not need or mask & need else []
             for need, (_, m) in zip(needs, c.features)]  # found once, counted per paragraph
    if not any(spans):  # value 0 everywhere (each paragraph's density too)
        failing, score = c.zero
        if not failing:
            return [], score
        starts = [a for a, _ in doc.paragraphs] if c.spec.per_chars and doc.per_paragraph else [0]
        return [Hit(a, a, subst={"value": f"{0.0:.1f}"}) for a in starts], score
    if c.spec.per_chars and doc.per_paragraph:
        hits, scores = [], []
        per_feature = [spans_inside(s, doc.paragraphs) for s in spans]
        for i, (a, b) in enumerate(doc.paragraphs):
            value = _weigh(c, [len(inside[i]) for inside in per_feature], b - a)
            failing, score = verdict(c.spec, value)
            scores.append(score)
            if failing:
                hits.append(Hit(a, a, subst={"value": f"{value:.1f}"}))
        return hits, min(scores)
    value = _weigh(c, [len(s) for s in spans], len(doc.norm))
    failing, score = verdict(c.spec, value)
    return ([Hit(0, 0, subst={"value": f"{value:.1f}"})] if failing else []), score
