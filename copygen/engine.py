"""Normalised draft + rule modules → report.  The engine interprets the five
closed rule kinds of ``rulespec``; it knows nothing about any particular rule.

Every matcher is compiled once per ``Checker``.  A draft is normalised once
(``textnorm.Text``) and cut by jieba at most once, and only when a word that a
token-level rule looks for occurs in it (a token is always a piece of the draft).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable

from . import rulespec as rs
from .errors import InputError
from .report import Dimension, DraftReport, Finding
from .textnorm import Text, normalise, squeeze
from .tokenize import Token, tokenize

BASE_KINDS = ("lure", "welcome", "rules", "topic", "other")
_OTHER_PREFIXES = ("closing", "wakeup", "recall")
_SENTENCE_END = re.compile(r"[。！？!?；;\n…]+")


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


# ---------------------------------------------------------------- the draft --

class Doc:
    """One draft as rules see it: raw, normalised, squeezed, tokens, sentences."""

    def __init__(self, raw: str):
        self.text = Text(raw)
        self.norm = self.text.norm

    @cached_property
    def tokens(self) -> list[Token]:
        return tokenize(self.norm)

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        spans, start = [], 0
        for m in _SENTENCE_END.finditer(self.norm):
            if m.start() > start:
                spans.append((start, m.end()))
            start = m.end()
        if start < len(self.norm):
            spans.append((start, len(self.norm)))
        return spans or [(0, 0)]

    def sentence_of(self, pos: int) -> tuple[int, int]:
        for s, e in self.sentences:
            if s <= pos < e:
                return s, e
        return self.sentences[-1]


# ---------------------------------------------------------------- matching --

@dataclass
class Matcher:
    """Compiled ``Patterns``; ``find`` returns spans in normalised coordinates."""

    terms: re.Pattern | None
    regexes: list[re.Pattern]
    tokens: frozenset[str]
    view: str
    # One alternation of terms and group-free regexes: a single scan instead of one per pattern.
    combined: re.Pattern | None = None
    # Token words as a substring probe: jieba only runs when one of them occurs in the draft.
    token_probe: re.Pattern | None = None

    @classmethod
    def build(cls, p: rs.Patterns, lexicons: dict[str, list[str]], where: str) -> "Matcher":
        terms = _expand(p.terms, lexicons, where)
        if p.view != "raw":  # the raw view compares terms as written
            terms = [normalise(t) for t in terms]
        if p.view == "squeezed":  # the lexicon is squeezed like the text, or 某某 could never match
            terms = [t for t in map(squeeze, terms) if t]
        toks = frozenset(normalise(t) for t in _expand(p.tokens, lexicons, where))
        term_re = None
        if terms:
            alts = sorted(set(terms), key=len, reverse=True)
            term_re = re.compile("|".join(re.escape(t) for t in alts))
        regexes = [re.compile(r) for r in p.regex]
        combined = None
        if (term_re or regexes) and all(r.groups == 0 for r in regexes):
            parts = ([term_re.pattern] if term_re else []) + [r.pattern for r in regexes]
            combined = re.compile("|".join(f"(?:{x})" for x in parts))
        probe = re.compile("|".join(re.escape(t) for t in sorted(toks, key=len, reverse=True))) if toks else None
        return cls(term_re, regexes, toks, p.view, combined, probe)

    def __bool__(self) -> bool:
        return bool(self.terms or self.regexes or self.tokens)

    def find(self, doc: Doc) -> list[tuple[int, int]]:
        if not self:
            return []
        spans = [span for span, _ in self._matches(doc)]
        if self.token_probe is not None and self.token_probe.search(doc.norm):
            spans.extend((t.start, t.end) for t in doc.tokens if t.word in self.tokens)
        return sorted(set(spans))

    def _matches(self, doc: Doc) -> Iterable[tuple[tuple[int, int], re.Match]]:
        """Term and regex matches with their spans in normalised coordinates."""
        if self.view == "squeezed":
            s, idx = doc.text.squeezed
            for m in self._search(s):
                yield (idx[m.start()], idx[m.end() - 1] + 1), m
        elif self.view == "raw":
            for m in self._search(doc.text.raw):
                yield doc.text.from_raw(*m.span()), m
        else:
            for m in self._search(doc.norm):
                yield m.span(), m

    def fixes(self, doc: Doc, fix: str | dict[str, str]) -> dict[tuple[int, int], str]:
        """The replacement ``fix`` gives for each term/regex match, keyed by its span."""
        out: dict[tuple[int, int], str] = {}
        for span, m in self._matches(doc):
            repl = fix.get(m.group(0)) if isinstance(fix, dict) else m.expand(fix)
            if repl is not None:
                out.setdefault(span, repl)
        return out

    def _search(self, s: str) -> Iterable[re.Match]:
        if self.combined is not None:
            for m in self.combined.finditer(s):
                if m.end() > m.start():
                    yield m
            return
        if self.terms is not None:
            yield from self.terms.finditer(s)
        for r in self.regexes:
            for m in r.finditer(s):
                if m.end() > m.start():
                    yield m

    def any(self, doc: Doc, within: tuple[int, int] | None = None) -> bool:
        if within is None and self.token_probe is None and self.combined is not None and self.view == "norm":
            return self.combined.search(doc.norm) is not None
        for a, b in self.find(doc):
            if within is None or (a >= within[0] and b <= within[1]):
                return True
        return False


def _expand(items: list[str], lexicons: dict[str, list[str]], where: str) -> list[str]:
    out: list[str] = []
    for it in items:
        if it.startswith("@"):
            if it[1:] not in lexicons:
                raise InputError(f"{where}: 没有名为 {it} 的词表")
            out.extend(lexicons[it[1:]])
        else:
            out.append(it)
    return out


def _overlaps(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    a, b = span
    return any(x < b and a < y for x, y in others)


# ---------------------------------------------------------------- rules --

@dataclass
class CompiledRule:
    spec: rs._Rule
    module: rs.Module
    kinds: frozenset[str]
    m: dict[str, Matcher] = field(default_factory=dict)
    features: list[tuple[rs.Feature, Matcher]] = field(default_factory=list)
    swap: dict[str, str] = field(default_factory=dict)
    steps: list[tuple[rs.Step, Matcher | re.Pattern | None]] = field(default_factory=list)

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


@dataclass
class _Hit:
    start: int  # normalised coordinates
    end: int
    fix: str | None = None
    subst: dict[str, str] = field(default_factory=dict)


def compile_rule(spec: rs._Rule, module: rs.Module, where: str) -> CompiledRule:
    kinds = frozenset(spec.kinds or module.applies_to)
    cr = CompiledRule(spec, module, kinds)
    lex = module.lexicons
    if isinstance(spec, (rs.Existence, rs.Occurrence)):
        cr.m["match"] = Matcher.build(spec.match, lex, where)
    if isinstance(spec, (rs.Existence, rs.Substitution)):
        cr.m["exceptions"] = Matcher.build(spec.exceptions, lex, where)
    if isinstance(spec, rs.Existence):
        cr.m["unless"] = Matcher.build(spec.unless, lex, where)
    if isinstance(spec, rs.Substitution):
        cr.swap = {normalise(k): v for k, v in spec.swap.items()}
        cr.m["match"] = Matcher.build(rs.Patterns(terms=list(spec.swap), view=spec.view), lex, where)
    if isinstance(spec, rs.Metric):
        cr.features = [(f, Matcher.build(f.match, lex, where)) for f in spec.features]
    if isinstance(spec, rs.Sequence):
        for st in spec.steps:
            cr.steps.append((st, frozenset(normalise(t) for t in _expand(st.tokens, lex, where))
                             if st.tokens else (re.compile(st.regex) if st.regex else None)))
    return cr


def run_rule(cr: CompiledRule, doc: Doc) -> tuple[list[_Hit], float | None]:
    """The rule's hits (each becomes a finding) and, for scoring kinds, a 0–100 score."""
    spec = cr.spec
    if isinstance(spec, rs.Existence):
        hits = [h for h in cr.m["match"].find(doc)]
        if hits and cr.m["exceptions"]:
            exc = cr.m["exceptions"].find(doc)
            hits = [h for h in hits if not _overlaps(h, exc)]
        if hits and cr.m["unless"]:
            if spec.unless_scope == "draft":
                if cr.m["unless"].any(doc):
                    hits = []
            else:
                hits = [h for h in hits if not cr.m["unless"].any(doc, doc.sentence_of(h[0]))]
        hits = _dedupe(hits)
        if spec.once:
            hits = hits[:1]
        fixes = cr.m["match"].fixes(doc, spec.fix) if hits and spec.fix is not None else {}
        return [_Hit(a, b, fix=fixes.get((a, b))) for a, b in hits], None
    if isinstance(spec, rs.Substitution):
        spans = cr.m["match"].find(doc)
        if spans and cr.m["exceptions"]:
            exc = cr.m["exceptions"].find(doc)
            spans = [h for h in spans if not _overlaps(h, exc)]
        out = []
        for a, b in _dedupe(spans):
            good = cr.swap.get(doc.norm[a:b]) or cr.swap.get(squeeze(doc.norm[a:b])) or ""
            out.append(_Hit(a, b, fix=good or None, subst={"swap": good}))
        return out, None
    if isinstance(spec, rs.Occurrence):
        return _occurrence(cr, spec, doc)
    if isinstance(spec, rs.Metric):
        return _metric(cr, spec, doc)
    if isinstance(spec, rs.Sequence):
        return [_Hit(a, b) for a, b in _sequence(cr, doc)], None
    if isinstance(spec, rs.Length):
        return _length(spec, doc), None
    raise AssertionError(spec)


