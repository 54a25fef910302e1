"""A pack + pack-rule modules → findings.  The kinds live in ``copygen/packkinds/``
(one module each); this module compiles the rules, runs them and turns hits into
findings — it knows nothing about any particular rule or kind.

A finding names the piece and, where the problem is in the text, a span into
that piece's text as written.  Findings about the schedule point at the start of
the piece (0, 0); findings about the campaign as a whole at no piece.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from . import packkinds
from . import packspec as ps
from .engine import fill_slots, selected_rules, shipped_lexicons
from .errors import InputError
from .matching import Context
from .packio import Pack
from .packmatch import Hit, View
from .tokenize import Segmenter


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
class CompiledPackRule:
    spec: ps.PackRuleSpec
    module: ps.PackModule
    compiled: Any
    run_kind: Any

    def run(self, v: View) -> Iterable[Hit]:
        return self.run_kind(self.compiled, v)


class PackChecker:
    """Compiled pack-rule modules; ``check`` judges one pack."""

    def __init__(self, modules: list[tuple[ps.PackModule, Path]], enable: Iterable[str] = (),
                 disable: Iterable[str] = (), severity: dict[str, str] | None = None,
                 lexicons: dict[str, list[str]] | None = None):
        lexicons = shipped_lexicons() if lexicons is None else lexicons
        self.segmenter = Segmenter()
        self.modules = [mod for mod, _ in modules]
        self.rules: list[CompiledPackRule] = []
        for spec, module, path in selected_rules(modules, enable, disable, severity):
            k = packkinds.get(spec.kind)
            if k is None:
                raise InputError(f"{path}:{spec.id}: 未知的整包规则类型 {spec.kind}")
            ctx = Context(lexicons, f"{path}:{spec.id}")
            self.rules.append(CompiledPackRule(spec, module, k.compile(spec, ctx), k.run))

    def rule(self, rule_id: str) -> CompiledPackRule | None:
        return next((r for r in self.rules if rule_id in (r.spec.id, r.spec.name)), None)

    def check(self, pack: Pack) -> list[PackFinding]:
        v = View(pack, self.segmenter)
        out = [_finding(cr, v, h) for cr in self.rules for h in cr.run(v)]
        pos = {i: n for n, i in enumerate(v.order())}
        out.sort(key=lambda f: (-1 if f.piece is None else pos[pack.index[f.piece]], f.start, f.rule))
        return out


def _finding(cr: CompiledPackRule, v: View, h: Hit) -> PackFinding:
    spec = cr.spec
    if h.piece is None:
        piece, line, col, excerpt = None, 1, 1, ""
    else:
        raw = v.pieces[h.piece].text
        line, col = v.docs[h.piece].text.line_col(h.start)
        excerpt = raw[h.start:h.end] if h.end > h.start else raw[h.start:h.start + 24].split("\n", 1)[0]
        piece = v.pieces[h.piece].id
    fields = {"match": excerpt, "piece": piece or "", **h.subst}
    return PackFinding(
        rule=spec.id, name=spec.name, dimension=cr.module.dimension, severity=spec.severity,
        message=fill_slots(spec.message, fields), piece=piece, start=h.start, end=h.end, line=line, column=col,
        excerpt=excerpt, suggestion=fill_slots(spec.suggestion, fields),
    )


def pack_modules() -> list[tuple[ps.PackModule, Path]]:
    from .resources import rules_dir

    return [(ps.load_pack_module(p), p) for p in ps.pack_module_files(rules_dir())]


@lru_cache(maxsize=4)
def build_pack_checker(cfg=None) -> PackChecker:  # noqa: ANN001 - a config.Config (hashable)
    """The built-in pack rules with a config's enable / disable / severity applied."""
    if cfg is None:
        return PackChecker(pack_modules())
    return PackChecker(pack_modules(), enable=cfg.enable, disable=cfg.disable, severity=dict(cfg.severity))
