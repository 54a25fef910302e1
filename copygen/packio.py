"""A pack on disk → the pack as pack rules see it: campaign facts, a timeline, pieces.

Reads what ``copygen pack`` writes and what people write by hand in the same
format: ``pack.json`` (``{"campaign": {…}, "pieces": […]}``) or ``messages.jsonl``
(one piece per line).  A messages.jsonl may start with one header line
``{"campaign": {…}}`` carrying the campaign facts; without it the rules that
need the campaign (group life, deadline, caps, events) simply do not run.

The campaign dict is read leniently, each field with its default when absent, so
packs written before a field existed still load:

    brand, group, type (lead|fan|flash), days, start_date,
    end_date (the campaign's last day; null = not known), dissolves (false: the group lives on
    after it; default: a lead or flash group is dissolved, a fan group is not),
    deadline (null = the last day),
    mechanic, nudge_cap (1), quiet_hours (["22:00", "08:00"]),
    events ([{"day", "time", "until", "what"}]: the campaign's own live events)

When to judge a group as ended: never when ``dissolves`` is false; else on ``end_date``
when given, else a lead or flash group ends after its ``days`` (it is dissolved after
its last day); a fan group lives on.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import InputError, field_errors

HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"
Target = Literal["group", "private", "moments", "poster"]
# What sends a piece: on_join / on_add / on_task_done / on_invite / on_goal … (an event), or
# after_end (a day count after the campaign); null = at its day and time.  Open, so a new
# event a bot knows about needs no change here.
Trigger = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
PACK_FILES = ("pack.json", "messages.jsonl")


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=False)


class Event(_In):
    day: int = Field(ge=1)
    time: str = Field(pattern=HHMM)
    until: str | None = Field(None, pattern=HHMM)  # when it ends (default: the rule's own window)
    what: str = ""


class CampaignInfo(_In):
    brand: str | None = None
    group: str | None = None
    type: Literal["lead", "fan", "flash"] | None = None
    days: int | None = Field(None, ge=1)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    dissolves: bool | None = None  # false: the group lives on after end_date (the campaign ends, not the group)
    deadline: dt.date | None = None
    mechanic: str | None = None
    nudge_cap: int = Field(1, ge=0)
    quiet_hours: tuple[str, str] = ("22:00", "08:00")
    events: list[Event] = []

    @field_validator("quiet_hours")
    @classmethod
    def _hhmm(cls, v: tuple[str, str]) -> tuple[str, str]:
        for t in v:
            if not _is_hhmm(t):
                raise ValueError(f"quiet_hours 要写成 [\"22:00\", \"08:00\"]，这里是 {t!r}")
        return v

    @field_validator("nudge_cap", "quiet_hours", "events", mode="before")
    @classmethod
    def _null_is_default(cls, v: Any, info) -> Any:  # noqa: ANN001 - pydantic's signature
        if v is None:
            return cls.model_fields[info.field_name].default
        return v


class PieceIn(_In):
    id: str = Field(min_length=1)
    slot: str | None = None
    kind: str = "other"
    target: Target
    channel: str | None = None
    segment: str | None = None
    day: int | None = Field(None, ge=1)
    date: dt.date | None = None
    time: str | None = Field(None, pattern=HHMM)
    trigger: Trigger | None = None
    offset_days: int | None = Field(None, ge=0)
    condition: str | None = None  # sent only if this holds (群满100人时发这条): pieces with different ones are alternatives
    variables: list[str] = []
    text: str

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v


def _is_hhmm(t: str) -> bool:
    return isinstance(t, str) and len(t) == 5 and t[2] == ":" and t[:2].isdigit() and t[3:].isdigit() \
        and int(t[:2]) < 24 and int(t[3:]) < 60


def minutes(t: str) -> int:
    return int(t[:2]) * 60 + int(t[3:])


# ---------------------------------------------------------------- the pack --

@dataclass
class Pack:
    """The pack a rule judges.  ``source`` is the file, as the user named it."""

    source: str
    pieces: list[PieceIn]
    campaign: CampaignInfo | None = None
    index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = {p.id: i for i, p in enumerate(self.pieces)}

    @cached_property
    def timeline(self) -> "Timeline":
        return Timeline(self.campaign, self.pieces)


class Timeline:
    """Days and dates of one pack, worked out once.

    Day numbers are 1-based campaign days; dates exist only when a start date is
    known.  ``end_day`` is the group's last day (None: it lives on, or nobody
    said); ``deadline_day`` the lure's last day (default: the campaign's last day).
    """

    def __init__(self, c: CampaignInfo | None, pieces: list[PieceIn]):
        self.known = c is not None
        c = c or CampaignInfo()
        self.c = c
        self.start = c.start_date
        if self.start is None:  # a hand-written pack: day 1 is the date of any piece that has both
            for p in pieces:
                if p.day and p.date:
                    self.start = p.date - dt.timedelta(days=p.day - 1)
                    break
        self.days = c.days
        if c.dissolves is False:  # the campaign ends, the group stays
            self.end_day = None
        elif c.end_date and self.start:
            self.end_day: int | None = (c.end_date - self.start).days + 1
        elif c.type in ("lead", "flash") and c.days:
            self.end_day = c.days
        else:
            self.end_day = None
        self.end_date = None if self.end_day is None else (c.end_date or self.date_of(self.end_day))
        if c.deadline and self.start:
            self.deadline_day: int | None = (c.deadline - self.start).days + 1
        else:
            self.deadline_day = c.days
        self.deadline_date = c.deadline or (self.date_of(self.deadline_day) if self.deadline_day else None)
        anchors = [self.start, self.end_date, self.deadline_date] + [p.date for p in pieces]
        self.anchor = next((a for a in anchors if a), None)

    def date_of(self, day: int | None) -> dt.date | None:
        if day is None or self.start is None:
            return None
        return self.start + dt.timedelta(days=day - 1)

    def day_of(self, p: PieceIn) -> int | None:
        """The campaign day a piece goes out on; after_end pieces count from the group's end."""
        if p.day is not None:
            return p.day
        if p.date is not None and self.start is not None:
            return (p.date - self.start).days + 1
        if p.trigger == "after_end" and self.end_day is not None:
            return self.end_day + (p.offset_days or 0)
        return None

    def piece_date(self, p: PieceIn) -> dt.date | None:
        return p.date or self.date_of(self.day_of(p))

    def after_end(self, p: PieceIn) -> bool:
        """The piece goes out after the group's last day (known only when the group ends)."""
        if self.end_day is None:
            return False
        if p.trigger == "after_end":
            return True
        d = self.day_of(p)
        return d is not None and d > self.end_day

    def year_for(self, month: int, day: int, near: dt.date | None = None) -> dt.date | None:
        """「M月D日」 as a full date: the year that puts it nearest the piece (or the campaign)."""
        anchor = near or self.anchor
        if anchor is None:
            return None
        best = None
        for y in (anchor.year - 1, anchor.year, anchor.year + 1):
            try:
                d = dt.date(y, month, day)
            except ValueError:
                continue
            if best is None or abs((d - anchor).days) < abs((best - anchor).days):
                best = d
        return best


