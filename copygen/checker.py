"""The public checking API: judge drafts by hand, from an LLM, or from a pack.

>>> from copygen.checker import check
>>> report = check("姐妹们，我刚领了500g车厘子……", kind="lure")
>>> report.passed, report.dimensions["user_voice"].score
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .config import Config, build_checker, load_config
from .engine import Checker, base_kind
from .errors import InputError
from .report import DraftReport


@dataclass(frozen=True)
class Draft:
    id: str
    kind: str
    text: str


def check(text: str, kind: str = "lure", draft_id: str = "-", config: Config | None = None) -> DraftReport:
    return build_checker(config or Config()).check(text, kind, draft_id)


def check_many(drafts: Iterable[Draft], checker: Checker | None = None) -> list[DraftReport]:
    ck = checker or build_checker(Config())
    return [ck.check(d.text, d.kind, d.id) for d in drafts]


_KIND_HINTS = (("welcome", "welcome"), ("欢迎", "welcome"), ("rules", "rules"), ("群规", "rules"),
               ("公告", "rules"), ("topic", "topic"), ("话题", "topic"))


def guess_kind(name: str, default: str = "lure") -> str:
    """A draft file named like ``welcome-store.txt`` or ``群规.txt`` is judged as that kind."""
    low = Path(name).name.lower()
    for hint, kind in _KIND_HINTS:
        if hint in low:
            return kind
    return default


def read_jsonl(path: str, default_kind: str) -> Iterator[Draft]:
    try:
        fh = open(path, encoding="utf-8") if path != "-" else None
    except OSError as exc:
        raise InputError(f"{path}: 无法读取（{exc.strerror}）") from None
    stream = fh or sys.stdin
    try:
        for n, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                raise InputError(f"{path}:{n}: 不是合法的 JSON 行") from None
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise InputError(f"{path}:{n}: 每行需要 {{\"id\", \"kind\", \"text\"}}，text 必须是字符串")
            kind = str(row.get("kind") or default_kind)
            try:
                base_kind(kind)
            except InputError as exc:
                raise InputError(f"{path}:{n}: {exc}") from None
            yield Draft(str(row.get("id", n)), kind, row["text"])
    finally:
        if fh:
            fh.close()


def read_file(path: str, kind: str | None) -> Draft:
    if path == "-":
        return Draft("-", kind or "lure", sys.stdin.read())
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: 文件不存在") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: 不是 UTF-8 文本") from None
    except OSError as exc:
        raise InputError(f"{path}: 无法读取（{exc.strerror}）") from None
    return Draft(path, kind or guess_kind(path), text.rstrip("\n"))


DRAFT_SUFFIXES = (".txt", ".md")


def _walk(root: str) -> Iterator[str]:
    """Draft files under ``root`` in sorted path order (by path component), hidden entries skipped;
    one directory's listing at a time, never the whole tree."""
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as exc:
        raise InputError(f"{root}: 无法读取目录（{exc.strerror}）") from None
    for e in entries:
        if e.name.startswith("."):
            continue
        if e.is_dir(follow_symlinks=False):
            yield from _walk(e.path)
        elif e.name.lower().endswith(DRAFT_SUFFIXES) and e.is_file():
            yield e.path


def read_paths(paths: Iterable[str], kind: str | None) -> Iterator[Draft]:
    """Drafts from FILE arguments, lazily: a file is one draft, ``-`` is standard input, and a
    directory is every ``*.txt`` / ``*.md`` under it, in sorted order."""
    for path in paths:
        if path != "-" and os.path.isdir(path):
            n = 0
            for f in _walk(path):
                n += 1
                yield read_file(f, kind)
            if not n:
                raise InputError(f"{path}: 目录里没有 .txt 或 .md 文件")
        else:
            yield read_file(path, kind)


__all__ = ["Draft", "check", "check_many", "load_config", "build_checker", "read_jsonl", "read_file",
           "read_paths", "guess_kind"]
