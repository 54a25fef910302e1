"""``copygen check --fix``: apply only the safe typography fixes (format dimension)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .engine import Checker
from .errors import InputError
from .textio import decode

SAFE_DIMENSIONS = {"format"}


def fix_text(text: str, kind: str, engine: Checker) -> tuple[str, int]:
    """The text with every safe fix applied, and how many were applied."""
    applied = 0
    for _ in range(3):  # a fix can reveal another (！！！ → ！ then spacing); stop when stable
        report = engine.check(text, kind)
        fixes = sorted({(f.start, f.end, f.fix) for f in report.findings
                        if f.fix is not None and f.dimension in SAFE_DIMENSIONS}, reverse=True)
        last_start = len(text) + 1
        changed = False
        for start, end, repl in fixes:
            if end > last_start:  # overlapping fixes: keep the later one, redo the rest next round
                continue
            text = text[:start] + repl + text[end:]
            last_start = start
            applied += 1
            changed = True
        if not changed:
            break
    return text, applied


def apply_fixes(drafts: list, engine: Checker, write: bool) -> None:
    for d in drafts:
        fixed, n = fix_text(d.text, d.kind, engine)
        if not write:
            sys.stdout.write(fixed + ("\n" if not fixed.endswith("\n") else ""))
            continue
        if d.id == "-" or not Path(d.id).is_file():
            raise InputError(f"{d.id}: --write 只能改写文件")
        if n == 0:
            click.echo(f"{d.id}: 无需修改", err=True)
            continue
        path = Path(d.id)
        backup = path.with_name(path.name + ".orig")
        if backup.exists():
            raise InputError(f"{backup}: 备份文件已存在，先处理它再 --write")
        original = path.read_bytes()
        src = d.source or decode(original, d.id)
        trailing = "\n" if src.text.endswith("\n") else ""
        data = src.encode(fixed + trailing, d.id)  # same encoding and BOM as the file came in
        backup.write_bytes(original)  # byte for byte
        path.write_bytes(data)
        click.echo(f"{d.id}: 修正 {n} 处（原文件在 {backup.name}）", err=True)
