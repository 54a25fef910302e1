"""Pack → pack.html: the campaign as members will see it, day by day, as chat bubbles.

One self-contained file (inline CSS and JS, a Content-Security-Policy that forbids
any network access), rendered by one autoescaping Jinja template shipped in the
package (``templates_html/``).  Every finding is a ``<mark class="finding">`` on
its span — ``start``/``end`` are character offsets into the piece's text — with
the rule id and message on hover, focus and tap; placeholders such as
``%NICKNAME%`` are chips.  Overlapping findings nest; where two spans cross, the
inner one is split into fragments that share one ``data-finding`` id.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import jinja2
from markupsafe import Markup
from pydantic import ValidationError

from .errors import InputError, field_errors
from .exporters import dim_label
from .pack import FindingOut, PackDoc, Piece
from .packout import KIND_LABEL, TARGET_LABEL, TRIGGER_LABEL
from .render import _PLACEHOLDER as PLACEHOLDER_RE

_HERE = Path(__file__).resolve().parent / "templates_html"

SEVERITY_LABEL = {"error": "错误", "warning": "警告", "info": "提示"}
PLACEHOLDER_LABEL = {
    "%NICKNAME%": "发送时替换为成员昵称（企业微信入群欢迎语会自动替换）",
    "%INVITED%": "发送时替换为这位成员已邀请的人数",
    "%REMAINING%": "发送时替换为这位成员还差几人",
    "%MEMBERS%": "发送时替换为当前群人数",
}
SEGMENT_LABEL = {"active": "活跃成员", "lurker": "潜水成员", "dealhunter": "只领福利的成员",
                 "lapsed_30": "30天未互动", "lapsed_60": "60天以上未互动"}
LANE_ORDER = ("poster", "moments", "private", "group")  # how a member meets the campaign
WEEKDAY = "一二三四五六日"


# ------------------------------------------------------------------ spans --

@dataclass
class Node:
    """One piece of a bubble's body: text, a finding mark, or a placeholder chip."""

    type: str  # "text" | "finding" | "ph"
    text: str = ""
    ref: Any = None  # the Mark for findings, the placeholder for chips
    children: list["Node"] = field(default_factory=list)


@dataclass(frozen=True)
class Mark:
    uid: str  # shared by every fragment of one finding
    index: int
    finding: FindingOut

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABEL.get(self.finding.severity, self.finding.severity)


@dataclass(frozen=True)
class _Interval:
    start: int
    end: int
    rank: int  # findings (0) wrap placeholders (1) on equal spans
    order: int
    kind: str
    ref: Any


def spans(text: str, marks: Iterable[Mark]) -> list[Node]:
    """The text cut into nested nodes: findings and placeholders as elements around their spans.

    Offsets are Python string indices (code points), the same as the checker's.
    A zero-width finding (a whole-draft finding such as "no concrete benefit")
    becomes an empty mark at its offset."""
    n = len(text)
    ivs: list[_Interval] = []
    for k, m in enumerate(marks):
        f = m.finding
        ivs.append(_Interval(f.start, f.end, 0, k, "finding", m))
    for k, ph in enumerate(PLACEHOLDER_RE.finditer(text)):
        ivs.append(_Interval(ph.start(), ph.end(), 1, k, "ph", ph.group(0)))
    key = lambda iv: (iv.start, -iv.end, iv.rank, iv.order)  # noqa: E731 - outermost first
    wide = sorted((iv for iv in ivs if iv.end > iv.start), key=key)
    empty = sorted((iv for iv in ivs if iv.end == iv.start), key=key)
    cuts = sorted({0, n, *(iv.start for iv in wide), *(iv.end for iv in wide), *(iv.start for iv in empty)})

    root = Node("root")
    stack: list[tuple[_Interval, Node]] = []

    def top() -> Node:
        return stack[-1][1] if stack else root

    ei = 0
    for a, b in zip(cuts, cuts[1:] + [None]):
        active = [iv for iv in wide if b is not None and iv.start <= a and iv.end >= b]
        keep = 0
        while keep < len(stack) and keep < len(active) and stack[keep][0] is active[keep]:
            keep += 1
        del stack[keep:]
        while ei < len(empty) and empty[ei].start <= a:
            top().children.append(Node(empty[ei].kind, ref=empty[ei].ref))
            ei += 1
        if b is None:
            break
        for iv in active[keep:]:
            node = Node(iv.kind, ref=iv.ref)
            top().children.append(node)
            stack.append((iv, node))
        top().children.append(Node("text", text=text[a:b]))
    return root.children


# ------------------------------------------------------------- view model --

@dataclass
class Bubble:
    piece_id: str
    kind: str
    kind_label: str
    target: str
    sender: str
    avatar: str
    when: str
    tags: list[str]
    body: list[Node]
    marks: list[Mark]
    passed: bool | None
    dims: list[tuple[str, bool, int]]
    bytes: int
    variables: list[str]
    sort_key: tuple


@dataclass
class Lane:
    target: str
    title: str
    bubbles: list[Bubble]


