"""Slots → drafts → judged pieces: the pack.

Generation and judging stay apart: ``render`` writes drafts, the checker
judges each one, and this module only chooses.  For every slot the variants
are tried in an order fixed by (seed, slot id), and the first ones that pass
every dimension are kept; a slot where no variant passes keeps its best draft
and is listed as unresolved.  Same campaign and seed → byte-identical pack.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from . import __version__
from .campaign import Campaign
from .context import build_context, deadline_day, events
from .engine import Checker
from .render import Catalogue, Template, placeholders
from .report import DraftReport
from .slots import Slot, plan, slot_context

if TYPE_CHECKING:
    from .packrules import PackChecker


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FindingOut(_Out):
    rule: str
    dimension: str
    severity: Literal["error", "warning", "info"]
    message: str
    start: int
    end: int
    line: int
    column: int
    excerpt: str
    suggestion: str


class DimensionOut(_Out):
    passed: bool
    score: int = Field(ge=0, le=100)


class CheckOut(_Out):
    passed: bool
    dimensions: dict[str, DimensionOut]
    findings: list[FindingOut]


class Piece(_Out):
    id: str = Field(description="稳定编号：同一活动、同一 seed 下不变")
    slot: str = Field(description="所属位置；--variants N 时同一位置有 N 条")
    kind: str
    target: Literal["group", "private", "moments", "poster"]
    sender: str = Field("", description="谁发：运营者的称呼、种子用户，或海报（印刷）")
    channel: str | None = None
    segment: str | None = None
    day: int | None = Field(None, description="活动第几天（从1开始）；事件触发的为 null")
    date: str | None = Field(None, description="具体日期（活动文件写了 start_date 时）")
    time: str | None = Field(None, description="建议发送时间 HH:MM")
    trigger: str | None = Field(None, description="on_join / on_add / on_task_done / on_goal / after_end")
    offset_days: int | None = Field(None, description="after_end：活动结束后第几天")
    condition: str | None = Field(None, description="二选一的文案：满足这个条件时才发（如「群满100人时发这条」）")
    template: str
    variant: str
    variables: list[str] = Field(description="机器人发送前要替换的占位符，如 %NICKNAME%")
    text: str
    bytes: int = Field(description="UTF-8 字节数（企业微信等按字节限长）")
    fallback: bool = Field(False, description="true：这个位置没有一种写法通过检查，这是问题最少的一条，发之前要改")
    check: CheckOut | None = None


class PackDoc(_Out):
    copygen: str
    seed: int
    variants: int
    campaign: dict[str, Any]
    summary: dict[str, Any]
    pieces: list[Piece]


def pack_schema() -> dict:
    return PackDoc.model_json_schema()


def brand_seed(seed: int, brand: str) -> int:
    """The seed a pack is built with: the user's seed mixed with the brand, so two unrelated
    brands never start from the same variant and phrasing order (no stock copy across brands),
    while the same campaign and seed still give a byte-identical pack."""
    return int(hashlib.sha256(f"{seed}|{brand}".encode()).hexdigest()[:8], 16)


def _order(templates: list[Template], seed: int, slot: Slot, nth: int) -> list[Template]:
    """The order in which a slot tries the variants of its kind.

    A seeded shuffle per kind, rotated by ``nth`` (this slot's position among the
    slots of its kind): the nudge of day 2 starts where day 1's left off, and two
    channels get different welcomes.  Stable across runs for the same seed."""
    def key(t: Template) -> str:
        return hashlib.sha256(f"{seed}|{slot.kind}|{t.variant}".encode()).hexdigest()

    ordered = sorted(templates, key=key)
    if slot.kind == "topic":  # the day's form first, then the other forms
        form = slot.extra["topic"]["form"]
        if form == "reveal":  # a reveal is only ever a reveal (reveal, reveal-list, …)
            return [t for t in ordered if t.variant.startswith("reveal")]
        fits = slot.extra["topic"].get("fits") or [form, "question"]
        return [t for t in ordered if t.variant == form] + [  # other forms only where they fit the theme
            t for t in ordered if t.variant != form and t.variant in fits]
    if slot.extra.get("no_poll"):
        ordered = [t for t in ordered if t.variant != "question"]
    k = nth % len(ordered)
    return ordered[k:] + ordered[:k]


def _check_out(r: DraftReport) -> CheckOut:
    return CheckOut(
        passed=r.passed,
        dimensions={k: DimensionOut(passed=v.passed, score=v.score) for k, v in r.dimensions.items()},
        findings=[FindingOut(**f.public()) for f in r.findings],
    )


def build_pack(c: Campaign, catalogue: Catalogue, checker: Checker | None = None,
               seed: int = 0, variants: int = 1, pack_checker: "PackChecker | None" = None) -> PackDoc:
    """Every slot filled and judged; with a checker, the whole pack is then judged by the
    pack rules too (``pack_checker``, default: the built-in ones), into ``summary.pack_check``."""
    base = build_context(c)
    user_seed, seed = seed, brand_seed(seed, c.brand.name)
    pieces: list[Piece] = []
    unresolved: list[str] = []
    fallbacks: list[dict[str, Any]] = []
    seen_kinds: dict[str, int] = {}
    used: dict[str, set[str]] = {}  # variants already placed, per kind: tried last, so days differ
    phrasings: dict[str, set[str]] = {}  # say.<pool> lines already placed in this pack
    for slot in plan(c):
        nth = seen_kinds[slot.kind] = seen_kinds.get(slot.kind, -1) + 1
        ctx = slot_context(base, c, slot, seed, phrasings)
        say = ctx["say"]
        taken = used.setdefault(slot.kind, set())
        order = _order(catalogue.variants(slot.kind), seed, slot, nth)
        if slot.kind == "topic" and slot.extra["topic"]["form"] == "reveal":  # two reveals read differently
            taken = used.setdefault("topic.reveal", set())
        if slot.kind != "topic" or slot.extra["topic"]["form"] == "reveal":  # a topic's form is planned per day
            order = [t for t in order if t.variant not in taken] + [t for t in order if t.variant in taken]
        chosen: list[tuple[Template, str, DraftReport | None, dict[str, str]]] = []
        spare: list[tuple[Template, str, DraftReport | None, dict[str, str]]] = []
        for t in order:
            say.begin()
            text = catalogue.render(t, ctx)
            report = checker.check(text, slot.kind, slot.id) if checker else None
            (chosen if report is None or report.passed else spare).append((t, text, report, dict(say.picked)))
            if len(chosen) >= variants:
                break
        passing = len(chosen)
        if passing < variants:
            spare.sort(key=lambda x: -_quality(x[2]))
            missing = variants - passing
            chosen += spare[:missing]
            if spare[:missing]:  # every variant tried failed: the least bad one, marked as a fallback
                unresolved.append(slot.id)
                fallbacks.append({
                    "slot": slot.id, "tried": len(spare),
                    "rules": sorted({f.rule for _, _, r, _ in spare if r for f in r.findings if f.severity != "info"}),
                })
        taken.update(t.variant for t, _, _, _ in chosen)
        for _, _, _, picked in chosen:
            say.commit(picked)
        for k, (t, text, report, _) in enumerate(chosen, 1):
            pieces.append(Piece(
                id=slot.id if variants == 1 else f"{slot.id}~{k}", slot=slot.id, kind=slot.kind,
                target=slot.target, sender=_sender(slot, c), channel=slot.channel, segment=slot.segment,
                day=slot.day, date=_date(slot, c),
                time=slot.time, trigger=slot.trigger, offset_days=slot.offset_days, condition=slot.condition,
                template=t.name, variant=t.variant, variables=placeholders(text), text=text,
                bytes=len(text.encode("utf-8")), fallback=k > passing,
                check=_check_out(report) if report else None,
            ))
    judged = [p for p in pieces if p.check is not None]
    doc = PackDoc(
        copygen=__version__, seed=user_seed, variants=variants,
        campaign=_campaign_summary(c, base),
        summary={
            "pieces": len(pieces), "judged": len(judged), "passed": sum(p.check.passed for p in judged),
            "kinds": sorted({p.kind for p in pieces}), "unresolved": unresolved, "fallbacks": fallbacks,
        },
        pieces=pieces,
    )
    if checker is not None:  # the pack as a whole, judged from the pack.json it is written as
        from .packcheck import judge_doc

        findings = judge_doc(doc.model_dump(mode="json"), "pack.json", pack_checker=pack_checker)
        doc.summary["pack_check"] = {
            **{s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")},
            "findings": [f.public() for f in findings],
        }
    return doc


def _sender(slot: Slot, c: Campaign) -> str:
    return {"seed_user": "种子用户", "print": "海报"}.get(slot.sender, c.voice.name)


def _date(slot: Slot, c: Campaign) -> str | None:
    """Every date comes from the one timeline: start date + day, or the end + offset."""
    start = c.group.start_date
    if not start:
        return None
    if slot.day is not None:
        return (start + dt.timedelta(days=slot.day - 1)).isoformat()
    if slot.offset_days is not None:
        return (start + dt.timedelta(days=c.group.duration_days - 1 + slot.offset_days)).isoformat()
    return None


def _campaign_summary(c: Campaign, base: dict[str, Any]) -> dict[str, Any]:
    """What a reader (or the pack rules) needs to judge the pack as a whole."""
    start = c.group.start_date
    end = start + dt.timedelta(days=c.group.duration_days - 1) if start else None
    k = deadline_day(c)
    return {
        "brand": c.brand.name, "group": base["group"]["full_name"], "type": c.group.type,
        "days": c.group.duration_days, "start_date": start.isoformat() if start else None,
        "end_date": end.isoformat() if end else None,
        "dissolves": base["group"]["dissolves"],
        "deadline": (start + dt.timedelta(days=k - 1)).isoformat() if start else None,
        "deadline_day": k,
        "mechanic": c.lure.mechanic.kind, "lure_type": c.lure.kind,
        "nudge_cap": c.pack.nudge_cap, "quiet_hours": list(c.pack.quiet_hours),
        "events": events(c), "sender": c.voice.name,
        "voice": {"persona": c.voice.persona, "name": c.voice.name},  # the sender, for previews
    }


def _quality(r: DraftReport | None) -> float:
    """Among failing drafts, prefer no errors, then fewer warnings, then higher scores."""
    if r is None:
        return 0.0
    errors = sum(f.severity == "error" for f in r.findings)
    warnings = sum(f.severity == "warning" for f in r.findings)
    mean = sum(d.score for d in r.dimensions.values()) / max(1, len(r.dimensions))
    return -1000 * errors - 100 * warnings + mean