# ---------------------------------------------------------------- reading --

_WHY = {
    "missing": "缺少这一项", "literal_error": "只能是 {expected}", "string_type": "要写文字",
    "string_pattern_mismatch": "格式不对（时间写成 \"HH:MM\"，如 \"20:00\"）", "int_type": "要写整数",
    "int_parsing": "要写整数", "int_from_float": "要写整数", "greater_than_equal": "不能小于 {ge}",
    "date_type": "日期写成 YYYY-MM-DD", "date_parsing": "日期写成 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期写成 YYYY-MM-DD", "date_from_datetime_inexact": "日期写成 YYYY-MM-DD",
    "list_type": "要写成列表", "tuple_type": "要写成列表", "too_short": "项数不够", "too_long": "项数太多",
    "dict_type": "要写成映射（键: 值）", "model_type": "要写成映射（键: 值）",
}


def _why(err: ValidationError) -> str:
    """The first error as "field: 中文原因" (pydantic's own wording is English)."""
    e = err.errors()[0]
    loc = ".".join(str(x) for x in e["loc"]) or "(根)"
    why = _WHY.get(e["type"])
    if why is None:
        return field_errors(err)[0]
    ctx = {k: str(v).replace(", ", "、").replace(" or ", "、") for k, v in (e.get("ctx") or {}).items()}
    return f"{loc}: {why.format_map(_Blank(ctx))}"


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "…"