def _length(spec: rs.Length, doc: Doc) -> list[_Hit]:
    """One finding per limit passed, pointing at the first characters over the limit."""
    raw = doc.text.raw
    hits: list[_Hit] = []

    def at(cut: int, **subst: str) -> None:
        end = min(len(raw), cut + 20)
        nl = raw.find("\n", cut, end)
        end = nl if nl > cut else end
        hits.append(_Hit(*doc.text.from_raw(cut, end), subst=subst))

    if spec.max_bytes is not None:
        size = len(raw.encode("utf-8", "surrogatepass"))
        if size > spec.max_bytes:
            cut, used = len(raw), 0
            for i, c in enumerate(raw):
                used += 1 if c < "\x80" else 2 if c < "\u0800" else 3 if c < "\U00010000" else 4
                if used > spec.max_bytes:
                    cut = i
                    break
            at(cut, bytes=str(size), limit=str(spec.max_bytes))
    if spec.max_chars is not None:
        n = len(raw) - raw.count("\n")
        if n > spec.max_chars:
            cut, seen = len(raw), 0
            for i, c in enumerate(raw):
                if c != "\n":
                    seen += 1
                    if seen > spec.max_chars:
                        cut = i
                        break
            at(cut, chars=str(n), limit=str(spec.max_chars))
    if spec.max_lines is not None:
        lines = raw.rstrip("\n").split("\n")
        if len(lines) > spec.max_lines:
            cut = sum(len(line) + 1 for line in lines[:spec.max_lines])
            at(min(cut, len(raw)), lines=str(len(lines)), limit=str(spec.max_lines))
    return hits


