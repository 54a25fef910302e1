"""Gates: a cheap test that a pattern cannot match a draft, so its regex never runs.

For every regex the gate is a set of characters of which any match must contain at least
one (worked out from the parsed pattern: a literal run, a character class, or the
alternatives of a group).  A draft whose characters miss the whole set is skipped with
one set operation; ``None`` means the pattern can match almost anything (``\\d+``,
``[^。]``) and is always run.
"""

from __future__ import annotations

import re

try:  # Python 3.11+
    from re import _constants as C
    from re import _parser as P
except ImportError:  # Python 3.10
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse as P  # type: ignore[no-redef]

_MAX_CLASS = 400  # a character class bigger than this is not worth a gate
_MAX_NEEDLE_CLASS = 4096  # nor, bigger than this, worth one-character needles (emoji ranges are smaller)


def regex_gate(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Characters one of which every match of ``pattern`` contains, or None."""
    if flags & re.IGNORECASE or "(?i" in pattern or "(?" + "x" in pattern:
        return None  # case-folded literals: not worth modelling
    try:
        parsed = P.parse(pattern, flags)
    except re.error:
        return None
    g = _seq(list(parsed))
    return frozenset(g) if g else None


def group_count(pattern: str) -> int:
    """How many capturing groups ``pattern`` has (without compiling it)."""
    return P.parse(pattern).state.groups - 1


def terms_gate(terms: list[str]) -> frozenset[str] | None:
    """Every term is a literal: one of its characters (the first) must be there."""
    if not terms or any(not t for t in terms):
        return None
    return frozenset(t[0] for t in terms)


def union(gates: list[frozenset[str] | None]) -> frozenset[str] | None:
    if not gates or any(g is None for g in gates):
        return None
    out: set[str] = set()
    for g in gates:
        out |= g  # type: ignore[operator]
    return frozenset(out)


def _seq(items: list) -> set[str] | None:
    """A concatenation: the most selective mandatory element decides."""
    best: set[str] | None = None
    for op, av in items:
        g = _item(op, av)
        if g is not None and (best is None or len(g) < len(best)):
            best = g
    return best


def _item(op, av) -> set[str] | None:
    if op is C.LITERAL:
        return {chr(av)}
    if op is C.IN:
        return _charset(av)
    if op is C.SUBPATTERN:
        return _seq(list(av[-1]))
    if op is C.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            g = _seq(list(branch))
            if g is None:
                return None
            out |= g
        return out
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
        lo, _hi, sub = av
        return _seq(list(sub)) if lo >= 1 else None
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _seq(list(av))
    return None  # ANY, NOT_LITERAL, assertions, anchors, categories: no gate from this element


def _charset(av, limit: int = _MAX_CLASS) -> set[str] | None:
    out: set[str] = set()
    for op, v in av:
        if op is C.NEGATE or op is C.CATEGORY:
            return None
        if op is C.LITERAL:
            out.add(chr(v))
        elif op is C.RANGE:
            lo, hi = v
            if hi - lo > limit:
                return None
            out.update(chr(c) for c in range(lo, hi + 1))
        else:
            return None
    return out if len(out) <= limit else None


# ------------------------------------------------------------------ needles --
# A stronger gate: strings one of which every match must contain (a literal run, or the
# alternatives of a group).  All needles of all patterns of a checker go into one Aho-Corasick
# automaton per view (``prefilter``), so one pass over a draft tells which patterns can match.

def regex_needles(pattern: str) -> frozenset[str] | None:
    """Strings one of which every match of ``pattern`` contains as a substring, or None."""
    if "(?i" in pattern or "(?x" in pattern or "(?u" in pattern:
        return None
    try:
        parsed = P.parse(pattern, 0)
    except re.error:
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None
    got = _nseq(list(parsed))
    return frozenset(got) if got else None


def _better(a: set[str] | None, b: set[str] | None) -> set[str] | None:
    """The more selective of two needle sets: longer shortest string, then fewer strings."""
    if a is None:
        return b
    if b is None:
        return a
    ka = (min(map(len, a)), -len(a))
    kb = (min(map(len, b)), -len(b))
    return a if ka >= kb else b


def _nseq(items: list) -> set[str] | None:
    """A concatenation: any mandatory element's needles will do; runs of literals join up."""
    best: set[str] | None = None
    run: list[str] = []
    for op, av in [*items, (None, None)]:
        if op is C.LITERAL:
            run.append(chr(av))
            continue
        if run:
            best = _better(best, {"".join(run)})
            run = []
        if op is None:
            break
        best = _better(best, _nitem(op, av))
    return best


def _nitem(op, av) -> set[str] | None:
    if op is C.IN:  # one-character needles are looked up in a set, so a bigger class still pays
        return _charset(av, _MAX_NEEDLE_CLASS)
    if op is C.SUBPATTERN:
        if av[1] & re.IGNORECASE:  # (?i:…)
            return None
        return _nseq(list(av[-1]))
    if op is C.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            g = _nseq(list(branch))
            if not g:
                return None
            out |= g
        return out
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
        lo, _hi, sub = av
        return _nseq(list(sub)) if lo >= 1 else None
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _nseq(list(av))
    return None  # ANY, NOT_LITERAL, categories, assertions, anchors, back-references: no needle
