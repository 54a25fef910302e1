"""Pack → files: pack.json (schema'd), pack.md (for people), messages.jsonl (for bots).

Nothing the user already has is overwritten without ``force``: every target is
checked before the first byte is written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .errors import InputError
from .exporters import dim_label
from .pack import PackDoc, Piece

KIND_LABEL = {
    "lure.poster": "海报文案", "lure.moments": "朋友圈文案（种子用户发）", "lure.private": "私聊邀请",
    "lure.nudge": "进度播报", "lure.flash": "开抢", "lure.progress": "邀请进度（私聊）", "lure.fulfilment": "兑现通知", "welcome.group": "入群欢迎语",
    "welcome.private": "加好友欢迎语", "rules": "群公告", "topic": "每日话题", "closing": "收尾",
    "wakeup.active": "唤醒·活跃成员", "wakeup.lurker": "唤醒·潜水成员", "wakeup.dealhunter": "唤醒·只领福利的成员",
    "recall.light": "召回·30天未互动", "recall.deep": "召回·60天以上未互动",
}
TARGET_LABEL = {"group": "群内", "private": "私聊", "moments": "朋友圈", "poster": "海报"}
TRIGGER_LABEL = {"on_join": "有人入群时", "on_add": "加好友后", "on_task_done": "有人完成任务时",
                 "on_goal": "群人数达标时", "on_invite": "有人拉进一位好友时"}
FILES = ("pack.json", "pack.md", "messages.jsonl")


def to_json(doc: PackDoc) -> str:
    return json.dumps(doc.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def to_messages(doc: PackDoc) -> str:
    """One message per line for bots: the first variant of every slot."""
    lines = []
    seen: set[str] = set()
    for p in doc.pieces:
        if p.slot in seen:
            continue
        seen.add(p.slot)
        lines.append(json.dumps({
            "id": p.slot, "kind": p.kind, "target": p.target, "sender": p.sender, "day": p.day, "date": p.date,
            "time": p.time,
            "trigger": p.trigger, "offset_days": p.offset_days, "condition": p.condition,
            "channel": p.channel, "segment": p.segment,
            "variables": p.variables, "bytes": p.bytes, "text": p.text,
        }, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def _heading(p: Piece) -> str:
    bits = [KIND_LABEL.get(p.kind, p.kind)]
    if p.channel:
        bits.append(f"渠道 {p.channel}")
    when = p.time or TRIGGER_LABEL.get(p.trigger or "", "")
    if when:
        bits.append(when)
    bits.append(TARGET_LABEL[p.target])
    if p.sender:
        bits.append(f"{p.sender}发" if p.target != "poster" else "印在海报上")
    return " · ".join(bits)


def _verdict(p: Piece) -> str:
    if p.check is None:
        return ""
    dims = "，".join(f"{dim_label(k)} {v.score}" for k, v in p.check.dimensions.items())
    head = "✓ 通过" if p.check.passed else "✗ 未通过"
    lines = [f"{head}（{dims}）"]
    for f in p.check.findings:
        if f.severity != "info":
            lines.append(f"- {f.severity} {f.rule}：{f.message}" + (f"（建议：{f.suggestion}）" if f.suggestion else ""))
    return "\n".join(lines)


def _pack_check_section(doc: PackDoc) -> list[str]:
    """The top of pack.md: slots that fell back, then what the pack rules found (``check --pack``)."""
    out: list[str] = []
    for fb in doc.summary.get("fallbacks", []):
        rules = "、".join(fb["rules"]) or "—"
        out.append(f"- `{fb['slot']}`：{fb['tried']} 种写法都没通过（{rules}），用的是问题最少的一条")
    if out:
        out = ["", "**兜底的位置**（发之前要改）：", ""] + out
    pc = doc.summary.get("pack_check")
    if pc is None:
        return out
    out += ["", "## 整包检查", ""]
    if not pc["findings"]:
        return out + ["✓ 没有发现整包的问题（时间线、排期、重复、占位符）。"]
    out.append(f"错误 {pc['error']} 条，警告 {pc['warning']} 条（copygen check --pack 可以单独重跑）：")
    out.append("")
    for f in pc["findings"]:
        where = f"`{f['piece']}` 第{f['line']}行第{f['column']}列" if f["piece"] else "活动整体"
        quote = f"「{f['excerpt']}」" if f["end"] > f["start"] and f["excerpt"] not in f["message"] else ""
        tip = f"（建议：{f['suggestion']}）" if f["suggestion"] else ""
        out.append(f"- {f['severity']} {f['rule']} {where}{quote}：{f['message']}{tip}")
    return out


def to_markdown(doc: PackDoc) -> str:
    c = doc.campaign
    out = [f"# {c['group']} 文案包", ""]
    start = f"，{c['start_date']} 开始" if c["start_date"] else ""
    out.append(f"{c['brand']} · {c['days']} 天{start} · 共 {doc.summary['pieces']} 条 · seed {doc.seed}")
    if doc.summary.get("unresolved"):
        out.append("")
        out.append(f"**没能通过检查的位置：{'、'.join(doc.summary['unresolved'])}**")
    out += _pack_check_section(doc)
    sections: dict[str, list[Piece]] = {}
    day_of: dict[str, int] = {}
    for p in doc.pieces:
        if p.day is not None:
            label = f"第{p.day}天" + (f"（{p.date}）" if p.date else "")
            day_of[label] = p.day
        elif p.trigger == "after_end":
            key, label = (2, 0), "活动结束后"
        else:
            label = "随时触发"
        sections.setdefault(label, []).append(p)
    # days in numeric order (第2天 before 第10天), then event-triggered pieces, then after the end
    order = sorted(day_of, key=day_of.__getitem__) + [s for s in ("随时触发", "活动结束后") if s in sections]
    for label in order:
        out += ["", f"## {label}"]
        items = sorted(sections[label], key=lambda p: (p.offset_days or 0, p.time or ""))
        for p in items:
            out += ["", f"### {_heading(p)}", ""]
            if p.condition:
                out.append(f"**{p.condition}**（二选一）")
            if p.offset_days:
                out.append(f"结束后第 {p.offset_days} 天发" + (f"（{p.date}）。" if p.date else "。"))
            out.append(f"`{p.id}` · 模板 `{p.template}`" + (f" · 占位符 {' '.join(p.variables)}" if p.variables else ""))
            if p.fallback:
                out += ["", "**⚠ 兜底：这个位置的写法都没通过检查，下面是问题最少的一条，发之前要改。**"]
            out.append("")
            out += [f"> {ln}" if ln else ">" for ln in p.text.splitlines()]
            v = _verdict(p)
            if v:
                out += ["", v]
    return "\n".join(out) + "\n"


def write_pack(doc: PackDoc, out_dir: Path, force: bool = False, extra: dict[str, str] | None = None) -> list[Path]:
    """Write the pack files, plus ``extra`` files (name → content, e.g. pack.html) beside them."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: 已存在且不是目录")
    extra = extra or {}
    targets = [out_dir / name for name in (*FILES, *extra)]
    existing = [str(t) for t in targets if t.exists()]
    if existing and not force:
        raise InputError(f"输出文件已存在：{'、'.join(existing)}（要覆盖请加 --force）")
    contents = {"pack.json": to_json(doc), "pack.md": to_markdown(doc), "messages.jsonl": to_messages(doc), **extra}
    out_dir.mkdir(parents=True, exist_ok=True)
    for t in targets:
        tmp = t.with_name(t.name + ".tmp")
        tmp.write_text(contents[t.name], encoding="utf-8")
        os.replace(tmp, t)
    return targets
