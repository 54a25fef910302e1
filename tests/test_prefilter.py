"""The fast path (Aho-Corasick prefilter, needle-restricted alternations) finds exactly what the
reference path (every pattern run on every draft) finds: every finding, score and verdict, over
the example packs, every rule's own examples, the labelled dev drafts and the real corpus
(../shared, read at run time; those parts are skipped when it is absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copygen import rulespec as rs
from copygen.campaign import load_campaign
from copygen.engine import Checker
from copygen.pack import build_pack
from copygen.render import default_catalogue
from copygen.resources import rules_dir

from .conftest import all_modules

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _packs() -> list[tuple[str, str]]:
    cat = default_catalogue()
    out = []
    for ex in sorted((ROOT / "examples").glob("*.yaml")):
        doc = build_pack(load_campaign(ex), cat, checker=None, variants=3)
        out += [(p.text, p.kind) for p in doc.pieces]
    return out


def _rule_examples() -> list[tuple[str, str]]:
    out = []
    for path in rs.module_files(rules_dir()):
        m = rs.load_module(path)
        for r in m.rules:
            kind = r.examples.kind or (r.kinds or m.applies_to)[0]
            out += [(t, kind) for t in [*r.examples.pass_, *r.examples.fail]]
    return out


def _jsonl(files: list[Path]) -> list[tuple[str, str]]:
    out = []
    for f in files:
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out.append((row["text"], row.get("kind") or "lure"))
    return out


def _shared(label: str) -> list[tuple[str, str]]:
    files = [SHARED / "eval" / "dev.jsonl"] if label == "dev" else sorted((SHARED / "corpus").glob("*.jsonl"))
    files = [f for f in files if f.is_file()]
    if not files:
        pytest.skip(f"{SHARED} is not beside the repository")
    return _jsonl(files)


SETS = {"packs": _packs, "rule examples": _rule_examples, "dev": lambda: _shared("dev"),
        "corpus": lambda: _shared("corpus")}


@pytest.fixture(scope="module")
def checkers() -> tuple[Checker, Checker]:
    mods = all_modules()
    every = [r.id for m, _ in mods for r in m.rules]  # opt-in rules too
    return Checker(mods, enable=every), Checker(mods, enable=every, prefilter=False)


@pytest.mark.parametrize("name", list(SETS))
def test_fast_path_finds_what_the_reference_finds(checkers, name):
    fast, ref = checkers
    drafts = SETS[name]()
    assert drafts
    # the same draft also as one long text of paragraphs (paragraph-by-paragraph density rules)
    drafts.append(("\n\n".join(t for t, _ in drafts[:12]), "rules"))
    for kind in ("lure", "topic"):
        for i, (text, k) in enumerate(drafts):
            k = k if kind == "lure" else kind
            got, want = fast.check(text, k, str(i)).to_dict(), ref.check(text, k, str(i)).to_dict()
            assert got == want, (name, i, text[:80])


def test_the_prefilter_skips_patterns(checkers):
    """The fast path really skips: on a draft without any rule's words most matchers never run."""
    fast, _ = checkers
    assert fast.prefilter is not None and fast.prefilter.entries["norm"]
    doc_text = "今天下雨"
    from copygen.matching import Doc

    doc = Doc(doc_text, fast.segmenter, prefilter=fast.prefilter)
    matchers = [m for m in _all_matchers(fast) if m.bit]
    assert len(matchers) > 50
    skipped = sum(1 for m in matchers if not doc.possible(m.bit, m.view))
    assert skipped > 0.8 * len(matchers)


def _all_matchers(ck: Checker):
    from copygen.matching import Matcher

    seen = []
    for cr in ck.rules:
        for v in vars(cr.compiled).values():
            for x in (v if isinstance(v, list) else [v]):
                for y in (x if isinstance(x, tuple) else (x,)):
                    if isinstance(y, Matcher):
                        seen.append(y)
    return seen
