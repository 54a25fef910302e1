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
    "format": "排版", "lexicon": "禁用词", "language": "语言", "pack": "整包",
}


def dim_label(d: str) -> str:
    return _DIM_LABEL.get(d, d)


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False)


class Stream:
    """One output format, fed one report at a time: ``add`` returns the text to write now
    (each piece ends with a newline), ``end`` the text that closes the output.  Memory
    stays flat in the number of reports, except where a format is one document whose
    header depends on every finding (SARIF keeps its results until ``end``)."""

    def __init__(self) -> None:
        self.reports = 0
        self.failed = False  # a finding at error severity

    def add(self, r: DraftReport) -> str:
        self.reports += 1
        self.failed = self.failed or r.has_errors
        return self._add(r)

    def _add(self, r: DraftReport) -> str:
        raise NotImplementedError

    def end(self) -> str:
        return ""

    def render(self, reports: Iterable[DraftReport]) -> str:
        """The whole output at once, without its final newline."""
        out = "".join([self.add(r) for r in reports] + [self.end()])
        return out[:-1] if out.endswith("\n") else out


def _lines(lines: list[str]) -> str:
    return "".join(f"{ln}\n" for ln in lines)


class TextStream(Stream):
    def __init__(self) -> None:
        super().__init__()
        self.passed = self.errors = self.warnings = 0

    def _add(self, r: DraftReport) -> str:
        out: list[str] = []
        for f in r.findings:
            out.append(f"{r.id}:{f.line}:{f.column} {f.severity} {f.rule} {f.message}")
            if f.suggestion:
                out.append(f"    建议：{f.suggestion}")
        dims = "  ".join(f"{dim_label(k)}{'✓' if v.passed else '✗'}{v.score}" for k, v in r.dimensions.items())
        out.append(f"{r.id}: {'通过' if r.passed else '未通过'}（{r.kind}）{dims}")
        self.errors += sum(f.severity == "error" for f in r.findings)
        self.warnings += sum(f.severity == "warning" for f in r.findings)
        self.passed += r.passed
        return _lines(out)

    def end(self) -> str:
        return (f"共 {self.reports} 篇，通过 {self.passed} 篇；"
                f"错误 {self.errors} 条，警告 {self.warnings} 条\n")


class JsonStream(Stream):
    """A JSON array written element by element (byte-identical to ``json.dumps(list, indent=2)``)."""

    def _add(self, r: DraftReport) -> str:
        body = json.dumps(r.to_dict(), ensure_ascii=False, indent=2).replace("\n", "\n  ")
        return ("[\n  " if self.reports == 1 else ",\n  ") + body

    def end(self) -> str:
        return "\n]\n" if self.reports else "[]\n"


class JsonlStream(Stream):
    def _add(self, r: DraftReport) -> str:
        return _dumps(r.to_dict()) + "\n"


def _gh_escape(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


class GithubStream(Stream):
    """GitHub Actions workflow commands: one annotation per finding."""

    def _add(self, r: DraftReport) -> str:
        out = []
        for f in r.findings:
            msg = f.message + (f"（建议：{f.suggestion}）" if f.suggestion else "")
            out.append(f"::{_GITHUB_LEVEL[f.severity]} file={r.id},line={f.line},col={f.column},"
                       f"title={f.rule}::{_gh_escape(msg)}")
        return _lines(out)


class SarifStream(Stream):
    """SARIF 2.1.0 is one document whose driver lists the rules used: results are kept until ``end``
    (the findings only, never the drafts)."""

    def __init__(self, rules: Iterable = ()) -> None:
        super().__init__()
        self.rules = rules
        self.results: list[dict] = []

    def _add(self, r: DraftReport) -> str:
        for f in r.findings:
            end_line, end_col = f.line, f.column + max(0, f.end - f.start)
            self.results.append({
                "ruleId": f.rule, "level": _SARIF_LEVEL[f.severity],
                "message": {"text": f.message + (f"（建议：{f.suggestion}）" if f.suggestion else "")},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": r.id},
                    "region": {"startLine": f.line, "startColumn": f.column, "endLine": end_line,
                               "endColumn": end_col, "charOffset": f.start, "charLength": f.end - f.start},
                }}],
            })
        return ""

    def end(self) -> str:
        return _sarif_doc(self.results, self.rules) + "\n"


def stream_for(fmt: str, rules: Iterable = ()) -> Stream:
    if fmt == "sarif":
        return SarifStream(rules)
    return {"text": TextStream, "json": JsonStream, "jsonl": JsonlStream, "github": GithubStream}[fmt]()


def render_text(reports: list[DraftReport]) -> str:
    return TextStream().render(reports)


def render_json(reports: list[DraftReport]) -> str:
    return JsonStream().render(reports)


def render_jsonl(reports: list[DraftReport]) -> str:
    return JsonlStream().render(reports)


def render_github(reports: list[DraftReport]) -> str:
    return GithubStream().render(reports)


def render_sarif(reports: list[DraftReport], rules: Iterable = ()) -> str:
    """SARIF 2.1.0 for code-scanning UIs; columns are 1-based characters (Unicode code points)."""
    return SarifStream(rules).render(reports)


def _sarif_doc(results: list[dict], rules: Iterable) -> str:
    rule_meta = {}
    for cr in rules:
        rule_meta[cr.id] = {
            "id": cr.id, "name": cr.spec.name,
            "shortDescription": {"text": cr.spec.message},
            "fullDescription": {"text": cr.spec.principle or cr.module.principle},
            "properties": {"dimension": cr.dimension},
        }
    used = sorted({x["ruleId"] for x in results})
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
