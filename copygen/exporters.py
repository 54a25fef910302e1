"""Reports → text for people and machines: text, json, jsonl, github, sarif."""

from __future__ import annotations

import json
from typing import Iterable

from . import __version__
from .report import DraftReport

_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
_DIM_LABEL = {
    "user_voice": "用户口吻", "concrete_benefits": "具体好处", "credibility": "可信度",
    "official_tone": "官方腔", "structure": "结构", "ad_law": "广告法", "platform_risk": "平台风险",
    "format": "排版", "lexicon": "禁用词", "pack": "整包",
}


def dim_label(d: str) -> str:
    return _DIM_LABEL.get(d, d)


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False)


def render_text(reports: list[DraftReport]) -> str:
    out: list[str] = []
    for r in reports:
        for f in r.findings:
            out.append(f"{r.id}:{f.line}:{f.column} {f.severity} {f.rule} {f.message}")
            if f.suggestion:
                out.append(f"    建议：{f.suggestion}")
        dims = "  ".join(f"{dim_label(k)}{'✓' if v.passed else '✗'}{v.score}" for k, v in r.dimensions.items())
        out.append(f"{r.id}: {'通过' if r.passed else '未通过'}（{r.kind}）{dims}")
    n_err = sum(f.severity == "error" for r in reports for f in r.findings)
    n_warn = sum(f.severity == "warning" for r in reports for f in r.findings)
    passed = sum(r.passed for r in reports)
    out.append(f"共 {len(reports)} 篇，通过 {passed} 篇；错误 {n_err} 条，警告 {n_warn} 条")
    return "\n".join(out)


def render_json(reports: list[DraftReport]) -> str:
    return json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=2)


def render_jsonl(reports: list[DraftReport]) -> str:
    return "\n".join(_dumps(r.to_dict()) for r in reports)


def _gh_escape(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def render_github(reports: list[DraftReport]) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    out = []
    for r in reports:
        for f in r.findings:
            msg = f.message + (f"（建议：{f.suggestion}）" if f.suggestion else "")
            out.append(f"::{_GITHUB_LEVEL[f.severity]} file={r.id},line={f.line},col={f.column},"
                       f"title={f.rule}::{_gh_escape(msg)}")
    return "\n".join(out)


def render_sarif(reports: list[DraftReport], rules: Iterable = ()) -> str:
    """SARIF 2.1.0 for code-scanning UIs; columns are 1-based characters (Unicode code points)."""
    rule_meta = {}
    for cr in rules:
        rule_meta[cr.id] = {
            "id": cr.id, "name": cr.spec.name,
            "shortDescription": {"text": cr.spec.message},
            "fullDescription": {"text": cr.spec.principle or cr.module.principle},
            "properties": {"dimension": cr.dimension},
        }
    results = []
    for r in reports:
        for f in r.findings:
            end_line, end_col = f.line, f.column + max(0, f.end - f.start)
            results.append({
                "ruleId": f.rule, "level": _SARIF_LEVEL[f.severity],
                "message": {"text": f.message + (f"（建议：{f.suggestion}）" if f.suggestion else "")},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": r.id},
                    "region": {"startLine": f.line, "startColumn": f.column, "endLine": end_line,
                               "endColumn": end_col, "charOffset": f.start, "charLength": f.end - f.start},
                }}],
            })
    used = sorted({f.rule for r in reports for f in r.findings})
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "copygen", "version": __version__,
                                "informationUri": "https://pypi.org/project/copygen/",
                                "rules": [rule_meta[i] for i in used if i in rule_meta]}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)
