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
from .textio import Decoded, decode


@dataclass(frozen=True)
class Draft:
    id: str
    kind: str
    text: str
    source: Decoded | None = None  # how a draft file was encoded (for --fix --write)


def check(text: str, kind: str = "lure", draft_id: str = "-", config: Config | None = None,
          paragraphs: str = "auto") -> DraftReport:
    return build_checker(config or Config()).check(text, kind, draft_id, paragraphs)


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


def parse_line(line: str, where: str, default_kind: str, default_id: str | None = None) -> Draft:
    """One JSONL line ``{"id", "kind", "text"}`` → a Draft; ``where`` (file:line) prefixes any error.
    Without ``default_id`` the line must carry its own ``id``."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError:
        raise InputError(f"{where}: 不是合法的 JSON 行") from None
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        raise InputError(f"{where}: 每行需要 {{\"id\", \"kind\", \"text\"}}，text 必须是字符串")
    if default_id is None and row.get("id") is None:
        raise InputError(f"{where}: 这一行没有 id（分布式检查按 id 对应结果）")
    kind = str(row.get("kind") or default_kind)
    try:
        base_kind(kind)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None
    return Draft(str(row.get("id", default_id)), kind, row["text"])


def read_jsonl(path: str, default_kind: str, encoding: str | None = None) -> Iterator[Draft]:
    """One draft per line.  A file is read line by line (UTF-8, its BOM dropped, unless ``encoding``)."""
    try:
        fh = open(path, encoding=encoding or "utf-8-sig") if path != "-" else None
    except OSError as exc:
        raise InputError(f"{path}: 无法读取（{exc.strerror}）") from None
    stream = fh or sys.stdin
    try:
        for n, line in enumerate(stream, 1):
            if line.strip():
                yield parse_line(line, f"{path}:{n}", default_kind, default_id=str(n))
    except UnicodeDecodeError:
        raise InputError(f"{path}: 不是 {encoding or 'UTF-8'} 文本（JSONL 请用 UTF-8，或用 --encoding 指定）") from None
    finally:
        if fh:
            fh.close()


def read_file(path: str, kind: str | None, encoding: str | None = None) -> Draft:
    """One draft from a file (or ``-``, standard input), in whatever encoding it came (``textio``)."""
    if path == "-":
        src = decode(sys.stdin.buffer.read(), "标准输入", encoding)
        return Draft("-", kind or "lure", src.text, src)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: 文件不存在") from None
    except OSError as exc:
        raise InputError(f"{path}: 无法读取（{exc.strerror}）") from None
    src = decode(data, path, encoding)
    return Draft(path, kind or guess_kind(path), src.text.rstrip("\n"), src)


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


def read_paths(paths: Iterable[str], kind: str | None, encoding: str | None = None) -> Iterator[Draft]:
    """Drafts from FILE arguments, lazily: a file is one draft, ``-`` is standard input, and a
    directory is every ``*.txt`` / ``*.md`` under it, in sorted order."""
    for path in paths:
        if path != "-" and os.path.isdir(path):
            n = 0
            for f in _walk(path):
                n += 1
                yield read_file(f, kind, encoding)
            if not n:
                raise InputError(f"{path}: 目录里没有 .txt 或 .md 文件")
        else:
            yield read_file(path, kind, encoding)


__all__ = ["Draft", "check", "check_many", "load_config", "build_checker", "read_jsonl", "read_file",
           "read_paths", "guess_kind"]
