"""Where the shipped data lives: inside the wheel, or at the top of a source checkout."""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent
_REPO = _PKG.parent


def _find(name: str) -> Path:
    installed = _PKG / "_data" / name
    if installed.is_dir():
        return installed
    return _REPO / name  # editable install or running from a checkout


def templates_dir(lang: str = "zh") -> Path:
    return _find("templates") / lang


def rules_dir() -> Path:
    return _find("rules")


def starter_campaign() -> str:
    return (_PKG / "starter_campaign.yaml").read_text(encoding="utf-8")
