from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from copygen import packspec as ps
from copygen import rulespec as rs
from copygen.engine import Checker
from copygen.packrules import PackChecker
from copygen.resources import rules_dir


# Hypothesis profiles: `ci` (the default, quick and reproducible) runs in the suite; `long` is for the
# benchmark run: HYPOTHESIS_PROFILE=long python -m pytest tests/test_fuzz.py
settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("long", max_examples=3000, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def all_modules() -> list[tuple[rs.Module, Path]]:
    return [(rs.load_module(p), p) for p in rs.module_files(rules_dir())]


def all_pack_modules() -> list[tuple[ps.PackModule, Path]]:
    return [(ps.load_pack_module(p), p) for p in ps.pack_module_files(rules_dir())]


@pytest.fixture(scope="session")
def full_checker() -> Checker:
    """Every rule on, opt-in ones included, so each rule's own examples can be run."""
    mods = all_modules()
    return Checker(mods, enable=[r.id for m, _ in mods for r in m.rules])


@pytest.fixture(scope="session")
def full_pack_checker() -> PackChecker:
    """Every pack rule on, so each one's example packs can be run."""
    mods = all_pack_modules()
    return PackChecker(mods, enable=[r.id for m, _ in mods for r in m.rules])
