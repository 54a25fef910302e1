"""``existence``: a term, regex or token found → one finding per match.

``exceptions`` veto a match they overlap; ``unless`` suppresses the rule when
evidence is present in the draft (or, with ``unless_scope: sentence``, in the
match's sentence); ``once`` reports only the first match; ``fix`` gives a safe
replacement: a literal, a regex template with \\1 / \\g<0>, or a map from the
matched text to its replacement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from ..matching import Context, Doc, Hit, Matcher, Result, SpanSet, dedupe
from ..rulespec import Patterns, RuleSpec


class Spec(RuleSpec):
    kind: Literal["existence"]
    match: Patterns
    exceptions: Patterns = Field(default_factory=Patterns)
    unless: Patterns = Field(default_factory=Patterns)
    unless_scope: Literal["draft", "sentence"] = "draft"
    once: bool = False  # report only the first match
    fix: str | dict[str, str] | None = None  # safe replacement of the match (see above)


@dataclass
class Compiled:
    spec: Spec
    match: Matcher
    exceptions: Matcher
    unless: Matcher


def compile(spec: Spec, ctx: Context) -> Compiled:
    return Compiled(spec, ctx.matcher(spec.match), ctx.matcher(spec.exceptions), ctx.matcher(spec.unless))


def inert(c: Compiled) -> Matcher:
    """No match, no finding (exceptions and unless only ever remove matches)."""
    return c.match


def run(c: Compiled, doc: Doc) -> Result:
    hits = c.match.find(doc)
    if not hits:
        return [], None
    spec = c.spec
    if c.exceptions:
        exc = SpanSet(c.exceptions.find(doc))
        hits = [h for h in hits if not exc.overlaps(h)]
    if hits and c.unless:
        if spec.unless_scope == "draft":
            if c.unless.any(doc):
                hits = []
        else:  # the unless spans are found once, then looked up per hit's sentence
            unless = SpanSet(c.unless.find(doc))
            hits = [h for h in hits if not unless.any_within(*doc.sentence_of(h[0]))]
    hits = dedupe(hits)
    if spec.once:
        hits = hits[:1]
    fixes = _fixes(c.match, doc, spec.fix) if hits and spec.fix is not None else {}
    return [Hit(a, b, fix=fixes.get((a, b))) for a, b in hits], None


def _fixes(m: Matcher, doc: Doc, fix: str | dict[str, str]) -> dict[tuple[int, int], str]:
    """The replacement ``fix`` gives for each term/regex match, keyed by its span."""
    out: dict[tuple[int, int], str] = {}
    for span, match in m.matches(doc):
        repl = fix.get(match.group(0)) if isinstance(fix, dict) else match.expand(fix)
        if repl is not None:
            out.setdefault(span, repl)
    return out