def _campaign(data: Any, where: str) -> CampaignInfo:
    if not isinstance(data, dict):
        raise InputError(f"{where}: campaign 必须是一个映射（键: 值）")
    try:
        return CampaignInfo.model_validate(data)
    except ValidationError as err:
        raise InputError(f"{where}: campaign.{_why(err)}") from None


def _piece(data: Any, where: str, default_id: str) -> PieceIn:
    if not isinstance(data, dict):
        raise InputError(f"{where}: 每条文案是一个映射，至少要有 target 和 text")
    if "id" not in data or data["id"] in (None, ""):
        data = {**data, "id": default_id}
    try:
        return PieceIn.model_validate(data)
    except ValidationError as err:
        raise InputError(f"{where}: {_why(err)}") from None


def parse_pack(data: Any, source: str = "<pack>") -> Pack:
    """A pack.json-shaped object (also the inline packs of rule examples) → Pack."""
    if not isinstance(data, dict) or not isinstance(data.get("pieces"), list):
        raise InputError(f"{source}: 需要 {{\"campaign\": {{…}}, \"pieces\": […]}}")
    camp = _campaign(data["campaign"], source) if data.get("campaign") is not None else None
    pieces = [_piece(p, f"{source}: pieces[{i}]", f"piece{i + 1}") for i, p in enumerate(data["pieces"])]
    return _checked(Pack(source, pieces, camp))


def parse_messages(text: str, source: str = "<messages.jsonl>") -> Pack:
    camp = None
    pieces: list[PieceIn] = []
    first = True
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            raise InputError(f"{source}:{n}: 不是合法的 JSON 行") from None
        if first and isinstance(row, dict) and "campaign" in row and "text" not in row:
            camp = _campaign(row["campaign"], f"{source}:{n}")
        else:
            pieces.append(_piece(row, f"{source}:{n}", str(n)))
        first = False
    return _checked(Pack(source, pieces, camp))


def _checked(pack: Pack) -> Pack:
    if not pack.pieces:
        raise InputError(f"{pack.source}: 没有任何文案")
    seen: set[str] = set()
    for p in pack.pieces:
        if p.id in seen:
            raise InputError(f"{pack.source}: 文案编号 {p.id} 重复")
        seen.add(p.id)
    return pack


def pack_file(path: str) -> Path:
    """DIR → its pack.json, else its messages.jsonl; a file is taken as it is."""
    p = Path(path)
    if p.is_dir():
        for name in PACK_FILES:
            if (p / name).is_file():
                return p / name
        raise InputError(f"{path}: 目录里没有 pack.json 或 messages.jsonl")
    if p.is_file():
        return p
    raise InputError(f"{path}: 不存在")


def load_pack(path: str) -> Pack:
    f = pack_file(path)
    try:
        text = f.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{f}: 不是 UTF-8 文本") from None
    except OSError as exc:
        raise InputError(f"{f}: 无法读取（{exc.strerror}）") from None
    if f.suffix == ".jsonl":
        return parse_messages(text, str(f))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{f}: 第{exc.lineno}行格式错误，不是合法的 JSON") from None
    return parse_pack(data, str(f))
