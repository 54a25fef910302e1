"""Every rule is judged by its own labelled examples (one parametrised test)."""

from __future__ import annotations

import pytest

from copygen.engine import base_kind

from .conftest import all_modules

CASES = []
for module, path in all_modules():
    for rule in module.rules:
        kind = rule.examples.kind or (rule.kinds or module.applies_to)[0]
        for i, text in enumerate(rule.examples.fail):
            CASES.append(pytest.param(rule.id, kind, text, True, id=f"{rule.id}-fail-{i}"))
        for i, text in enumerate(rule.examples.pass_):
            CASES.append(pytest.param(rule.id, kind, text, False, id=f"{rule.id}-pass-{i}"))


@pytest.mark.parametrize("rule_id, kind, text, should_fire", CASES)
def test_rule_example(full_checker, rule_id, kind, text, should_fire):
    report = full_checker.check(text, kind)
    fired = [f for f in report.findings if f.rule == rule_id]
    if should_fire:
        assert fired, f"{rule_id} missed its fail example: {text}"
        for f in fired:  # spans point into the raw draft
            assert 0 <= f.start <= f.end <= len(text)
            assert text[f.start:f.end] == f.excerpt or f.start == f.end
    else:
        assert not fired, f"{rule_id} false positive on its pass example: {text} → {[f.excerpt for f in fired]}"


@pytest.mark.parametrize("module_path", [p for _, p in all_modules()], ids=lambda p: p.stem)
def test_every_rule_has_two_examples_each_way(module_path):
    from copygen import rulespec as rs

    module = rs.load_module(module_path)
    short = [r.id for r in module.rules if len(r.examples.fail) < 2 or len(r.examples.pass_) < 2]
    assert not short, f"rules with fewer than 2 pass and 2 fail examples: {short}"


def test_rule_kinds_are_known():
    for module, _ in all_modules():
        for rule in module.rules:
            for k in rule.kinds or module.applies_to:
                base_kind(k)
