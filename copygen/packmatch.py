"""What every pack-rule kind shares: the pack as rules see it (``View``), a hit,
and the small Chinese date grammar (「M月D日（周X）」「今天是…」「还有N天」).

A piece's text is normalised once (``matching.Doc``); spans found in the
normalised text are mapped back, so a hit always points into the text as written.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Iterator

from .matching import Doc, Matcher
from .packio import Pack, PieceIn
from .textnorm import normalise, squeeze
from .tokenize import Segmenter

if TYPE_CHECKING:
    from .packspec import PackRuleSpec

WEEKDAYS = "一二三四五六日"
WEEKDAY_INDEX = {c: i for i, c in enumerate(WEEKDAYS)} | {"天": 6, "七": 6}
_CN_NUM = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
PLACEHOLDER = re.compile(r"%[A-Z][A-Z_]*%")
DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]")
DATE_WEEKDAY = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]\s*[（(]?\s*(?:周|星期|礼拜)([一二三四五六日天七])")
_REL = r"(今天|今日|今晚|今儿|明天|明日|明晚|后天)"
REL_OFFSET = {"今天": 0, "今日": 0, "今晚": 0, "今儿": 0, "明天": 1, "明日": 1, "明晚": 1, "后天": 2}
REL_WEEKDAY = re.compile(_REL + r"(?:是|就是)?\s*[（(]?\s*(?:周|星期|礼拜)([一二三四五六日天七])")
REL_DATE = re.compile(_REL + r"(?:是|就是)?\s*(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]")
_WEEKDAY_WORD = re.compile(r"(?:周|星期|礼拜)[一二三四五六日天七]")
TRIGGER_LABEL = {"on_join": "有人入群时", "on_add": "加好友后", "on_task_done": "有人完成任务时",
                 "on_invite": "有人邀请了好友时", "on_goal": "群满员时", "after_end": "活动结束后"}


def event_triggered(trigger: str | None) -> bool:
    """Sent when something happens (on_join, on_add, on_goal…), not at a day and time."""
    return trigger is not None and trigger != "after_end"


def cn_number(s: str) -> int | None:
    """「3」「十二」「两」 → int (days are small numbers)."""
    if s.isdigit():
        return int(s)
    if s == "十":
        return 10
    if "十" in s:
        a, _, b = s.partition("十")
        tens = _CN_NUM.get(a, 1) if a else 1
        ones = _CN_NUM.get(b, None) if b else 0
        return None if ones is None else tens * 10 + ones
    if len(s) == 1 and s in _CN_NUM:
        return _CN_NUM[s]
    return None


@dataclass
class Hit:
    """One finding-to-be: a piece (index, or None for the campaign) and a span of its raw text."""

    piece: int | None
    start: int = 0
    end: int = 0
    subst: dict[str, str] = field(default_factory=dict)


class View:
    """One pack while it is judged: docs, send order and comparison keys, computed once."""

    def __init__(self, pack: Pack, segmenter: Segmenter):
        self.pack = pack
        self.pieces = pack.pieces
        self.t = pack.timeline
        self.docs = [Doc(p.text, segmenter) for p in pack.pieces]
        self._keys: dict[int, str] = {}
        self._order: list[int] | None = None

    def when(self, i: int) -> tuple[int, str, int]:
        p = self.pieces[i]
        day = self.t.day_of(p)
        return (day if day is not None else 0, p.time or "", i)

    def order(self) -> list[int]:
        """Piece indices in the order they go out (event-triggered pieces first)."""
        if self._order is None:
            self._order = sorted(range(len(self.pieces)), key=self.when)
        return self._order

    def selected(self, rule: "PackRuleSpec") -> list[int]:
        """The pieces a rule looks at (its kinds / not_kinds / targets), in send order."""
        return [i for i in self.order() if rule.selects(self.pieces[i].kind, self.pieces[i].target)]

    def key(self, i: int) -> str:
        if i not in self._keys:
            self._keys[i] = repeat_key(self.pieces[i].text)
        return self._keys[i]

    def norm_hits(self, i: int, rx: re.Pattern) -> Iterator[tuple[re.Match, int, int]]:
        """Matches of ``rx`` in the normalised text of piece i, with raw spans."""
        d = self.docs[i]
        for m in rx.finditer(d.norm):
            a, b = d.text.to_raw(*m.span())
            yield m, a, b

    def pattern_hits(self, i: int, m: Matcher) -> list[tuple[int, int]]:
        d = self.docs[i]
        return [d.text.to_raw(a, b) for a, b in m.find(d)]

    def written_date(self, m: re.Match, year_group: int, near: dt.date | None) -> dt.date | None:
        """The date a 「(YYYY年)M月D日」 match names; without a year, the one nearest ``near``."""
        month, day = int(m.group(year_group + 1)), int(m.group(year_group + 2))
        if m.group(year_group):
            try:
                return dt.date(int(m.group(year_group)), month, day)
            except ValueError:
                return None
        return self.t.year_for(month, day, near)

    def last_days(self) -> set[int]:
        """Days a 「最后一天」 or a countdown may count to: the deadline, the group's end, the campaign's end."""
        return {d for d in (self.t.deadline_day, self.t.end_day, self.t.days) if d is not None}

    def day_key(self, p: PieceIn) -> tuple | None:
        """The day a scheduled piece goes out on (after_end pieces by offset when no end is known)."""
        if p.time is None:
            return None
        d = self.t.day_of(p)
        if d is not None:
            return ("day", d)
        if p.trigger == "after_end":
            return ("after", p.offset_days or 0)
        return None

    def alternatives(self, i: int, j: int) -> bool:
        """Only one of the two goes out: variants of one slot, or pieces sent on different conditions."""
        p, q = self.pieces[i], self.pieces[j]
        if p.slot is not None and p.slot == q.slot:
            return True
        return bool(p.condition and q.condition and p.condition != q.condition)

    def one_per_slot(self, idx: list[int]) -> list[int]:
        """What actually goes out: the first of every set of alternatives."""
        out: list[int] = []
        for i in idx:
            if not any(self.alternatives(i, j) for j in out):
                out.append(i)
        return out


def day_label(key: tuple) -> str:
    return f"第{key[1]}天" if key[0] == "day" else f"结束后第{key[1]}天"


def fmt_date(d: dt.date) -> str:
    return f"{d.month}月{d.day}日（周{WEEKDAYS[d.weekday()]}）"


def repeat_key(text: str) -> str:
    """What two pieces or sentences are compared on: normalised, without placeholders,
    dates and weekdays (「3月8日（周一）进度」 repeats 「3月12日（周五）进度」), punctuation,
    spaces and emoji."""
    n = PLACEHOLDER.sub("", normalise(text))
    n = _WEEKDAY_WORD.sub("", DATE.sub("", n))
    return squeeze(n)


def similar(a: str, b: str, threshold: float) -> bool:
    """difflib's ratio ≥ threshold (1.0: equal), with its cheap upper bounds tried first."""
    if threshold >= 1.0:
        return a == b
    if a == b:
        return True
    sm = SequenceMatcher(None, a, b, autojunk=False)
    return sm.real_quick_ratio() >= threshold and sm.quick_ratio() >= threshold and sm.ratio() >= threshold
