"""The Python API for bot developers: a pack's messages, when they are due, rendered per member, as payloads.

    from copygen.bots import BotPack, Member

    pack = BotPack("out/")                                   # messages.jsonl + pack.json
    for m in pack.due():                                     # scheduled messages due by now, in order
        for payload in pack.payloads(m, "wecom", members=86):
            post(payload)
    welcome = pack.events("on_join")[0]
    text = pack.render(welcome, Member(nickname="小林"))     # %NICKNAME% filled
    progress = pack.message("lure.progress")
    text = pack.render(progress, Member(nickname="小林", invited=2, goal=3))  # %INVITED% 2, %REMAINING% 1

Everything raises ``copygen.errors.InputError`` (a one-line Chinese message) on bad input: an
unknown target, a placeholder nobody gave a value for, a welcome too long for its API.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import InputError
from .compose import _PLACEHOLDER, Member, Part, payloads_for
from .source import DEFAULT_TZ, Message, load_pack
from .targets import Mentions, get_target

__all__ = ["BotPack", "Member", "Message"]


class BotPack:
    def __init__(self, pack_dir: str | Path, tz: str = DEFAULT_TZ, start: str | dt.date | None = None):
        self.source = load_pack(pack_dir, tz=tz, start=start)

    @property
    def pack_id(self) -> str:
        return self.source.pack_id

    @property
    def messages(self) -> list[Message]:
        return list(self.source.messages)

    def message(self, message_id: str) -> Message:
        return self.source.message(message_id)

    def scheduled(self) -> list[Message]:
        """Messages with a due time, in sending order."""
        return self.source.scheduled()

    def due(self, until: dt.datetime | None = None, since: dt.datetime | None = None,
            target: str | None = None) -> list[Message]:
        """Scheduled messages due in (since, until] (until defaults to now), optionally only those for ``target``."""
        until = until or dt.datetime.now(self.source.tz)
        if until.tzinfo is None:
            until = until.replace(tzinfo=self.source.tz)
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=self.source.tz)
        t = get_target(target) if target else None
        return [m for m in self.scheduled()
                if m.due <= until and (since is None or m.due > since) and (t is None or t.accepts(m))]

    def events(self, trigger: str) -> list[Message]:
        """Messages a bot sends when something happens: on_join, on_add, on_task_done."""
        return [m for m in self.source.messages if m.trigger == trigger]

    def render(self, message: Message | str, member: Member | None = None, members: int | None = None,
               **values: str) -> str:
        """The text with every placeholder filled; InputError naming any placeholder left without a value."""
        m = self.message(message) if isinstance(message, str) else message
        vals = self._values(member, members, values)
        missing: list[str] = []

        def sub(match):
            name = match.group(0).strip("%")
            if name in vals:
                return vals[name]
            missing.append(match.group(0))
            return match.group(0)

        text = _PLACEHOLDER.sub(sub, m.text)
        if missing:
            raise InputError(f"{m.id} 的占位符 {'、'.join(dict.fromkeys(missing))} 没有值"
                             "（Member(nickname=…, invited=…, goal=…) 或 members=群人数）")
        return text

    def payloads(self, message: Message | str, target: str, member: Member | None = None,
                 members: int | None = None, at: list[str] | tuple[str, ...] = (), sender: str | None = None,
                 **values: str) -> list[dict]:
        """Request bodies for ``target`` (several when the text is split).  A placeholder the target fills
        itself (WeCom 入群欢迎语's %NICKNAME%) stays unless a value is given."""
        return [p.payload for p in self.parts(message, target, member, members, at, sender, **values)]

    def parts(self, message: Message | str, target: str, member: Member | None = None,
              members: int | None = None, at: list[str] | tuple[str, ...] = (), sender: str | None = None,
              **values: str) -> list[Part]:
        m = self.message(message) if isinstance(message, str) else message
        t = get_target(target)
        return payloads_for(m, t, self._values(member, members, values), Mentions.parse(list(at)), sender)

    @staticmethod
    def _values(member: Member | None, members: int | None, values: dict[str, str]) -> dict[str, str]:
        out = dict(member.values()) if member else {}
        if members is not None:
            out["MEMBERS"] = str(members)
        out.update({k.strip("%").upper(): str(v) for k, v in values.items()})
        return out