def _dedupe(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop spans inside an earlier, longer span (terms + tokens can find the same word twice)."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans, key=lambda s: (s[0], -s[1])):
        if out and a < out[-1][1]:
            continue
        out.append((a, b))
    return out


def _occurrence(cr: CompiledRule, spec: rs.Occurrence, doc: Doc) -> tuple[list[_Hit], float | None]:
    spans = _dedupe(cr.m["match"].find(doc))
    scopes = [(0, len(doc.norm))] if spec.scope == "draft" else doc.sentences
    hits: list[_Hit] = []
    best = 0
    for s, e in scopes:
        inside = [(a, b) for a, b in spans if a >= s and b <= e]
        n = len({doc.norm[a:b] for a, b in inside}) if spec.distinct else len(inside)
        best = max(best, n)
        if spec.min is not None and n < spec.min and spec.scope == "draft":
            hits.append(_Hit(0, 0))
        if spec.max is not None and n > spec.max:
            a, b = inside[spec.max]
            hits.append(_Hit(a, b, subst={"count": str(n)}))
    score = None
    if spec.score is not None:
        score = min(100.0, spec.score.base + spec.score.per_hit * best) if best else 0.0
    return hits, score


def _metric(cr: CompiledRule, spec: rs.Metric, doc: Doc) -> tuple[list[_Hit], float | None]:
    value = 0.0
    for feat, m in cr.features:
        n = len(_dedupe(m.find(doc)))
        value += feat.weight * min(n, feat.cap)
    if spec.per_chars:
        value = value / max(1.0, len(doc.norm) / spec.per_chars)
    delta = value - spec.threshold
    failing = delta < 0 if spec.fail_when == "below" else delta >= 0
    signed = delta if spec.fail_when == "below" else -delta
    score = max(0.0, min(100.0, 50 + signed * 50 / spec.scale))
    if failing:
        score = min(score, 49.0)
    else:
        score = max(score, 50.0)
    return ([_Hit(0, 0, subst={"value": f"{value:.1f}"})] if failing else []), score


def _sequence(cr: CompiledRule, doc: Doc) -> list[tuple[int, int]]:
    first_words = cr.steps[0][1]
    if isinstance(first_words, frozenset) and not any(w in doc.norm for w in first_words):
        return []  # a token is a piece of the draft: no first-step word in it, no match
    toks = [t for t in doc.tokens if not t.word.isspace()]

    def ok(step_m, word: str) -> bool:
        if isinstance(step_m, frozenset):
            return word in step_m
        if isinstance(step_m, re.Pattern):
            return step_m.fullmatch(word) is not None
        return True

    out = []
    first_step, first_m = cr.steps[0]
    for i, t in enumerate(toks):
        if not ok(first_m, t.word):
            continue
        pos, end_tok = i, t
        matched = True
        for step, m in cr.steps[1:]:
            for j in range(pos + 1, min(len(toks), pos + 2 + step.skip)):
                if ok(m, toks[j].word):
                    pos, end_tok = j, toks[j]
                    break
            else:
                matched = False
                break
        if matched:
            out.append((t.start, end_tok.end))
    return out


# ---------------------------------------------------------------- checker --

class Checker:
    """Compiled rule modules; ``check`` judges one draft."""

    def __init__(self, modules: list[tuple[rs.Module, Path]], enable: Iterable[str] = (),
                 disable: Iterable[str] = (), severity: dict[str, str] | None = None):
        enable, disable = set(enable), set(disable)
        severity = severity or {}
        self.modules = [m for m, _ in modules]
        self.rules: list[CompiledRule] = []
        seen: dict[str, Path] = {}
        for module, path in modules:
            for spec in module.rules:
                if spec.id in seen:
                    raise InputError(f"{path}: 规则编号 {spec.id} 已在 {seen[spec.id]} 里用过")
                seen[spec.id] = path
                selectors = {spec.id, spec.name, module.module, module.dimension}
                on = (spec.enabled or selectors & enable) and not (selectors & disable)
                if not on:
                    continue
                if spec.id in severity:
                    spec = spec.model_copy(update={"severity": severity[spec.id]})
                self.rules.append(compile_rule(spec, module, f"{path}:{spec.id}"))
        self._by_kind: dict[str, list[CompiledRule]] = {}

    def rules_for(self, kind: str) -> list[CompiledRule]:
        r = self._by_kind.get(kind)
        if r is None:
            base_kind(kind)  # validates the kind
            r = self._by_kind[kind] = [cr for cr in self.rules if cr.applies(kind)]
        return r

    def dimensions_for(self, kind: str) -> list[str]:
        dims: dict[str, None] = {}
        for cr in self.rules_for(kind):
            dims.setdefault(cr.dimension)
        return list(dims)

    def rule(self, rule_id: str) -> CompiledRule | None:
        for cr in self.rules:
            if cr.id == rule_id or cr.spec.name == rule_id:
                return cr
        return None

    def check(self, raw: str, kind: str, draft_id: str = "-") -> DraftReport:
        doc = Doc(raw)
        findings: list[Finding] = []
        scores: dict[str, list[float]] = {}
        bad: dict[str, int] = {}
        rules = self.rules_for(kind)
        dims = {cr.dimension: None for cr in rules}
        for cr in rules:
            hits, score = run_rule(cr, doc)
            if score is not None:
                scores.setdefault(cr.dimension, []).append(score)
            for h in hits:
                f = _finding(cr, doc, h)
                findings.append(f)
                if f.severity != "info":
                    bad[cr.dimension] = bad.get(cr.dimension, 0) + 1
        findings.sort(key=lambda f: (f.start, f.end, f.rule))
        dimensions = {}
        for d in dims:
            rule_score = min(scores.get(d, [100.0]))
            n_bad = bad.get(d, 0)
            if n_bad:
                score = max(0, min(49, int(rule_score)) - 10 * (n_bad - 1))
            else:
                score = max(50, int(round(rule_score)))
            dimensions[d] = Dimension(passed=n_bad == 0, score=score)
        return DraftReport(draft_id, kind, raw, dimensions, findings)


def _finding(cr: CompiledRule, doc: Doc, h: _Hit) -> Finding:
    raw = doc.text.raw
    start, end = doc.text.to_raw(h.start, h.end)
    match = raw[start:end]
    line, col = doc.text.line_col(start)
    excerpt = match if match else raw[start:start + 24].split("\n", 1)[0]
    fields = {"match": match or excerpt, **h.subst}
    spec = cr.spec
    return Finding(
        rule=spec.id, name=spec.name, dimension=cr.dimension, severity=spec.severity,
        message=_fill(spec.message, fields), start=start, end=end, line=line, column=col,
        excerpt=excerpt, suggestion=_fill(spec.suggestion, fields), fix=h.fix,
    )


def _fill(template: str, fields: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: fields.get(m.group(1), m.group(0)), template)
