"""The installed `copygen` works from any directory (templates and rules ship in the wheel)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .helpers import EXAMPLES


def _exe() -> str:
    here = Path(sys.executable).parent / "copygen"
    found = str(here) if here.exists() else shutil.which("copygen")
    assert found, "the copygen console script is not installed"
    return found


def test_console_script_packs_from_another_directory(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    campaign = tmp_path / "c.yaml"
    shutil.copy(EXAMPLES[0], campaign)
    r = subprocess.run([_exe(), "pack", "c.yaml", "-o", "out", "--nofail"], cwd=tmp_path, env=env,
                       capture_output=True, text=True, encoding="utf-8")
    assert r.returncode == 0, r.stderr
    doc = json.loads((tmp_path / "out" / "pack.json").read_text(encoding="utf-8"))
    assert doc["pieces"] and all(p["check"]["passed"] for p in doc["pieces"])
    assert "pack_check" in doc["summary"]  # the pack rules (rules/pack/) ship too
    r = subprocess.run([_exe(), "explain", "PK01"], cwd=tmp_path, env=env, capture_output=True, text=True,
                       encoding="utf-8")
    assert r.returncode == 0 and "整包检查" in r.stdout, r.stderr


def test_installed_package_data_is_found():
    code = "from copygen.resources import templates_dir, rules_dir; print(templates_dir().is_dir(), rules_dir().is_dir())"
    r = subprocess.run([sys.executable, "-c", code], cwd="/", capture_output=True, text=True)
    assert r.stdout.split() == ["True", "True"], r.stderr
