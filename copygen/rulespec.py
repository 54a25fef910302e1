"""Rule modules are data: the YAML schema of a module and what every rule shares.

One file per module under ``rules/`` (or in a user's rule pack).  A module
names its dimension, the kinds of copy it applies to and the principle behind
it; each rule picks one of the closed rule kinds (``copygen/kinds/``, one module
per kind: its schema, ``compile`` and ``run``) and supplies data:
existence, substitution, occurrence, metric, sequence, length.

Patterns search one view of the draft (``textnorm``): ``norm`` (default),
``squeezed`` (evasion-proof: filler and repeats removed) or ``raw`` (as written,
for typography).  ``tokens`` always compare with the tokens of ``norm``.
Shared word lists live in ``rules/lexicons/`` (see ``copygen.lexicons``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import InputError, field_errors, read_data

Severity = Literal["error", "warning", "info"]
RULE_ID = r"^[A-Z][A-Z0-9]{1,7}\d{2}$"


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def compile_regex(r: str) -> "re.Pattern[str]":
    """A rule file's regex, compiled, or a Chinese one-line reason it cannot be used."""
    if "\\b" in r:
        raise ValueError(f"正则不能用 \\b（中文里没有词边界）：{r}")
    try:
        return re.compile(r)
    except re.error as exc:
        raise ValueError(f"正则写错了：{r}（{exc}）") from None


class Patterns(_M):
    """What to look for.  ``terms`` and ``regex`` search the chosen view of the draft,
    ``tokens`` must equal whole tokens.  ``@name`` in ``terms`` or ``tokens``
    expands a lexicon; ``{lex:name}`` in a regex stands for any of its entries."""

    terms: list[str] = []
    tokens: list[str] = []
    regex: list[str] = []
    view: Literal["norm", "squeezed", "raw"] = "norm"

    @field_validator("regex")
    @classmethod
    def _compiles(cls, v: list[str]) -> list[str]:
        for r in v:
            compile_regex(r)
        return v


class Examples(_M):
    pass_: list[str] = Field(default_factory=list, alias="pass")
    fail: list[str] = Field(default_factory=list)
    kind: str | None = None  # the kind to check the examples as (default: the rule's first kind)


def _known_kinds() -> frozenset[str]:
    """What a rule may apply to: a judged kind (lure, welcome, …), a family (wakeup, recall) or
    one of the copy kinds a pack holds (lure.nudge, welcome.private) — the campaign's one list."""
    from typing import get_args

    from .campaign import PackKind

    full = get_args(PackKind)
    return frozenset({"lure", "welcome", "rules", "topic", "other", *full, *(k.split(".")[0] for k in full)})


def _check_kinds(v: list[str] | None) -> list[str] | None:
    unknown = [k for k in (v or []) if k not in _known_kinds()]
    if unknown:
        raise ValueError(f"不认识的文案类型：{'、'.join(unknown)}（可选 lure、welcome、rules、topic、other，"
                         "或 pack 里的类型如 lure.nudge、welcome.private）")
    return v


class RuleFields(_M):
    """Fields every rule has, draft rule (``RuleSpec``) or pack rule (``packspec.PackRuleSpec``)."""

    id: Annotated[str, Field(pattern=RULE_ID)]
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    kind: str
    severity: Severity = "warning"
    message: str = Field(min_length=2)
    principle: str = ""
    suggestion: str = ""
    link: str = ""


class RuleSpec(RuleFields):
    """Fields every draft rule has, whatever its kind; each kind module subclasses it."""

    kinds: list[str] | None = None  # narrows the module's ``applies_to``
    not_kinds: list[str] = []  # exact kinds left out (e.g. welcome.group has its own byte limit)
    enabled: bool = True  # False = opt-in through the config
    examples: Examples = Field(default_factory=Examples)

    @field_validator("kinds", "not_kinds")
    @classmethod
    def _kinds_known(cls, v: list[str] | None) -> list[str] | None:
        return _check_kinds(v)


class RuleModule(_M):
    """What a draft-rule ``Module`` and a ``packspec.PackModule`` share: a ``rules`` list whose
    rules are each validated by the schema of their kind, looked up in the kind registry named by
    ``registry`` (``what`` names such a kind in errors), with ids used once."""

    registry: ClassVar[str]
    rule_base: ClassVar[type]
    what: ClassVar[str]

    @field_validator("rules", mode="before", check_fields=False)
    @classmethod
    def _by_kind(cls, v: object) -> object:
        if not isinstance(v, list):
            return v
        import importlib

        registry = importlib.import_module(cls.registry)
        out = []
        for i, r in enumerate(v):
            if isinstance(r, cls.rule_base):
                out.append(r)
                continue
            if not isinstance(r, dict):
                raise ValueError(f"第{i + 1}条规则必须是映射")
            label = f"第{i + 1}条规则{' ' + str(r['id']) if r.get('id') else ''}"
            k = registry.get(r.get("kind"))
            if k is None:
                raise ValueError(f"{label}：未知的{cls.what} {r.get('kind')!r}（可选 {'、'.join(registry.names())}）")
            try:
                out.append(k.spec.model_validate(r))
            except ValidationError as err:
                raise ValueError(f"{label}：{field_errors(err)[0]}") from None
        return out

    @model_validator(mode="after")
    def _unique_ids(self):  # noqa: ANN202 - the subclass
        ids = [r.id for r in self.rules]  # type: ignore[attr-defined]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"规则编号重复：{', '.join(dup)}")
        return self


class Module(RuleModule):
    registry: ClassVar[str] = "copygen.kinds"
    rule_base: ClassVar[type] = RuleSpec
    what: ClassVar[str] = "规则类型"

    module: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    dimension: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    applies_to: list[str] = Field(min_length=1)
    principle: str = Field(min_length=2)
    description: str = ""
    lexicons: dict[str, list[str]] = {}  # module-local lexicons (shared ones: rules/lexicons/)
    rules: list[RuleSpec] = Field(min_length=1)

    @field_validator("applies_to")
    @classmethod
    def _applies_known(cls, v: list[str]) -> list[str]:
        return _check_kinds(v)


def load_module(path: Path) -> Module:
    data = read_data(path, "规则文件")
    try:
        return Module.model_validate(data)
    except ValidationError as err:
        raise InputError(f"{path}: {field_errors(err)[0]}") from None


def module_files(root: Path) -> list[Path]:
    return sorted(p for p in root.glob("*.yaml") if p.is_file())
