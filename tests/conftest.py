from __future__ import annotations

from pathlib import Path

import pytest

from copygen import rulespec as rs
from copygen.engine import Checker
from copygen.resources import rules_dir



def all_modules() -> list[tuple[rs.Module, Path]]:
    return [(rs.load_module(p), p) for p in rs.module_files(rules_dir())]


@pytest.fixture(scope="session")
def full_checker() -> Checker:
    """Every rule on, opt-in ones included, so each rule's own examples can be run."""
    mods = all_modules()
    return Checker(mods, enable=[r.id for m, _ in mods for r in m.rules])
