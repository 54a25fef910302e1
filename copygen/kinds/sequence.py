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
    # every step's words likewise: a draft missing all of one step's words has no match, so it
    # is not tokenised for this rule
    words: tuple[Matcher, ...] = ()


def compile(spec: Spec, ctx: Context) -> Compiled:
    steps: list[tuple[Step, StepMatch]] = []
    for st in spec.steps:
        steps.append((st, ctx.words(st.tokens) if st.tokens else (ctx.regex(st.regex) if st.regex else None)))
    words = tuple(ctx.matcher(Patterns(tokens=st.tokens)) if st.tokens else None for st in spec.steps)
    return Compiled(steps, words[0], tuple(m for m in words if m is not None))


def inert(c: Compiled) -> Matcher | None:
    """No first-step word in the draft, no match (``run`` checks the same without the prefilter)."""
    return c.first


def _words_present(m: Matcher, doc: Doc) -> bool:
    """Whether one of a step's words occurs in the draft (a token is a piece of the draft)."""
    if m.tbit:
        return bool(doc.mask & m.tbit)
    return any(w in doc.norm for w in m.tokens)


def _ok(step_m: StepMatch, word: str) -> bool:
    if isinstance(step_m, frozenset):
        return word in step_m
    if isinstance(step_m, re.Pattern):
        return step_m.fullmatch(word) is not None
    return True


def run(c: Compiled, doc: Doc) -> Result:
    for m in c.words:
        if not _words_present(m, doc):
            return [], None  # no word of this step in the draft: no match, and no tokens needed
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
