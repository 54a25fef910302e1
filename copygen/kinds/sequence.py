"""``sequence``: tokens in order, with at most ``skip`` tokens between a step and the previous one.

Each step matches a token by ``tokens`` (a word list, ``@lexicon`` allowed), by
``regex`` (the whole token), or any token when it has neither.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from ..matching import Context, Doc, Hit, Matcher, Result
from ..rulespec import Patterns, RuleSpec, _M


class Step(_M):
    tokens: list[str] = []
    regex: str | None = None
    skip: int = Field(0, ge=0, le=20)  # tokens allowed between the previous step and this one


class Spec(RuleSpec):
    kind: Literal["sequence"]
    steps: list[Step] = Field(min_length=2)


StepMatch = frozenset | re.Pattern | None


@dataclass
class Compiled:
    steps: list[tuple[Step, StepMatch]]
    # the first step's words as a token matcher: the checker's prefilter then tells whether any
    # of them occurs in a draft (None: the first step is a regex or any token)
    first: Matcher | None = None


def compile(spec: Spec, ctx: Context) -> Compiled:
    steps: list[tuple[Step, StepMatch]] = []
    for st in spec.steps:
        steps.append((st, ctx.words(st.tokens) if st.tokens else (ctx.regex(st.regex) if st.regex else None)))
    first = spec.steps[0].tokens
    return Compiled(steps, ctx.matcher(Patterns(tokens=first)) if first else None)


def inert(c: Compiled) -> Matcher | None:
    """No first-step word in the draft, no match (``run`` checks the same without the prefilter)."""
    return c.first


def _ok(step_m: StepMatch, word: str) -> bool:
    if isinstance(step_m, frozenset):
        return word in step_m
    if isinstance(step_m, re.Pattern):
        return step_m.fullmatch(word) is not None
    return True


def run(c: Compiled, doc: Doc) -> Result:
    first_words = c.steps[0][1]
    if isinstance(first_words, frozenset) and not any(w in doc.norm for w in first_words):
        return [], None  # a token is a piece of the draft: no first-step word in it, no match
    toks = [t for t in doc.tokens if not t.word.isspace()]
    out = []
    first_m = c.steps[0][1]
    for i, t in enumerate(toks):
        if not _ok(first_m, t.word):
            continue
        pos, end_tok = i, t
        matched = True
        for step, m in c.steps[1:]:
            for j in range(pos + 1, min(len(toks), pos + 2 + step.skip)):
                if _ok(m, toks[j].word):
                    pos, end_tok = j, toks[j]
                    break
            else:
                matched = False
                break
        if matched:
            out.append(Hit(t.start, end_tok.end))
    return out, None
