"""Pack rules are data: the YAML schema of a pack-rule module (``rules/pack/*.yaml``).

Draft rules (``rulespec``) judge one text; pack rules judge a pack as a whole —
what is sent when and where, what repeats, which dates the copy states.  Each
rule picks one of five closed kinds and supplies data:

``placeholder_scope``  a bot-filled placeholder (``placeholders``) in a piece that is not
                       sent one person at a time: allowed only where an ``allow`` entry
                       (target / trigger / kinds) matches the piece
``repeat``             the same or a near-identical piece (``unit: piece``) or sentence
                       (``unit: sentence``) twice in a pack; ``similarity`` 1.0 = identical
                       after normalisation; ``days_apart: 1`` compares only with the day before
``schedule``           sending times: ``check`` same_minute | per_day_cap | quiet_hours |
                       event_clash
``timeline``           dates and days the text states: ``check`` weekday | today_date |
                       last_day | countdown | day_date | stale_deadline | date_after_end
``dissolution``        what goes where once the group is gone: ``check`` group_after_end |
                       short_group | recall_to_group | deadline_after_end

Every rule narrows the pieces it looks at with ``kinds`` (``wakeup`` matches
``wakeup.active``), ``not_kinds`` and ``targets``; text patterns are
``rulespec.Patterns`` (terms / regex on the normalised text, never ``\\b``).
Examples are small inline packs in the pack.json shape; a fail example may
name the piece (``at``) its finding must point at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import InputError, field_errors, read_data
from .packio import Target, Trigger, parse_pack
from .rulespec import RULE_ID, Patterns, Severity

SCHEDULED = "scheduled"  # the trigger of a piece sent at a day and time (trigger null)


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _empty(p: Patterns) -> bool:
    return not (p.terms or p.tokens or p.regex)


def _piece_kind_matches(kind: str, wanted: list[str]) -> bool:
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
    triggers: list[Literal[Trigger, "scheduled"]] | None = None  # type: ignore[valid-type]
    kinds: list[str] | None = None

    def matches(self, target: str, trigger: str | None, kind: str) -> bool:
        if self.targets is not None and target not in self.targets:
            return False
        if self.triggers is not None and (trigger or SCHEDULED) not in self.triggers:
            return False
        return self.kinds is None or _piece_kind_matches(kind, self.kinds)


class _PackRule(_M):
    id: Annotated[str, Field(pattern=RULE_ID)]
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    severity: Severity = "warning"
    message: str = Field(min_length=2)
    principle: str = ""
    suggestion: str = ""
    link: str = ""
    kinds: list[str] | None = None
    not_kinds: list[str] = []
    targets: list[Target] | None = None
    enabled: bool = True
    examples: PackExamples = Field(default_factory=PackExamples)

    def selects(self, kind: str, target: str) -> bool:
        if self.kinds is not None and not _piece_kind_matches(kind, self.kinds):
            return False
        if self.not_kinds and _piece_kind_matches(kind, self.not_kinds):
            return False
        return self.targets is None or target in self.targets


class PlaceholderScope(_PackRule):
    kind: Literal["placeholder_scope"]
    placeholders: list[Annotated[str, Field(pattern=r"^%[A-Z][A-Z_]*%$")]] = Field(min_length=1)
    allow: list[Where] = []


class Repeat(_PackRule):
    kind: Literal["repeat"]
    unit: Literal["piece", "sentence"]
    similarity: float = Field(1.0, gt=0.5, le=1.0)
    min_chars: int = Field(8, ge=1)  # shorter texts (after normalisation) are never a repeat
    same_kind: bool = False  # compare only pieces of the same kind
    same_target: bool = True  # compare only pieces sent to the same place (group with group…)
    days_apart: int | None = Field(None, ge=1)  # compare only with pieces exactly N days earlier


class Schedule(_PackRule):
    kind: Literal["schedule"]
    check: Literal["same_minute", "per_day_cap", "quiet_hours", "event_clash"]
    cap: int | None = Field(None, ge=0)  # per_day_cap: a fixed cap …
    cap_field: Literal["nudge_cap"] | None = None  # … or the campaign's own
    by_segment: bool = False  # per_day_cap: count per segment (private messages reach one segment)
    before_minutes: int = Field(30, ge=0, le=720)  # event_clash: the window around an event's start
    after_minutes: int = Field(60, ge=0, le=720)

    @model_validator(mode="after")
    def _cap(self) -> "Schedule":
        if self.check == "per_day_cap" and (self.cap is None) == (self.cap_field is None):
            raise ValueError("per_day_cap 要写 cap（固定上限）或 cap_field（取活动里的上限）其中一个")
        return self


class Timeline(_PackRule):
    kind: Literal["timeline"]
    check: Literal["weekday", "today_date", "last_day", "countdown", "day_date", "stale_deadline",
                   "date_after_end"]
    match: Patterns = Field(default_factory=Patterns)  # last_day / stale_deadline: the phrases
    count: list[str] = []  # countdown: regexes whose group 1 is the number of days left
    unless: Patterns = Field(default_factory=Patterns)  # date_after_end: same sentence says where
    triggers: list[Trigger] = []  # stale_deadline: the event-triggered pieces looked at
    when: Literal["always", "outlives_deadline"] = "always"  # stale_deadline

    @field_validator("count")
    @classmethod
    def _one_group(cls, v: list[str]) -> list[str]:
        import re

        for r in v:
            if "\\b" in r:
                raise ValueError(f"正则不能用 \\b（中文里没有词边界）：{r}")
            try:
                if re.compile(r).groups < 1:
                    raise ValueError(f"count 的正则要用第1组括住天数：{r}")
            except re.error as exc:
                raise ValueError(f"正则写错了：{r}（{exc}）") from None
        return v

    @model_validator(mode="after")
    def _needs(self) -> "Timeline":
        if self.check in ("last_day", "stale_deadline") and _empty(self.match):
            raise ValueError(f"{self.check} 要写 match（要找的说法）")
        if self.check == "countdown" and not self.count:
            raise ValueError("countdown 要写 count（带天数的正则）")
        if self.check == "stale_deadline" and not self.triggers:
            raise ValueError("stale_deadline 要写 triggers（看哪些事件触发的文案）")
        return self


class Dissolution(_PackRule):
    kind: Literal["dissolution"]
    check: Literal["group_after_end", "short_group", "recall_to_group", "deadline_after_end"]
    min_days: int = Field(7, ge=1)  # short_group: a group must live this long
    match: Patterns = Field(default_factory=Patterns)  # recall_to_group: what asks members back

    @model_validator(mode="after")
    def _needs(self) -> "Dissolution":
        if self.check == "recall_to_group" and _empty(self.match):
            raise ValueError("recall_to_group 要写 match（叫人回群的说法）")
        return self


PackRule = Annotated[Union[PlaceholderScope, Repeat, Schedule, Timeline, Dissolution], Field(discriminator="kind")]


class PackModule(_M):
    module: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    dimension: Literal["pack"] = "pack"
    principle: str = Field(min_length=2)
    description: str = ""
    rules: list[PackRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> "PackModule":
        ids = [r.id for r in self.rules]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"规则编号重复：{', '.join(dup)}")
        return self


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
