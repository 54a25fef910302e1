"""Pack rules are data: the YAML schema of a pack-rule module (``rules/pack/*.yaml``).

Draft rules (``rulespec``) judge one text; pack rules judge a pack as a whole —
what is sent when and where, what repeats, which dates the copy states.  Each
rule picks one of the closed pack kinds (``copygen/packkinds/``, one module per
kind: its schema, ``compile`` and ``run``) and supplies data:

``placeholder_scope``  a bot-filled placeholder where nobody fills it per person
``repeat``             the same or a near-identical piece / sentence twice
``schedule``           sending times (same minute, per-day caps, quiet hours, the campaign's events)
``timeline``           dates, weekdays, 「最后一天」 and countdowns the text states
``dissolution``        what goes where once the group is gone

Every rule narrows the pieces it looks at with ``kinds`` (``wakeup`` matches
``wakeup.active``), ``not_kinds`` and ``targets``; text patterns are
``rulespec.Patterns`` (terms / regex on the normalised text, shared lexicons as
in draft rules, never ``\\b``).  Examples are small inline packs in the pack.json
shape; a fail example may name the piece (``at``) its finding must point at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field, ValidationError, model_validator

from .errors import InputError, field_errors, read_data
from .packio import Target, Trigger, parse_pack
from .rulespec import Patterns, RuleFields, RuleModule, _M

SCHEDULED = "scheduled"  # the trigger of a piece sent at a day and time (trigger null)


def empty(p: Patterns) -> bool:
    return not (p.terms or p.tokens or p.regex)


def kind_matches(kind: str, wanted: list[str]) -> bool:
    """``wakeup`` matches ``wakeup.active``; ``lure.nudge`` only itself."""
    return any(kind == w or kind.startswith(w + ".") for w in wanted)


class PackExample(_M):
    campaign: dict[str, Any] | None = None
    pieces: list[dict[str, Any]] = Field(min_length=1)
    at: str | None = None  # fail examples: a finding must point at this piece

    @model_validator(mode="after")
    def _loads(self) -> "PackExample":
        pack = parse_pack({"campaign": self.campaign, "pieces": self.pieces}, "example")
        if self.at is not None and self.at not in pack.index:
            raise ValueError(f"at: 例子里没有编号为 {self.at} 的文案")
        return self


class PackExamples(_M):
    pass_: list[PackExample] = Field(default_factory=list, alias="pass")
    fail: list[PackExample] = Field(default_factory=list)


class Where(_M):
    """Where a placeholder may go: every field given must match the piece."""

    targets: list[Target] | None = None
    triggers: list[Trigger] | None = None  # "scheduled": a piece sent at its day and time
    kinds: list[str] | None = None

    def matches(self, target: str, trigger: str | None, kind: str) -> bool:
        if self.targets is not None and target not in self.targets:
            return False
        if self.triggers is not None and (trigger or SCHEDULED) not in self.triggers:
            return False
        return self.kinds is None or kind_matches(kind, self.kinds)


class PackRuleSpec(RuleFields):
    """Fields every pack rule has, whatever its kind; each pack kind module subclasses it."""

    kinds: list[str] | None = None
    not_kinds: list[str] = []
    targets: list[Target] | None = None
    enabled: bool = True
    examples: PackExamples = Field(default_factory=PackExamples)

    def selects(self, kind: str, target: str) -> bool:
        if self.kinds is not None and not kind_matches(kind, self.kinds):
            return False
        if self.not_kinds and kind_matches(kind, self.not_kinds):
            return False
        return self.targets is None or target in self.targets


class PackModule(RuleModule):
    registry: ClassVar[str] = "copygen.packkinds"
    rule_base: ClassVar[type] = PackRuleSpec
    what: ClassVar[str] = "整包规则类型"

    module: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    dimension: Literal["pack"] = "pack"
    principle: str = Field(min_length=2)
    description: str = ""
    rules: list[PackRuleSpec] = Field(min_length=1)


def load_pack_module(path: Path) -> PackModule:
    data = read_data(path, "规则文件")
    try:
        return PackModule.model_validate(data)
    except ValidationError as err:
        raise InputError(f"{path}: {field_errors(err)[0]}") from None
    except InputError as err:  # an example pack that does not load
        raise InputError(f"{path}: {err}") from None


def pack_module_files(root: Path) -> list[Path]:
    d = root / "pack"
    return sorted(p for p in d.glob("*.yaml") if p.is_file()) if d.is_dir() else []
