"""Normalised draft + rule modules → report.  The engine runs the closed rule
kinds of ``copygen.kinds`` (one module per kind); it knows nothing about any
particular rule or kind.

Every matcher is compiled once per ``Checker``, and every checker owns its
tokenizer (``tokenize.Segmenter``).  A draft is normalised once and tokenised
at most once, shared by all rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from . import kinds
from . import lexicons as lx
from . import rulespec as rs
from .errors import InputError
from .matching import Context, Doc, Hit, Matcher, Prefilter
from .report import Dimension, DraftReport, Finding
from .resources import rules_dir
from .tokenize import Segmenter

BASE_KINDS = ("lure", "welcome", "rules", "topic", "other")
_OTHER_PREFIXES = ("closing", "wakeup", "recall")


def base_kind(kind: str) -> str:
    """Generated kinds map onto the four judged kinds (closing/wakeup/recall → other)."""
    if kind in BASE_KINDS:
        return kind
    head = kind.split(".", 1)[0]
    if head in ("lure", "welcome", "rules", "topic"):
        return head
    if head in _OTHER_PREFIXES:
        return "other"
    raise InputError(f"未知的文案类型：{kind}（可选 lure、welcome、rules、topic，或 pack 里的类型如 lure.poster）")


def shipped_lexicons() -> dict[str, list[str]]:
    return lx.load_dir(rules_dir() / "lexicons")


# ---------------------------------------------------------------- verdicts --

def dimension_verdict(rule_scores: list[float], n_bad: int) -> Dimension:
    """A dimension's verdict from its rules' scores and its findings at warning/error severity.

    Any such finding fails the dimension: the score is the lowest rule score capped at 49, less 10
    for each finding after the first (never below 0).  Without one it passes with the lowest rule
    score (100 when no rule grades the dimension), never below 50.
    """
    rule_score = min(rule_scores, default=100.0)
    if n_bad:
        return Dimension(passed=False, score=max(0, min(49, int(rule_score)) - 10 * (n_bad - 1)))
    return Dimension(passed=True, score=max(50, int(round(rule_score))))


# ---------------------------------------------------------------- rules --

@dataclass
class CompiledRule:
    spec: rs.RuleSpec
    module: rs.Module
    kinds: frozenset[str]
    compiled: Any
    run_kind: Any
    # Prefilter bits one of which a draft must show for this rule to find anything (0: always run)
    need: int = 0

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def dimension(self) -> str:
        return self.module.dimension

    def applies(self, kind: str) -> bool:
        if kind in self.spec.not_kinds:
            return False
        return kind in self.kinds or base_kind(kind) in self.kinds

    def run(self, doc: Doc) -> tuple[list[Hit], float | None]:
        return self.run_kind(self.compiled, doc)


def compile_rule(spec: rs.RuleSpec, module: rs.Module, lexicons: dict[str, list[str]], where: str,
                 matchers: list[Matcher] | None = None) -> CompiledRule:
    """One rule compiled; every ``Matcher`` its kind builds is added to ``matchers``."""
    k = kinds.get(spec.kind)
    if k is None:  # a Spec validated by a kind that has since been unregistered
        raise InputError(f"{where}: 未知的规则类型 {spec.kind}")
    ctx = Context({**lexicons, **module.lexicons}, where, matchers if matchers is not None else [])
    return CompiledRule(spec, module, frozenset(spec.kinds or module.applies_to), k.compile(spec, ctx), k.run)


# ---------------------------------------------------------------- checker --

def selected_rules(modules: Iterable[tuple[Any, Path]], enable: Iterable[str] = (), disable: Iterable[str] = (),
                   severity: dict[str, str] | None = None) -> Iterator[tuple[Any, Any, Path]]:
    """(spec, module, path) of each rule a config turns on, module by module, with its severity
    override applied; a rule id used twice is an error.  A rule is on when it is enabled or
    ``enable`` names it (by id, name, module or dimension), and ``disable`` does not.  Shared by
    the draft checker and the pack checker (``packrules``)."""
    enable, disable, severity = set(enable), set(disable), severity or {}
    seen: dict[str, Path] = {}
    for module, path in modules:
        for spec in module.rules:
            if spec.id in seen:
                raise InputError(f"{path}: 规则编号 {spec.id} 已在 {seen[spec.id]} 里用过")
            seen[spec.id] = path
            selectors = {spec.id, spec.name, module.module, module.dimension}
            if not ((spec.enabled or selectors & enable) and not (selectors & disable)):
                continue
            if spec.id in severity:
                spec = spec.model_copy(update={"severity": severity[spec.id]})
            yield spec, module, path


class Checker:
    """Compiled rule modules and the tokenizer they share; ``check`` judges one draft.

    ``lexicons`` are the shared word lists (default: ``rules/lexicons/``); ``words`` are kept whole
    by this checker's tokenizer only (brand names from a config).  ``prefilter=False`` runs every
    pattern on every draft (the reference the prefiltered path is tested against).
    """

    def __init__(self, modules: list[tuple[rs.Module, Path]], enable: Iterable[str] = (),
                 disable: Iterable[str] = (), severity: dict[str, str] | None = None,
                 lexicons: dict[str, list[str]] | None = None, words: Iterable[str] = (),
                 prefilter: bool = True):
        lexicons = shipped_lexicons() if lexicons is None else lexicons
        self.segmenter = Segmenter(words)
        self.modules = [m for m, _ in modules]
        self.rules: list[CompiledRule] = []
        matchers: list[Matcher] = []
        for spec, module, path in selected_rules(modules, enable, disable, severity):
            self.rules.append(compile_rule(spec, module, lexicons, f"{path}:{spec.id}", matchers))
        self.prefilter = Prefilter(matchers) if prefilter else None
        if self.prefilter is not None:
            for cr in self.rules:
                k = kinds.get(cr.spec.kind)
                m = k.inert(cr.compiled) if k is not None and k.inert is not None else None
                cr.need = m.need if m is not None else 0
        self._by_kind: dict[str, list[CompiledRule]] = {}
        self._plans: dict[str, tuple] = {}

    def rules_for(self, kind: str) -> list[CompiledRule]:
        r = self._by_kind.get(kind)
        if r is None:
            base_kind(kind)  # validates the kind
            r = self._by_kind[kind] = [cr for cr in self.rules if cr.applies(kind)]
        return r

    def rule(self, rule_id: str) -> CompiledRule | None:
        for cr in self.rules:
            if cr.id == rule_id or cr.spec.name == rule_id:
                return cr
        return None

    def _plan(self, kind: str) -> tuple:
        """(dimensions, steps) for a kind: each step is (need, run, compiled, rule); built once."""
        plan = self._plans.get(kind)
        if plan is None:
            rules = self.rules_for(kind)
            plan = self._plans[kind] = (tuple(dict.fromkeys(cr.dimension for cr in rules)),
                                        tuple((cr.need, cr.run_kind, cr.compiled, cr) for cr in rules))
        return plan

    def check(self, raw: str, kind: str, draft_id: str = "-", paragraphs: str = "auto") -> DraftReport:
        """Judge one draft.  ``paragraphs``: ``auto`` reads density rules paragraph by paragraph in
        long texts (3+ paragraphs), ``always`` in any draft of 2+ paragraphs, ``never`` not at all."""
        doc = Doc(raw, self.segmenter, paragraphs, self.prefilter)
        findings: list[Finding] = []
        scores: dict[str, list[float]] = {}
        bad: dict[str, int] = {}
        dims, steps = self._plan(kind)
        mask = doc.mask
        for need, run, compiled, cr in steps:
            if need and not mask & need:
                continue  # nothing this rule looks for is in the draft: no hits, no score
            hits, score = run(compiled, doc)
            if score is not None:
                scores.setdefault(cr.dimension, []).append(score)
            if hits:
                for h in hits:
                    findings.append(_finding(cr, doc, h))
                if cr.spec.severity != "info":
                    bad[cr.dimension] = bad.get(cr.dimension, 0) + len(hits)
        if len(findings) > 1:
            findings.sort(key=_finding_order)
        dimensions = {d: _verdict(scores.get(d), bad.get(d, 0)) for d in dims}
        return DraftReport(draft_id, kind, raw, dimensions, findings)


def _finding_order(f: Finding) -> tuple[int, int, str]:
    return f.start, f.end, f.rule


_VERDICTS: dict[tuple[float, int], Dimension] = {}


def _verdict(rule_scores: list[float] | None, n_bad: int) -> Dimension:
    """``dimension_verdict``, memoised (a Dimension is frozen, so one object serves every draft)."""
    key = (min(rule_scores) if rule_scores else 100.0, n_bad)
    got = _VERDICTS.get(key)
    if got is None:
        if len(_VERDICTS) > 65536:
            _VERDICTS.clear()
        got = _VERDICTS[key] = dimension_verdict([key[0]], n_bad)
    return got


def _finding(cr: CompiledRule, doc: Doc, h: Hit) -> Finding:
    text = doc.text
    raw = text.raw
    start, end = text.to_raw(h.start, h.end)
    match = raw[start:end]
    line, col = text.line_col(start)
    excerpt = match if match else raw[start:start + 24].split("\n", 1)[0]
    spec = cr.spec
    message, suggestion = spec.message, spec.suggestion
    if "{" in message or "{" in suggestion:
        fields = {"match": match or excerpt, **h.subst}
        message, suggestion = fill_slots(message, fields), fill_slots(suggestion, fields)
    return Finding(spec.id, spec.name, cr.module.dimension, spec.severity, message, start, end, line, col,
                   excerpt, suggestion, h.fix)


def fill_slots(template: str, fields: dict[str, str]) -> str:
    """``{slot}`` in a message replaced by its field (an unknown slot stays as written)."""
    parts = _TEMPLATES.get(template)
    if parts is None:
        parts = _TEMPLATES[template] = tuple(_SLOT.split(template))  # literal, slot, literal, …
    if len(parts) == 1:
        return template
    return "".join([p if i % 2 == 0 else fields.get(p, "{" + p + "}") for i, p in enumerate(parts)])


_SLOT = re.compile(r"\{(\w+)\}")
_TEMPLATES: dict[str, tuple[str, ...]] = {}
