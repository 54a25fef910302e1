from __future__ import annotations

from pathlib import Path

import pytest

from copygen import packspec as ps
from copygen import rulespec as rs
from copygen.engine import Checker
from copygen.packrules import PackChecker
from copygen.resources import rules_dir


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