@dataclass
class Section:
    key: str
    title: str
    subtitle: str
    lanes: list[Lane]

    @property
    def count(self) -> int:
        return sum(len(lane.bubbles) for lane in self.lanes)


def _date_label(iso: str | None) -> str:
    if not iso:
        return ""
    d = dt.date.fromisoformat(iso)
    return f"{d.month}月{d.day}日（周{WEEKDAY[d.weekday()]}）"


def _end_date(doc: PackDoc) -> dt.date | None:
    start = doc.campaign.get("start_date")
    days = doc.campaign.get("days")
    if not start or not isinstance(days, int):
        return None
    return dt.date.fromisoformat(start) + dt.timedelta(days=days - 1)


def _senders(doc: PackDoc) -> dict[str, str]:
    voice = doc.campaign.get("voice") or {}
    name = voice.get("name") or doc.campaign.get("brand") or "运营"
    persona = voice.get("persona")
    me = f"{name}（{persona}）" if persona and persona != name else name
    return {"group": me, "private": me, "moments": "种子用户（群友转发）",
            "poster": doc.campaign.get("brand") or "海报"}


def _when(p: Piece, end: dt.date | None) -> str:
    if p.day is not None:
        return " ".join(x for x in (_date_label(p.date) or f"第{p.day}天", p.time) if x)
    if p.trigger == "draft":
        return f"类型 {p.kind}"
    if p.trigger == "after_end":
        bits = [f"结束后第{p.offset_days}天" if p.offset_days else "活动结束后"]
        if end and p.offset_days:
            bits.append(_date_label((end + dt.timedelta(days=p.offset_days)).isoformat()))
        if p.time:
            bits.append(p.time)
        return " ".join(bits)
    return " ".join(x for x in (TRIGGER_LABEL.get(p.trigger or "", p.trigger or ""), p.time) if x)


def _bubble(p: Piece, n: int, senders: dict[str, str], end: dt.date | None) -> Bubble:
    findings = p.check.findings if p.check else []
    marks = [Mark(f"p{n}-f{k}", k, f) for k, f in enumerate(findings)]
    tags = []
    if p.channel:
        tags.append(f"渠道 {p.channel}")
    if p.segment:
        tags.append(f"发给：{SEGMENT_LABEL.get(p.segment, p.segment)}")
    if p.slot != p.id:
        tags.append(f"写法 {p.id.rsplit('~', 1)[-1]}")
    sender = senders[p.target]
    return Bubble(
        piece_id=p.id, kind=p.kind, kind_label=KIND_LABEL.get(p.kind, p.kind), target=p.target,
        sender=sender, avatar=sender[:1], when=_when(p, end), tags=tags, body=spans(p.text, marks), marks=marks,
        passed=p.check.passed if p.check else None,
        dims=[(dim_label(k), v.passed, v.score) for k, v in p.check.dimensions.items()] if p.check else [],
        bytes=p.bytes, variables=p.variables,
        sort_key=(p.time or "", p.offset_days or 0, n),
    )


def sections(doc: PackDoc) -> list[Section]:
    """Day 1, 2, … (numeric order), then pieces sent on an event, then after the campaign."""
    senders = _senders(doc)
    end = _end_date(doc)
    group_name = doc.campaign.get("group") or "群聊"
    lane_title = {"group": f"群聊 · {group_name}", "private": f"私聊 · {senders['private']}",
                  "moments": "朋友圈", "poster": "海报文案"}
    buckets: dict[tuple, list[Bubble]] = {}
    heads: dict[tuple, tuple[str, str, str]] = {}
    for n, p in enumerate(doc.pieces):
        if p.day is not None:
            key = (0, p.day)
            heads[key] = (f"day-{p.day}", f"第{p.day}天", _date_label(p.date))
        elif p.trigger == "draft":
            key = (1, 0)
            heads[key] = ("drafts", "草稿", "每篇草稿的检查结果")
        elif p.trigger == "after_end":
            key = (2, 0)
            heads[key] = ("after", "活动结束后", "按结束后的天数发")
        else:
            key = (1, 0)
            heads[key] = ("trigger", "随时触发", "有人入群、加好友或完成任务时发")
        buckets.setdefault(key, []).append(_bubble(p, n, senders, end))
    out = []
    for key in sorted(buckets):
        by_lane: dict[str, list[Bubble]] = {}
        for b in buckets[key]:
            by_lane.setdefault(b.target, []).append(b)
        lanes = [Lane(t, lane_title.get(t, TARGET_LABEL.get(t, t)), sorted(by_lane[t], key=lambda b: b.sort_key))
                 for t in LANE_ORDER if t in by_lane]
        slug, title, sub = heads[key]
        out.append(Section(slug, title, sub, lanes))
    return out


# ----------------------------------------------------------------- render --

@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_HERE), encoding="utf-8"),
        autoescape=True,  # every value is escaped; the template never uses |safe on user data
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(SEVERITY_LABEL=SEVERITY_LABEL, PLACEHOLDER_LABEL=PLACEHOLDER_LABEL)
    return env


@lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    js = (_HERE / "preview.js").read_text(encoding="utf-8")
    css = (_HERE / "preview.css").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode()
    # Only this exact script may run, and nothing may be fetched: the file works offline.
    csp = (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    return {"js": Markup(js), "css": Markup(css), "csp": csp}  # the package's own files, not user data


def _summary(doc: PackDoc) -> dict[str, Any]:
    sev = {"error": 0, "warning": 0, "info": 0}
    for p in doc.pieces:
        for f in (p.check.findings if p.check else []):
            sev[f.severity] = sev.get(f.severity, 0) + 1
    judged = [p for p in doc.pieces if p.check is not None]
    return {"pieces": len(doc.pieces), "judged": len(judged), "passed": sum(p.check.passed for p in judged),
            "severity": sev, "unresolved": doc.summary.get("unresolved") or []}


def render_html(doc: PackDoc, title: str | None = None) -> str:
    """The whole preview page for a pack."""
    c = doc.campaign
    secs = sections(doc)
    a = _assets()
    meta = " · ".join(str(x) for x in (c.get("brand"), f"{c.get('days')} 天" if c.get("days") else None,
                                       f"{c.get('start_date')} 开始" if c.get("start_date") else None,
                                       f"seed {doc.seed}" if doc.copygen else None) if x)
    return _env().get_template("preview.html.j2").render(
        title=title or f"{c.get('group') or '文案包'} · 预览", heading=c.get("group") or "文案包", meta=meta,
        sections=secs, summary=_summary(doc), css=a["css"], js=a["js"], csp=a["csp"],
    )


def drafts_doc(reports: list, title: str = "草稿") -> PackDoc:
    """Checked drafts (``DraftReport``) as a one-section pack, so they render like a pack."""
    from .pack import _check_out

    pieces = []
    for k, r in enumerate(reports, 1):
        pieces.append(Piece(
            id=str(r.id) if r.id not in ("", "-") else f"草稿{k}", slot=str(r.id) if r.id not in ("", "-") else f"草稿{k}",
            kind=r.kind, target="group", trigger="draft", template="-", variant="-", variables=[],
            text=r.text, bytes=len(r.text.encode("utf-8")), check=_check_out(r),
        ))
    judged = len(pieces)
    return PackDoc(copygen="", seed=0, variants=1,
                   campaign={"brand": None, "group": title, "voice": {"name": "草稿"}},
                   summary={"pieces": judged, "judged": judged, "passed": sum(p.check.passed for p in pieces),
                            "unresolved": []},
                   pieces=pieces)


# ------------------------------------------------------------------- files --

def load_pack(path: str | Path) -> PackDoc:
    """A pack directory (or its pack.json), validated: spans must lie inside their texts."""
    p = Path(path)
    f = p / "pack.json" if p.is_dir() else p
    if not f.exists():
        raise InputError(f"{p}: 找不到 pack.json（先运行 copygen pack CAMPAIGN -o {p}）" if p.is_dir()
                         else f"{p}: 文件不存在")
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{f}: 无法读取（{exc.__class__.__name__}）") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{f}: 第{exc.lineno}行格式错误，不是合法的 JSON") from None
    except RecursionError:
        raise InputError(f"{f}: 嵌套太深，不是 copygen 生成的 pack.json") from None
    return parse_pack(data, str(f))


def parse_pack(data: object, source: str) -> PackDoc:
    if not isinstance(data, dict):
        raise InputError(f"{source}: 顶层必须是一个对象（copygen schema pack）")
    try:
        doc = PackDoc.model_validate(data)
    except ValidationError as err:
        raise InputError(f"{source}: 不是合法的 pack.json：{field_errors(err)[0]}") from None
    for k, p in enumerate(doc.pieces):
        for j, f in enumerate(p.check.findings if p.check else []):
            if not 0 <= f.start <= f.end <= len(p.text):
                raise InputError(f"{source}: pieces.{k}.check.findings.{j}: 位置 {f.start}–{f.end} 超出了文案长度 {len(p.text)}")
    return doc


def write_html(html: str, out: Path, force: bool = False) -> Path:
    if out.exists() and not force:
        raise InputError(f"输出文件已存在：{out}（要覆盖请加 --force）")
    if out.exists() and out.is_dir():
        raise InputError(f"{out}: 是一个目录")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, out)
    return out


def preview_command(pack_dir: str, out: str | None, force: bool) -> str:
    """`copygen preview`: read, render, write; returns the line to show."""
    doc = load_pack(pack_dir)
    base = Path(pack_dir)
    target = Path(out) if out else (base if base.is_dir() else base.parent) / "pack.html"
    write_html(render_html(doc), target, force=force)
    bubbles = len(doc.pieces)
    findings = sum(len(p.check.findings) for p in doc.pieces if p.check)
    return f"已生成预览：{bubbles} 条文案，{findings} 处检查结果 → {target}"
