"""Plan → an export file: every payload for one target, ready for the operator's bot or curl.

The file is one JSON document (``copygen export … -o payloads.json``)::

    {"copygen": "0.1.0", "target": "wecom", "api": "POST …", "limit_bytes": 2048, "limit_of": "text.content",
     "pack": "林家果园/林家果园福利6群/2026-12-03", "timezone": "Asia/Shanghai",
     "requests": [{"message": "rules", "kind": "rules", "part": 1, "parts": 1, "due": "2026-12-03T09:30:00+08:00",
                   "trigger": null, "channel": null, "bytes": 714, "api": "POST …", "payload": {…}}],
     "skipped": [{"message": "lure.nudge.d1", "reason": "含每人不同的占位符 …"}]}

Signing fields (DingTalk ``timestamp``/``sign`` query, Feishu ``timestamp``/``sign`` in the body) are
not in the file: they depend on the moment of sending (``copygen send`` adds them).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .. import __version__
from ..errors import InputError
from .compose import Plan
from .source import PackSource


def document(src: PackSource, p: Plan) -> dict:
    t = p.target
    return {
        "copygen": __version__, "target": t.name, "api": t.api, "limit_bytes": t.limit, "limit_of": t.limit_of,
        "pack": src.pack_id, "timezone": src.tz.key,
        "requests": [{
            "message": part.message.id, "kind": part.message.kind, "part": part.index, "parts": part.count,
            "due": part.message.due.isoformat() if part.message.due else None,
            "trigger": part.message.trigger, "channel": part.message.channel, "bytes": part.bytes,
            "api": t.api_for(part.message), "payload": part.payload,
        } for part in p.parts],
        "skipped": [{"message": m.id, "reason": why} for m, why in p.skipped],
    }


def write_export(doc: dict, out: str, force: bool = False) -> str:
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if out == "-":
        return text
    path = Path(out)
    if path.is_dir():
        raise InputError(f"{path}: 是目录，请给出文件名，例如 {path / (doc['target'] + '.json')}")
    if path.exists() and not force:
        raise InputError(f"{path} 已存在（要覆盖请加 --force）")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return ""
