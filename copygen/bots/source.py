"""A pack directory as bots see it: messages.jsonl (+ pack.json for the campaign) with due times.

Each message is due at its date and time in one time zone (default
Asia/Shanghai).  Pieces of day N fall on start_date + N - 1; ``after_end``
pieces fall ``offset_days`` after the last campaign day.  Event-triggered
pieces (on_join, on_add, on_task_done) have no due time: a bot sends them when
the event happens.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import InputError

DEFAULT_TZ = "Asia/Shanghai"


@dataclass(frozen=True)
class Message:
    """One line of messages.jsonl, with its place in the file and its due time (None: event-triggered)."""

    id: str
    kind: str
    target: str
    text: str
    variables: tuple[str, ...]
    order: int
    day: int | None = None
    date: str | None = None
    time: str | None = None
    trigger: str | None = None
    offset_days: int | None = None
    channel: str | None = None
    segment: str | None = None
    due: dt.datetime | None = None

    @property
    def scheduled(self) -> bool:
        return self.due is not None


@dataclass
class PackSource:
    dir: Path
    pack_id: str
    campaign: dict
    messages: list[Message] = field(default_factory=list)
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TZ))

    def scheduled(self) -> list[Message]:
        """Messages with a due time, in the order they go out (due time, then file order)."""
        return sorted((m for m in self.messages if m.due is not None), key=lambda m: (m.due, m.order))

    def message(self, message_id: str) -> Message:
        for m in self.messages:
            if m.id == message_id:
                return m
        raise InputError(f"文案包里没有消息 {message_id}")


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(f"不认识的时区 {name}（例如 Asia/Shanghai）") from None


def _date(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InputError(f"{what} 不是合法日期：{value}（应为 YYYY-MM-DD）") from None


def _clock(value: str, where: str) -> dt.time:
    try:
        return dt.time.fromisoformat(value)
    except (TypeError, ValueError):
        raise InputError(f"{where}: time 不是合法时间：{value}（应为 HH:MM）") from None


def load_pack(pack_dir: str | Path, tz: str = DEFAULT_TZ, start: str | dt.date | None = None) -> PackSource:
    """Read PACK_DIR/messages.jsonl and PACK_DIR/pack.json; ``start`` overrides or supplies the start date."""
    d = Path(pack_dir)
    if not d.is_dir():
        raise InputError(f"{d}: 不是文案包目录（先运行 copygen pack CAMPAIGN -o {d}）")
    mpath, ppath = d / "messages.jsonl", d / "pack.json"
    if not mpath.is_file():
        raise InputError(f"{mpath}: 不存在（先运行 copygen pack CAMPAIGN -o {d}）")
    campaign: dict = {}
    if ppath.is_file():
        try:
            campaign = json.loads(ppath.read_text(encoding="utf-8")).get("campaign") or {}
        except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
            raise InputError(f"{ppath}: 不是合法的 JSON") from None
    zi = zone(tz)
    start_date = start if isinstance(start, dt.date) else (
        _date(start, "--start") if start else (_date(campaign["start_date"], "pack.json campaign.start_date")
                                               if campaign.get("start_date") else None))
    days = campaign.get("days")
    messages: list[Message] = []
    seen: set[str] = set()
    try:
        lines = mpath.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise InputError(f"{mpath}: 不是 UTF-8 文本") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{mpath}:{n}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError:
            raise InputError(f"{where}: 不是合法的 JSON") from None
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not isinstance(raw.get("text"), str):
            raise InputError(f"{where}: 每行需要 id 和 text 字段")
        if raw["id"] in seen:
            raise InputError(f"{where}: 消息编号 {raw['id']} 重复")
        seen.add(raw["id"])
        due = None
        time = raw.get("time")
        day, offset = raw.get("day"), raw.get("offset_days")
        if time and raw.get("date") and not (start and day):  # an explicit --start re-dates day N pieces
            due = dt.datetime.combine(_date(raw["date"], f"{where}: date"), _clock(time, where), zi)
        elif time and day and start_date:
            due = dt.datetime.combine(start_date + dt.timedelta(days=int(day) - 1), _clock(time, where), zi)
        elif time and raw.get("trigger") == "after_end" and offset is not None and start_date and days:
            end = start_date + dt.timedelta(days=int(days) - 1)
            due = dt.datetime.combine(end + dt.timedelta(days=int(offset)), _clock(time, where), zi)
        elif time and (day or raw.get("trigger") == "after_end"):
            raise InputError(f"{where}: 活动文件没写 start_date，算不出 {raw['id']} 哪天发；请加 --start YYYY-MM-DD")
        messages.append(Message(
            id=raw["id"], kind=str(raw.get("kind") or raw["id"]), target=str(raw.get("target") or "group"),
            text=raw["text"], variables=tuple(raw.get("variables") or ()), order=n, day=day, date=raw.get("date"),
            time=time, trigger=raw.get("trigger"), offset_days=offset, channel=raw.get("channel"),
            segment=raw.get("segment"), due=due,
        ))
    pack_id = "/".join(str(campaign.get(k) or "-") for k in ("brand", "group", "start_date")) if campaign else d.name
    if start and campaign:
        pack_id = "/".join([str(campaign.get("brand") or "-"), str(campaign.get("group") or "-"), start_date.isoformat()])
    return PackSource(dir=d, pack_id=pack_id, campaign=campaign, messages=messages, tz=zi)
