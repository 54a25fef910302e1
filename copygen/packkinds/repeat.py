"""``repeat``: the same or a near-identical piece (``unit: piece``) or sentence
(``unit: sentence``) twice among pieces the same people see.

Texts are compared on ``packmatch.repeat_key`` (no dates, weekdays, placeholders,
punctuation or emoji); ``similarity`` is difflib's ratio (1.0 = identical).  Never
compared: alternatives (variants of one slot, pieces sent on different conditions),
welcomes of different channels, private messages to
different segments; ``same_target`` / ``same_kind`` / ``days_apart`` narrow further.
In sentence mode, two pieces that repeat as a whole are left to the piece rule.
The hit is on the later piece (its first line, or the sentence).
"""

from __future__ import annotations

from typing import Iterable, Literal

from pydantic import Field

from ..matching import Context
from ..packmatch import Hit, View, repeat_key, similar
from ..packspec import PackRuleSpec


class Spec(PackRuleSpec):
    kind: Literal["repeat"]
    unit: Literal["piece", "sentence"]
    similarity: float = Field(1.0, gt=0.5, le=1.0)
    min_chars: int = Field(8, ge=1)  # shorter texts (after normalisation) are never a repeat
    same_kind: bool = False  # compare only pieces of the same kind
    same_target: bool = True  # compare only pieces sent to the same place (group with group…)
    days_apart: int | None = Field(None, ge=1)  # compare only with pieces exactly N days earlier


def compile(spec: Spec, ctx: Context) -> Spec:
    return spec


def _comparable(spec: Spec, v: View, i: int, j: int) -> bool:
    p, q = v.pieces[i], v.pieces[j]
    if v.alternatives(i, j):
        return False  # variants of one slot, or pieces for different outcomes: only one goes out
    if p.channel and q.channel and p.channel != q.channel:
        return False  # each channel's joiners get their own welcome
    if p.target == q.target == "private" and p.segment and q.segment and p.segment != q.segment:
        return False  # private messages to different segments reach different people
    if spec.same_target and p.target != q.target:
        return False
    if spec.same_kind and p.kind != q.kind:
        return False
    if spec.days_apart is not None:
        dp, dq = v.t.day_of(p), v.t.day_of(q)
        if dp is None or dq is None or dp - dq != spec.days_apart:
            return False
    return True


def _units(spec: Spec, v: View) -> list[tuple[int, int, int, str]]:
    """(piece, raw start, raw end, key) for every piece or sentence long enough to count."""
    units = []
    for i in v.selected(spec):
        text = v.pieces[i].text
        if spec.unit == "piece":
            k = v.key(i)
            if len(k) >= spec.min_chars:
                units.append((i, 0, len(text.split("\n", 1)[0]), k))
            continue
        d = v.docs[i]
        for a, b in d.sentences:
            k = repeat_key(d.norm[a:b])
            if len(k) >= spec.min_chars:
                ra, rb = d.text.to_raw(a, b)
                units.append((i, ra, ra + len(text[ra:rb].rstrip("\n")), k))
    return units


def run(spec: Spec, v: View) -> Iterable[Hit]:
    units = _units(spec, v)
    pair_ok: dict[tuple[int, int], bool] = {}
    for n, (i, a, b, k) in enumerate(units):
        for j, _, _, k2 in units[:n]:
            if j == i:
                continue
            ok = pair_ok.get((i, j))
            if ok is None:
                ok = _comparable(spec, v, i, j)
                if ok and spec.unit == "sentence":  # a whole repeated piece is the piece rule's finding
                    ok = not similar(v.key(i), v.key(j), spec.similarity)
                pair_ok[(i, j)] = ok
            if ok and similar(k, k2, spec.similarity):
                yield Hit(i, a, b, {"other": v.pieces[j].id})
                break
