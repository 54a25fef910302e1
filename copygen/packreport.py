"""Pack findings → text for people and machines: text, json, jsonl.

text: one line per finding, ``FILE:PIECE:LINE:COL severity RULE message`` (PIECE is
``-`` for a finding about the campaign as a whole), then one summary line.
"""

from __future__ import annotations

import json

from .packio import Pack
from .packrules import PackFinding

PACK_FORMATS = ("text", "json", "jsonl")


def counts(findings: list[PackFinding]) -> dict[str, int]:
    return {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}


def render_pack_text(pack: Pack, findings: list[PackFinding]) -> str:
    out = [f"{pack.source}:{f.piece or '-'}:{f.line}:{f.column} {f.severity} {f.rule} {f.message}" for f in findings]
    n = counts(findings)
    out.append(f"{pack.source}: 共 {len(pack.pieces)} 条文案；整包检查：错误 {n['error']} 条，警告 {n['warning']} 条")
    return "\n".join(out)


def render_pack_json(pack: Pack, findings: list[PackFinding]) -> str:
    doc = {
        "pack": pack.source,
        "campaign": pack.campaign.model_dump(mode="json") if pack.campaign else None,
        "pieces": len(pack.pieces),
        "summary": counts(findings),
        "findings": [f.public() for f in findings],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)


def render_pack_jsonl(pack: Pack, findings: list[PackFinding]) -> str:
    return "\n".join(json.dumps({"pack": pack.source, **f.public()}, ensure_ascii=False) for f in findings)


RENDER = {"text": render_pack_text, "json": render_pack_json, "jsonl": render_pack_jsonl}
