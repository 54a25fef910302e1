"""Messages → filled texts → payloads for one target (the arrow between a pack and a vendor API).

Placeholders are of two sorts:

- per member — ``%NICKNAME%`` (the member's name), ``%INVITED%`` / ``%REMAINING%`` (this inviter's
  count so far / still needed).  They differ for every person, so a message carrying one cannot go
  to a whole group as it is: it is filled per member (``Member``), mapped onto the target's own
  placeholder (WeCom 入群欢迎语 replaces ``%NICKNAME%`` itself), or left out with a note.
- per group — ``%MEMBERS%`` (group size), ``%WINNERS%`` (a flash sale's winners, in its closing):
  one value for everyone, given with ``--var MEMBERS=…`` / ``--var WINNERS=…``.

Any other placeholder the target cannot fill is an input error: nothing with a raw ``%…%`` ever
reaches a customer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import InputError
from .source import Message, PackSource
from .targets import NONE, Mentions, Target

PER_MEMBER = ("%NICKNAME%", "%INVITED%", "%REMAINING%")
PER_GROUP = ("%MEMBERS%", "%WINNERS%")
_PLACEHOLDER = re.compile(r"%[A-Z][A-Z_]*%")


@dataclass(frozen=True)
class Member:
    """One person a message is rendered for: nickname and, for the invite mechanic, their progress."""

    nickname: str | None = None
    invited: int | None = None
    remaining: int | None = None
    goal: int | None = None  # invites needed in all: remaining = goal - invited when remaining is not given

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.nickname is not None:
            out["NICKNAME"] = self.nickname
        if self.invited is not None:
            out["INVITED"] = str(self.invited)
        remaining = self.remaining
        if remaining is None and self.goal is not None and self.invited is not None:
            remaining = max(self.goal - self.invited, 0)
        if remaining is not None:
            out["REMAINING"] = str(remaining)
        return out


def parse_vars(items: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``--var NAME=VALUE`` (NAME with or without the %…%) → {"NAME": "VALUE"}."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().strip("%").upper()
        if not sep or not re.fullmatch(r"[A-Z][A-Z_]*", name):
            raise InputError(f"--var 应写成 名字=值，例如 --var MEMBERS=120（收到：{item}）")
        out[name] = value
    return out


@dataclass(frozen=True)
class Filled:
    text: str | None  # None: left out
    reason: str = ""


def fill(m: Message, target: Target, values: dict[str, str]) -> Filled:
    """``m.text`` with every placeholder filled or mapped onto ``target``'s own, or why it cannot go."""
    native = target.native_for(m)
    missing: list[str] = []

    def sub(match: re.Match) -> str:
        ph = match.group(0)
        name = ph.strip("%")
        if name in values:
            return values[name]
        if ph in native:
            return native[ph]
        missing.append(ph)
        return ph

    text = _PLACEHOLDER.sub(sub, m.text)
    if not missing:
        return Filled(text)
    personal = [p for p in missing if p in PER_MEMBER]
    other = [p for p in dict.fromkeys(missing) if p not in PER_MEMBER]
    if other:
        hint = "用 --var MEMBERS=群人数 填入" if other == ["%MEMBERS%"] else "用 --var 名字=值 填入"
        raise InputError(f"{m.id} 含占位符 {'、'.join(other)}，{target.label}不能替换它；请{hint}")
    names = "、".join(dict.fromkeys(personal))
    if target.audience == "group":
        why = f"含每人不同的占位符 {names}，不能原样发到整个群（用 Python API 按人渲染，或 --var 填一个通用值）"
    else:
        why = f"含占位符 {names}，{target.label}不会替换它（在自己的程序里按人渲染，或 --var 填一个通用值）"
    return Filled(None, why)


@dataclass(frozen=True)
class Part:
    message: Message
    index: int  # 1-based
    count: int
    payload: dict
    bytes: int  # what counts against the target's limit

    @property
    def key(self) -> str:
        return f"{self.message.id}#{self.index}"


@dataclass
class Plan:
    target: Target
    parts: list[Part] = field(default_factory=list)
    skipped: list[tuple[Message, str]] = field(default_factory=list)
    not_for_target: int = 0


def payloads_for(m: Message, target: Target, values: dict[str, str] | None = None, at: Mentions = NONE,
                 sender: str | None = None) -> list[Part]:
    """The payloads of one message for ``target`` (several when it is split); InputError if it cannot go."""
    f = fill(m, target, values or {})
    if f.text is None:
        raise InputError(f"{m.id} {f.reason}")
    return _parts(m, target, f.text, at, sender)


def _parts(m: Message, target: Target, text: str, at: Mentions, sender: str | None) -> list[Part]:
    payloads = target.payloads(text, at, m)
    if target.name == "wecom-groupmsg":
        if not sender:
            raise InputError("wecom-groupmsg 需要 --sender 成员userid（由哪位成员的客户接收）")
        payloads = [{"chat_type": p["chat_type"], "sender": sender, "text": p["text"]} for p in payloads]
    return [Part(m, i, len(payloads), p, target.size(p)) for i, p in enumerate(payloads, 1)]


def plan(src: PackSource, target: Target, values: dict[str, str] | None = None, at: Mentions = NONE,
         at_kinds: set[str] | None = None, sender: str | None = None, scheduled_only: bool = False) -> Plan:
    """Every message of the pack that belongs to ``target``, as payloads, in sending order."""
    values = values or {}
    out = Plan(target)
    messages = src.scheduled() if scheduled_only else (
        src.scheduled() + [m for m in src.messages if m.due is None])
    for m in messages:
        if not target.accepts(m):
            out.not_for_target += 1
            continue
        f = fill(m, target, values)
        if f.text is None:
            out.skipped.append((m, f.reason))
            continue
        mention = at if (at and (at_kinds is None or m.kind in at_kinds or m.id in at_kinds)) else NONE
        out.parts += _parts(m, target, f.text, mention, sender)
    return out
