"""``length``: the raw draft measured against a channel's limit.

``max_bytes`` (UTF-8), ``max_chars`` (line breaks not counted), ``max_lines``
(blank ones included).  One finding per limit passed, starting where the draft
passes it ({bytes}/{chars}/{lines} and {limit} fill the message).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field, model_validator

from ..matching import Context, Doc, Hit, Result
from ..rulespec import RuleSpec


class Spec(RuleSpec):
    kind: Literal["length"]
    max_bytes: int | None = Field(None, ge=1)  # UTF-8 bytes of the raw draft
    max_chars: int | None = Field(None, ge=1)  # characters (line breaks not counted)
    max_lines: int | None = Field(None, ge=1)  # lines, blank ones included

    @model_validator(mode="after")
    def _some_limit(self) -> "Spec":
        if self.max_bytes is None and self.max_chars is None and self.max_lines is None:
            raise ValueError("length 规则至少要写 max_bytes、max_chars 或 max_lines")
        return self


@dataclass
class Compiled:
    spec: Spec


def compile(spec: Spec, ctx: Context) -> Compiled:
    return Compiled(spec)


def run(c: Compiled, doc: Doc) -> Result:
    spec = c.spec
    raw = doc.text.raw
    hits: list[Hit] = []

    def at(cut: int, **subst: str) -> None:
        end = min(len(raw), cut + 20)
        nl = raw.find("\n", cut, end)
        end = nl if nl > cut else end
        hits.append(Hit(*doc.text.from_raw(cut, end), subst=subst))

    if spec.max_bytes is not None:
        size = len(raw.encode("utf-8", "surrogatepass"))
        if size > spec.max_bytes:
            cut, used = len(raw), 0
            for i, ch in enumerate(raw):
                used += 1 if ch < "\x80" else 2 if ch < "\u0800" else 3 if ch < "\U00010000" else 4
                if used > spec.max_bytes:
                    cut = i
                    break
            at(cut, bytes=str(size), limit=str(spec.max_bytes))
    if spec.max_chars is not None:
        n = len(raw) - raw.count("\n")
        if n > spec.max_chars:
            cut, seen = len(raw), 0
            for i, ch in enumerate(raw):
                if ch != "\n":
                    seen += 1
                    if seen > spec.max_chars:
                        cut = i
                        break
            at(cut, chars=str(n), limit=str(spec.max_chars))
    if spec.max_lines is not None:
        lines = raw.rstrip("\n").split("\n")
        if len(lines) > spec.max_lines:
            cut = sum(len(line) + 1 for line in lines[:spec.max_lines])
            at(min(cut, len(raw)), lines=str(len(lines)), limit=str(spec.max_lines))
    return hits, None
