"""A pack + pack-rule modules → findings.  The five closed kinds of ``packspec``
are interpreted here; this module knows nothing about any particular rule.

A finding names the piece and, where the problem is in the text, a span into
that piece's text as written (texts are normalised with ``textnorm`` and
matched there; spans are mapped back).  Findings about the schedule or the
campaign as a whole point at the start of the piece (or at no piece).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import packspec as ps
from .engine import shipped_lexicons
from .errors import InputError
from .matching import Context, Doc, Matcher
from .packio import Pack, PieceIn, minutes
from .textnorm import normalise, squeeze
from .tokenize import Segmenter

WEEKDAYS = "一二三四五六日"
_WD = {c: i for i, c in enumerate(WEEKDAYS)} | {"天": 6, "七": 6}
_CN_NUM = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_PLACEHOLDER = re.compile(r"%[A-Z][A-Z_]*%")
_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]")
_DATE_WD = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]\s*[（(]?\s*(?:周|星期|礼拜)([一二三四五六日天七])")
_REL = r"(今天|今日|今晚|今儿|明天|明日|明晚|后天)"
_REL_OFFSET = {"今天": 0, "今日": 0, "今晚": 0, "今儿": 0, "明天": 1, "明日": 1, "明晚": 1, "后天": 2}
_REL_WD = re.compile(_REL + r"(?:是|就是)?\s*[（(]?\s*(?:周|星期|礼拜)([一二三四五六日天七])")
_REL_DATE = re.compile(_REL + r"(?:是|就是)?\s*(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]")
_WEEKDAY_WORD = re.compile(r"(?:周|星期|礼拜)[一二三四五六日天七]")


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


@dataclass(frozen=True)
class PackFinding:
    rule: str
    name: str
    dimension: str
    severity: str
    message: str
    piece: str | None  # None: the campaign as a whole
    start: int  # character offsets into the piece's text as written
    end: int
    line: int
    column: int
    excerpt: str
    suggestion: str = ""

    def public(self) -> dict:
        d = asdict(self)
        d.pop("name")
        return d


@dataclass
class _Hit:
    piece: int | None  # index into pack.pieces
    start: int = 0  # raw offsets
    end: int = 0
    subst: dict[str, str] = field(default_factory=dict)


class _View:
    """One pack while it is judged: docs, send order and matchers, computed once."""

    def __init__(self, pack: Pack, segmenter: Segmenter):
        self.pack = pack
        self.t = pack.timeline
        self.docs = [Doc(p.text, segmenter) for p in pack.pieces]
        self._keys: dict[int, str] = {}

    def when(self, i: int) -> tuple[int, str, int]:
        p = self.pack.pieces[i]
        day = self.t.day_of(p)
        return (day if day is not None else 0, p.time or "", i)

    def order(self) -> list[int]:
        return sorted(range(len(self.pack.pieces)), key=self.when)

    def key(self, i: int) -> str:
        if i not in self._keys:
            self._keys[i] = repeat_key(self.pack.pieces[i].text)
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


def repeat_key(text: str) -> str:
    """What two pieces or sentences are compared on: normalised, without placeholders,
    dates and weekdays (「3月8日（周一）进度」 repeats 「3月12日（周五）进度」), punctuation,
    spaces and emoji."""
    n = _PLACEHOLDER.sub("", normalise(text))
    n = _WEEKDAY_WORD.sub("", _DATE.sub("", n))
    return squeeze(n)


def _similar(a: str, b: str, threshold: float) -> bool:
    if threshold >= 1.0:
        return a == b
    if a == b:
        return True
    sm = SequenceMatcher(None, a, b, autojunk=False)
    return sm.real_quick_ratio() >= threshold and sm.quick_ratio() >= threshold and sm.ratio() >= threshold


# ---------------------------------------------------------------- kinds --

def _selected(rule: ps._PackRule, v: _View) -> list[int]:
    return [i for i in v.order() if rule.selects(v.pack.pieces[i].kind, v.pack.pieces[i].target)]


def _placeholder_scope(rule: ps.PlaceholderScope, v: _View, _: dict) -> Iterable[_Hit]:
    wanted = set(rule.placeholders)
    for i in _selected(rule, v):
        p = v.pack.pieces[i]
        if any(w.matches(p.target, p.trigger, p.kind) for w in rule.allow):
            continue
        for m in _PLACEHOLDER.finditer(p.text):
            if m.group(0) in wanted:
                yield _Hit(i, m.start(), m.end(), {"placeholder": m.group(0)})


def _comparable(rule: ps.Repeat, v: _View, i: int, j: int) -> bool:
    p, q = v.pack.pieces[i], v.pack.pieces[j]
    if p.slot is not None and p.slot == q.slot:
        return False  # variants of one slot: the operator sends one of them
    if p.channel and q.channel and p.channel != q.channel:
        return False  # each channel's joiners get their own welcome
    if p.target == q.target == "private" and p.segment and q.segment and p.segment != q.segment:
        return False  # private messages to different segments reach different people
    if rule.same_target and p.target != q.target:
        return False
    if rule.same_kind and p.kind != q.kind:
        return False
    if rule.days_apart is not None:
        dp, dq = v.t.day_of(p), v.t.day_of(q)
        if dp is None or dq is None or dp - dq != rule.days_apart:
            return False
    return True


def _repeat(rule: ps.Repeat, v: _View, _: dict) -> Iterable[_Hit]:
    units: list[tuple[int, int, int, str]] = []  # piece, raw start, raw end, key
    for i in _selected(rule, v):
        text = v.pack.pieces[i].text
        if rule.unit == "piece":
            k = v.key(i)
            if len(k) >= rule.min_chars:
                first = text.split("\n", 1)[0]
                units.append((i, 0, len(first), k))
        else:
            d = v.docs[i]
            for a, b in d.sentences:
                k = repeat_key(d.norm[a:b])
                if len(k) >= rule.min_chars:
                    ra, rb = d.text.to_raw(a, b)
                    raw = text[ra:rb]
                    rb = ra + len(raw.rstrip("\n"))
                    units.append((i, ra, rb, k))
    pair_ok: dict[tuple[int, int], bool] = {}
    for n, (i, a, b, k) in enumerate(units):
        for j, _a, _b, k2 in units[:n]:
            if j == i:
                continue
            ok = pair_ok.get((i, j))
            if ok is None:
                ok = _comparable(rule, v, i, j)
                if ok and rule.unit == "sentence":  # a whole repeated piece is the piece rule's finding
                    ok = not _similar(v.key(i), v.key(j), rule.similarity)
                pair_ok[(i, j)] = ok
            if ok and _similar(k, k2, rule.similarity):
                yield _Hit(i, a, b, {"other": v.pack.pieces[j].id})
                break


def _day_key(v: _View, p: PieceIn) -> tuple | None:
    """The day a scheduled piece goes out on (after_end pieces by offset when no end is known)."""
    if p.time is None:
        return None
    d = v.t.day_of(p)
    if d is not None:
        return ("day", d)
    if p.trigger == "after_end":
        return ("after", p.offset_days or 0)
    return None


def _day_label(key: tuple) -> str:
    return f"第{key[1]}天" if key[0] == "day" else f"结束后第{key[1]}天"


def _one_per_slot(v: _View, idx: list[int]) -> list[int]:
    seen: set[str] = set()
    out = []
    for i in idx:
        p = v.pack.pieces[i]
        s = p.slot or p.id
        if s not in seen:
            seen.add(s)
            out.append(i)
    return out


def _schedule(rule: ps.Schedule, v: _View, _: dict) -> Iterable[_Hit]:
    pieces = v.pack.pieces
    idx = _one_per_slot(v, _selected(rule, v))
    c = v.t.c
    if rule.check == "same_minute":
        first: dict[tuple, int] = {}
        for i in idx:
            p = pieces[i]
            k = _day_key(v, p)
            if k is None or p.trigger in ("on_join", "on_add", "on_task_done"):
                continue
            slot = (k, p.time, p.target)
            if slot in first:
                yield _Hit(i, subst={"other": pieces[first[slot]].id, "time": f"{_day_label(k)} {p.time}"})
            else:
                first[slot] = i
    elif rule.check == "per_day_cap":
        cap = rule.cap if rule.cap is not None else getattr(c, rule.cap_field)
        count: dict[tuple, int] = {}
        for i in idx:
            p = pieces[i]
            k = _day_key(v, p) or (("day", v.t.day_of(p)) if v.t.day_of(p) else None)
            if k is None:
                continue
            group = (k, p.segment if rule.by_segment else None)
            count[group] = count.get(group, 0) + 1
            if count[group] > cap:
                yield _Hit(i, subst={"count": str(count[group]), "cap": str(cap), "day": _day_label(k)})
    elif rule.check == "quiet_hours":
        qs, qe = (minutes(t) for t in c.quiet_hours)
        for i in idx:
            p = pieces[i]
            if p.time is None or p.trigger in ("on_join", "on_add", "on_task_done"):
                continue
            t = minutes(p.time)
            quiet = (qs <= t or t < qe) if qs > qe else (qs <= t < qe)
            if quiet:
                yield _Hit(i, subst={"time": p.time, "quiet": f"{c.quiet_hours[0]}–{c.quiet_hours[1]}"})
    elif rule.check == "event_clash":
        for i in idx:
            p = pieces[i]
            d = v.t.day_of(p)
            if p.time is None or d is None or p.trigger in ("on_join", "on_add", "on_task_done"):
                continue
            t = minutes(p.time)
            for ev in c.events:
                start = minutes(ev.time)
                if ev.day == d and start - rule.before_minutes <= t < start + rule.after_minutes:
                    if ev.what and squeeze(normalise(ev.what)) in squeeze(normalise(p.text)):
                        continue  # the piece is about the event (a reminder), not against it
                    yield _Hit(i, subst={"what": ev.what or "活动", "event": f"第{ev.day}天 {ev.time}",
                                         "time": p.time})
                    break


def _written_date(v: _View, m: re.Match, year_group: int, near: dt.date | None) -> dt.date | None:
    month, day = int(m.group(year_group + 1)), int(m.group(year_group + 2))
    if m.group(year_group):
        try:
            return dt.date(int(m.group(year_group)), month, day)
        except ValueError:
            return None
    return v.t.year_for(month, day, near)


def _fmt(d: dt.date) -> str:
    return f"{d.month}月{d.day}日（周{WEEKDAYS[d.weekday()]}）"


def _accepted_last_days(v: _View) -> set[int]:
    return {d for d in (v.t.deadline_day, v.t.end_day, v.t.days) if d is not None}


def _timeline(rule: ps.Timeline, v: _View, m: dict) -> Iterable[_Hit]:
    pieces = v.pack.pieces
    t = v.t
    for i in _selected(rule, v):
        p = pieces[i]
        when = t.piece_date(p)
        day = t.day_of(p)
        if rule.check == "weekday":
            for mt, a, b in v.norm_hits(i, _DATE_WD):
                d = _written_date(v, mt, 1, when)
                if d is not None and d.weekday() != _WD[mt.group(4)]:
                    yield _Hit(i, a, b, {"written": f"周{mt.group(4)}", "date": f"{d.month}月{d.day}日",
                                         "actual": f"周{WEEKDAYS[d.weekday()]}"})
            if when is not None:
                for mt, a, b in v.norm_hits(i, _REL_WD):
                    d = when + dt.timedelta(days=_REL_OFFSET[mt.group(1)])
                    if d.weekday() != _WD[mt.group(2)]:
                        yield _Hit(i, a, b, {"written": f"{mt.group(1)}周{mt.group(2)}",
                                             "date": f"{d.month}月{d.day}日", "actual": f"周{WEEKDAYS[d.weekday()]}"})
        elif rule.check == "today_date":
            if when is None:
                continue
            for mt, a, b in v.norm_hits(i, _REL_DATE):
                d = when + dt.timedelta(days=_REL_OFFSET[mt.group(1)])
                w = _written_date(v, mt, 2, d)
                if w is not None and w != d:
                    yield _Hit(i, a, b, {"written": mt.group(0), "actual": _fmt(d)})
        elif rule.check == "last_day":
            last = _accepted_last_days(v)
            if day is None or not last or day in last:
                continue
            for a, b in v.pattern_hits(i, m["match"]):
                yield _Hit(i, a, b, {"day": f"第{day}天", "last": f"第{max(last)}天"})
        elif rule.check == "countdown":
            last = _accepted_last_days(v)
            if day is None or not last:
                continue
            for rx in m["count"]:
                for mt, a, b in v.norm_hits(i, rx):
                    n = cn_number(mt.group(1))
                    if n is None:
                        continue
                    if not any(n in (x - day, x - day + 1) for x in last):
                        yield _Hit(i, a, b, {"count": str(n), "expected": str(max(0, max(last) - day))})
        elif rule.check == "day_date":
            if p.day is None or p.date is None or t.start is None:
                continue
            expected = t.date_of(p.day)
            if expected != p.date:
                yield _Hit(i, subst={"date": p.date.isoformat(), "day": f"第{p.day}天",
                                     "expected": expected.isoformat()})
        elif rule.check == "stale_deadline":
            if p.trigger not in rule.triggers:
                continue
            if rule.when == "outlives_deadline":
                if not t.known or t.deadline_day is None:
                    continue
                lives_on = t.end_day is None and t.c.type == "fan"
                if not (lives_on or (t.end_day is not None and t.end_day > t.deadline_day)):
                    continue
            hits = v.pattern_hits(i, m["match"])
            if hits:
                a, b = hits[0]
                yield _Hit(i, a, b, {"trigger": _TRIGGER_LABEL.get(p.trigger, p.trigger)})
        elif rule.check == "date_after_end":
            if t.end_date is None:
                continue
            d_ = v.docs[i]
            for mt in _DATE.finditer(d_.norm):
                d = _written_date(v, mt, 1, when or t.anchor)
                if d is None or d <= t.end_date:
                    continue
                if m["unless"] and m["unless"].any(d_, d_.sentence_of(mt.start())):
                    continue  # the same sentence says where it happens (到店, 加微信…)
                a, b = d_.text.to_raw(*mt.span())
                yield _Hit(i, a, b, {"date": f"{d.month}月{d.day}日", "end": f"{t.end_date.month}月{t.end_date.day}日"})


_TRIGGER_LABEL = {"on_join": "有人入群时", "on_add": "加好友后", "on_task_done": "有人完成任务时", "after_end": "活动结束后"}


def _dissolution(rule: ps.Dissolution, v: _View, m: dict) -> Iterable[_Hit]:
    t = v.t
    pieces = v.pack.pieces
    if rule.check == "deadline_after_end":
        c = t.c
        if not (c.deadline and t.end_date and c.deadline > t.end_date):
            return
        subst = {"deadline": _fmt(c.deadline), "end": _fmt(t.end_date)}
        found = False
        for i in _selected(rule, v):
            for mt, a, b in v.norm_hits(i, _DATE):
                if _written_date(v, mt, 1, c.deadline) == c.deadline:
                    yield _Hit(i, a, b, subst)
                    found = True
                    break
        if not found:
            yield _Hit(None, subst=subst)
        return
    if t.end_day is None:
        return  # the group lives on, or nobody said when it ends
    for i in _selected(rule, v):
        p = pieces[i]
        after = t.after_end(p)
        when = f"结束后第{p.offset_days}天" if p.trigger == "after_end" else f"第{t.day_of(p)}天"
        subst = {"days": str(t.end_day), "when": when, "end": f"第{t.end_day}天"}
        if rule.check == "group_after_end" and after:
            yield _Hit(i, subst=subst)
        elif rule.check == "short_group" and not after and t.end_day < rule.min_days:
            yield _Hit(i, subst={**subst, "min": str(rule.min_days)})
        elif rule.check == "recall_to_group" and after:
            hits = v.pattern_hits(i, m["match"])
            if hits:
                yield _Hit(i, *hits[0], subst)


_KINDS: dict[type, Callable[..., Iterable[_Hit]]] = {
    ps.PlaceholderScope: _placeholder_scope, ps.Repeat: _repeat, ps.Schedule: _schedule,
    ps.Timeline: _timeline, ps.Dissolution: _dissolution,
}


# ---------------------------------------------------------------- checker --

@dataclass
class _Compiled:
    spec: ps._PackRule
    module: ps.PackModule
    m: dict


def _compile(spec: ps._PackRule, module: ps.PackModule, ctx: Context) -> _Compiled:
    m: dict = {}
    for name in ("match", "unless"):
        pat = getattr(spec, name, None)
        if pat is not None:
            m[name] = ctx.matcher(pat)
    if isinstance(spec, ps.Timeline):
        m["count"] = [re.compile(r) for r in spec.count]
    return _Compiled(spec, module, m)


class PackChecker:
    """Compiled pack-rule modules; ``check`` judges one pack."""

    def __init__(self, modules: list[tuple[ps.PackModule, Path]], enable: Iterable[str] = (),
                 disable: Iterable[str] = (), severity: dict[str, str] | None = None,
                 taken: Iterable[str] = (), lexicons: dict[str, list[str]] | None = None):
        enable, disable, severity = set(enable), set(disable), severity or {}
        lexicons = shipped_lexicons() if lexicons is None else lexicons
        self.segmenter = Segmenter()
        self.modules = [mod for mod, _ in modules]
        self.rules: list[_Compiled] = []
        seen: dict[str, Path] = {}
        taken = set(taken)
        for module, path in modules:
            for spec in module.rules:
                if spec.id in seen or spec.id in taken:
                    raise InputError(f"{path}: 规则编号 {spec.id} 已经用过")
                seen[spec.id] = path
                selectors = {spec.id, spec.name, module.module, module.dimension}
                if not ((spec.enabled or selectors & enable) and not (selectors & disable)):
                    continue
                if spec.id in severity:
                    spec = spec.model_copy(update={"severity": severity[spec.id]})
                self.rules.append(_compile(spec, module, Context(lexicons, f"{path}:{spec.id}")))

    def rule(self, rule_id: str) -> _Compiled | None:
        return next((r for r in self.rules if rule_id in (r.spec.id, r.spec.name)), None)

    def check(self, pack: Pack, only: str | None = None) -> list[PackFinding]:
        v = _View(pack, self.segmenter)
        out: list[PackFinding] = []
        for cr in self.rules:
            if only is not None and cr.spec.id != only:
                continue
            for h in _KINDS[type(cr.spec)](cr.spec, v, cr.m):
                out.append(_finding(cr, v, h))
        pos = {i: n for n, i in enumerate(v.order())}
        out.sort(key=lambda f: (-1 if f.piece is None else pos[pack.index[f.piece]], f.start, f.rule))
        return out


def _finding(cr: _Compiled, v: _View, h: _Hit) -> PackFinding:
    spec = cr.spec
    if h.piece is None:
        piece, line, col, excerpt = None, 1, 1, ""
    else:
        p = v.pack.pieces[h.piece]
        raw = p.text
        line, col = v.docs[h.piece].text.line_col(h.start)
        excerpt = raw[h.start:h.end] if h.end > h.start else raw[h.start:h.start + 24].split("\n", 1)[0]
        piece = p.id
    fields = {"match": excerpt, "piece": piece or "", **h.subst}
    return PackFinding(
        rule=spec.id, name=spec.name, dimension=cr.module.dimension, severity=spec.severity,
        message=_fill(spec.message, fields), piece=piece, start=h.start, end=h.end, line=line, column=col,
        excerpt=excerpt, suggestion=_fill(spec.suggestion, fields),
    )


def _fill(template: str, fields: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: fields.get(m.group(1), m.group(0)), template)


def pack_modules() -> list[tuple[ps.PackModule, Path]]:
    from .resources import rules_dir

    return [(ps.load_pack_module(p), p) for p in ps.pack_module_files(rules_dir())]


@lru_cache(maxsize=4)
def build_pack_checker(cfg=None) -> PackChecker:  # noqa: ANN001 - a config.Config (hashable)
    """The built-in pack rules with a config's enable / disable / severity applied."""
    if cfg is None:
        return PackChecker(pack_modules())
    return PackChecker(pack_modules(), enable=cfg.enable, disable=cfg.disable, severity=dict(cfg.severity))
