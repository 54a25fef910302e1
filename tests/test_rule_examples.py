"""Every rule is judged by its own labelled examples (one parametrised test).

Draft rules (rules/*.yaml) are run on their example texts; pack rules
(rules/pack/*.yaml) on their example packs, small inline packs in the pack.json shape.
"""

from __future__ import annotations

import pytest

from copygen.engine import base_kind
from copygen.packio import parse_pack

from .conftest import all_modules, all_pack_modules

CASES = []
for module, path in all_modules():
    for rule in module.rules:
        kind = rule.examples.kind or (rule.kinds or module.applies_to)[0]
        for i, text in enumerate(rule.examples.fail):
            CASES.append(pytest.param(rule.id, kind, text, True, id=f"{rule.id}-fail-{i}"))
        for i, text in enumerate(rule.examples.pass_):
            CASES.append(pytest.param(rule.id, kind, text, False, id=f"{rule.id}-pass-{i}"))
for module, path in all_pack_modules():
    for rule in module.rules:
        for i, ex in enumerate(rule.examples.fail):
            CASES.append(pytest.param(rule.id, "pack", ex, True, id=f"{rule.id}-fail-{i}"))
        for i, ex in enumerate(rule.examples.pass_):
            CASES.append(pytest.param(rule.id, "pack", ex, False, id=f"{rule.id}-pass-{i}"))


def _fired_in_pack(checker, rule_id, ex):
    pack = parse_pack({"campaign": ex.campaign, "pieces": ex.pieces}, "example")
    fired = [f for f in checker.check(pack) if f.rule == rule_id]
    for f in fired:  # spans point into the piece's text as written
        if f.piece is None:
            assert (f.start, f.end) == (0, 0)
            continue
        text = pack.pieces[pack.index[f.piece]].text
        assert 0 <= f.start <= f.end <= len(text)
        assert text[f.start:f.end] == f.excerpt or f.start == f.end
    return fired


@pytest.mark.parametrize("rule_id, kind, example, should_fire", CASES)
def test_rule_example(full_checker, full_pack_checker, rule_id, kind, example, should_fire):
    if kind == "pack":
        fired = _fired_in_pack(full_pack_checker, rule_id, example)
        if should_fire:
            assert fired, f"{rule_id} missed its fail example: {example.pieces}"
            if example.at is not None:
                assert any(f.piece == example.at for f in fired), (example.at, [f.piece for f in fired])
        else:
            assert not fired, f"{rule_id} false positive on its pass example: {[f.message for f in fired]}"
        return
    report = full_checker.check(example, kind)
    fired = [f for f in report.findings if f.rule == rule_id]
    if should_fire:
        assert fired, f"{rule_id} missed its fail example: {example}"
        for f in fired:  # spans point into the raw draft
            assert 0 <= f.start <= f.end <= len(example)
            assert example[f.start:f.end] == f.excerpt or f.start == f.end
    else:
        assert not fired, f"{rule_id} false positive on its pass example: {example} → {[f.excerpt for f in fired]}"


@pytest.mark.parametrize("module_path", [p for _, p in all_modules() + all_pack_modules()], ids=lambda p: p.stem)
def test_every_rule_has_two_examples_each_way(module_path):
    from copygen import packspec as ps
    from copygen import rulespec as rs

    module = (ps.load_pack_module if module_path.parent.name == "pack" else rs.load_module)(module_path)
    short = [r.id for r in module.rules if len(r.examples.fail) < 2 or len(r.examples.pass_) < 2]
    assert not short, f"rules with fewer than 2 pass and 2 fail examples: {short}"


def test_rule_kinds_are_known():
    for module, _ in all_modules():
        for rule in module.rules:
            for k in rule.kinds or module.applies_to:
                base_kind(k)


def test_rule_ids_are_unique_across_draft_and_pack_rules():
    ids = [r.id for m, _ in all_modules() + all_pack_modules() for r in m.rules]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
