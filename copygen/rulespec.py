"""Rule modules are data: the YAML schema of a module and its closed rule kinds.

One file per module under ``rules/`` (or in a user's rule pack).  A module
names its dimension, the kinds of copy it applies to and the principle behind
it; each rule picks one of six kinds and supplies data:

``existence``     a term/regex/token found → finding (``exceptions`` veto a match,
                  ``unless`` suppresses the rule when evidence is present; ``fix``
                  gives a safe replacement: a literal, a regex template with \\1 /
                  \\g<0>, or a map from the matched text to its replacement)
``substitution``  a term found → finding with the replacement as suggestion and fix
``occurrence``    count matches: fewer than ``min`` or more than ``max`` → finding;
                  with ``score`` the count also drives the dimension score
``metric``        weighted features summed into a score, compared to a threshold
``sequence``      a sequence of jieba tokens with bounded gaps between steps
``length``        the raw draft measured against a channel's limit: ``max_bytes``
                  (UTF-8), ``max_chars``, ``max_lines``; the finding starts where the
                  draft passes the limit ({bytes}/{chars}/{lines} and {limit} fill the message)

Patterns search one view of the draft (``textnorm``): ``norm`` (default),
``squeezed`` (evasion-proof: filler and repeats removed) or ``raw`` (as written,
for typography).  ``tokens`` always compare with jieba tokens of ``norm``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import InputError, field_errors, read_data

Severity = Literal["error", "warning", "info"]
BaseKind = Literal["lure", "welcome", "rules", "topic", "other"]
RULE_ID = r"^[A-Z][A-Z0-9]{1,7}\d{2}$"


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Patterns(_M):
    """What to look for.  ``terms`` and ``regex`` search the normalised draft,
    ``tokens`` must equal whole jieba tokens.  ``@name`` in ``terms`` or
    ``tokens`` expands a lexicon declared at the top of the module."""

    terms: list[str] = []
    tokens: list[str] = []
    regex: list[str] = []
    view: Literal["norm", "squeezed", "raw"] = "norm"

    @field_validator("regex")
    @classmethod
    def _compiles(cls, v: list[str]) -> list[str]:
        for r in v:
            if "\\b" in r:
                raise ValueError(f"正则不能用 \\b（中文里没有词边界）：{r}")
            try:
                re.compile(r)
            except re.error as exc:
                raise ValueError(f"正则写错了：{r}（{exc}）") from None
        return v

    def empty(self) -> bool:
        return not (self.terms or self.tokens or self.regex)


class Examples(_M):
    pass_: list[str] = Field(default_factory=list, alias="pass")
    fail: list[str] = Field(default_factory=list)
    kind: str | None = None  # the kind to check the examples as (default: the rule's first kind)


class _Rule(_M):
    id: Annotated[str, Field(pattern=RULE_ID)]
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    severity: Severity = "warning"
    message: str = Field(min_length=2)
    principle: str = ""
    suggestion: str = ""
    link: str = ""
    kinds: list[str] | None = None  # narrows the module's ``applies_to``
    not_kinds: list[str] = []  # exact kinds left out (e.g. welcome.group has its own byte limit)
    enabled: bool = True  # False = opt-in through the config
    examples: Examples = Field(default_factory=Examples)


class Existence(_Rule):
    kind: Literal["existence"]
    match: Patterns
    exceptions: Patterns = Field(default_factory=Patterns)
    unless: Patterns = Field(default_factory=Patterns)
    unless_scope: Literal["draft", "sentence"] = "draft"
    once: bool = False  # report only the first match
    fix: str | dict[str, str] | None = None  # safe replacement of the match (see the module docstring)


class Substitution(_Rule):
    kind: Literal["substitution"]
    swap: dict[str, str] = Field(min_length=1)
    view: Literal["norm", "squeezed"] = "norm"
    exceptions: Patterns = Field(default_factory=Patterns)


class ScoreSpec(_M):
    base: float = 40
    per_hit: float = 20


class Occurrence(_Rule):
    kind: Literal["occurrence"]
    match: Patterns
    min: int | None = Field(None, ge=1)
    max: int | None = Field(None, ge=0)
    scope: Literal["draft", "sentence"] = "draft"
    distinct: bool = False
    score: ScoreSpec | None = None

    @model_validator(mode="after")
    def _bounds(self) -> "Occurrence":
        if self.min is None and self.max is None:
            raise ValueError("occurrence 规则至少要写 min 或 max")
        return self


class Feature(_M):
    name: str
    weight: float
    match: Patterns
    cap: int = 3  # at most this many hits count


class Metric(_Rule):
    kind: Literal["metric"]
    features: list[Feature] = Field(min_length=1)
    threshold: float
    fail_when: Literal["below", "above"] = "below"
    scale: float = 2.0  # score = 50 ± (value - threshold) * 100 / (2 * scale), clamped
    per_chars: int | None = None  # divide the weighted sum by len/per_chars (density)


class Step(_M):
    tokens: list[str] = []
    regex: str | None = None
    skip: int = Field(0, ge=0, le=20)  # tokens allowed between the previous step and this one


class Sequence(_Rule):
    kind: Literal["sequence"]
    steps: list[Step] = Field(min_length=2)


class Length(_Rule):
    kind: Literal["length"]
    max_bytes: int | None = Field(None, ge=1)  # UTF-8 bytes of the raw draft
    max_chars: int | None = Field(None, ge=1)  # characters (line breaks not counted)
    max_lines: int | None = Field(None, ge=1)  # lines, blank ones included

    @model_validator(mode="after")
    def _some_limit(self) -> "Length":
        if self.max_bytes is None and self.max_chars is None and self.max_lines is None:
            raise ValueError("length 规则至少要写 max_bytes、max_chars 或 max_lines")
        return self


Rule = Annotated[Union[Existence, Substitution, Occurrence, Metric, Sequence, Length], Field(discriminator="kind")]


class Module(_M):
    module: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    dimension: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    applies_to: list[str] = Field(min_length=1)
    principle: str = Field(min_length=2)
    description: str = ""
    lexicons: dict[str, list[str]] = {}
    rules: list[Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> "Module":
        ids = [r.id for r in self.rules]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"规则编号重复：{', '.join(dup)}")
        return self


def load_module(path: Path) -> Module:
    data = read_data(path, "规则文件")
    try:
        return Module.model_validate(data)
    except ValidationError as err:
        raise InputError(f"{path}: {field_errors(err)[0]}") from None


def module_files(root: Path) -> list[Path]:
    return sorted(p for p in root.glob("*.yaml") if p.is_file())
