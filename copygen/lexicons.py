"""Shared word lists (lexicons), defined once and referenced from rule files.

One file per lexicon under ``rules/lexicons/`` (and under a user rule pack's
``lexicons/`` folder): ``NAME.txt``, one entry per line; blank lines and lines
starting with ``#`` are ignored, and a line ``@other`` includes lexicon ``other``.

Rules refer to a lexicon in two ways:

* ``@NAME`` as an item of ``terms`` or ``tokens`` stands for every entry;
* ``{lex:NAME}`` inside a ``regex`` stands for any one entry, as a literal
  (escaped, longest first).  Inside a character class (``[{lex:numerals}几]``)
  it adds the lexicon's characters, so every entry must then be one character.

A module may also declare lexicons of its own under a top-level ``lexicons:`` key
(visible only to that module); they shadow shared ones of the same name.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import InputError

LEX_REF = re.compile(r"\{lex:([a-z][a-z0-9_]*)\}")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def load_dir(folder: Path) -> dict[str, list[str]]:
    """Every ``*.txt`` in ``folder`` as a lexicon named after the file (missing folder: none)."""
    raw: dict[str, list[str]] = {}
    if not folder.is_dir():
        return raw
    for path in sorted(folder.glob("*.txt")):
        if not NAME.match(path.stem):
            raise InputError(f"{path}: 词表文件名只能用小写字母、数字和下划线")
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: 词表无法读取（{exc.__class__.__name__}）") from None
        raw[path.stem] = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    return {name: _resolve(name, raw, folder, ()) for name in raw}


def _resolve(name: str, raw: dict[str, list[str]], folder: Path, seen: tuple[str, ...]) -> list[str]:
    if name in seen:
        raise InputError(f"{folder / name}.txt: 词表互相引用成环（{' → '.join((*seen, name))}）")
    out: list[str] = []
    for entry in raw[name]:
        if entry.startswith("@"):
            if entry[1:] not in raw:
                raise InputError(f"{folder / name}.txt: 没有名为 {entry} 的词表")
            out.extend(_resolve(entry[1:], raw, folder, (*seen, name)))
        else:
            out.append(entry)
    return list(dict.fromkeys(out))


def merge(*sources: tuple[str, dict[str, list[str]]]) -> dict[str, list[str]]:
    """Lexicons from several folders; one name defined twice is an error."""
    out: dict[str, list[str]] = {}
    where: dict[str, str] = {}
    for origin, lex in sources:
        for name, entries in lex.items():
            if name in out:
                raise InputError(f"{origin}: 词表 {name} 已在 {where[name]} 里定义过")
            out[name] = entries
            where[name] = origin
    return out


def expand_items(items: list[str], lex: dict[str, list[str]], where: str) -> list[str]:
    """``terms`` / ``tokens`` with every ``@NAME`` replaced by the lexicon's entries."""
    out: list[str] = []
    for it in items:
        if it.startswith("@"):
            out.extend(_get(lex, it[1:], where))
        else:
            out.append(it)
    return out


def expand_regex(pattern: str, lex: dict[str, list[str]], where: str) -> str:
    """A rule's regex with every ``{lex:NAME}`` replaced by an alternation (or class members)."""
    if "{lex:" not in pattern:
        return pattern
    out: list[str] = []
    pos = 0
    for m in LEX_REF.finditer(pattern):
        out.append(pattern[pos:m.start()])
        entries = _get(lex, m.group(1), where)
        if _in_class(pattern, m.start()):
            if any(len(e) != 1 for e in entries):
                raise InputError(f"{where}: 词表 {m.group(1)} 有多字的词，不能放进 [...] 里")
            out.append("".join(_class_escape(e) for e in entries))
        else:
            out.append(alternation(entries))
        pos = m.end()
    out.append(pattern[pos:])
    return "".join(out)


def alternation(entries: list[str]) -> str:
    """Any one entry: a character class when all are single characters, else ``(?:…)`` longest first."""
    uniq = list(dict.fromkeys(entries))
    if uniq and all(len(e) == 1 for e in uniq):
        return "[" + "".join(_class_escape(e) for e in uniq) + "]"
    return "(?:" + "|".join(re.escape(e) for e in sorted(uniq, key=len, reverse=True)) + ")"


def _class_escape(ch: str) -> str:
    return "\\" + ch if ch in "\\]^-[" else ch


def _in_class(pattern: str, end: int) -> bool:
    """Whether position ``end`` of ``pattern`` lies inside a ``[...]`` character class."""
    inside = False
    i = 0
    while i < end:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if not inside and c == "[":
            inside = True
            i += 1
            if i < end and pattern[i] == "^":
                i += 1
            if i < end and pattern[i] == "]":  # a leading ] is a member
                i += 1
            continue
        if inside and c == "]":
            inside = False
        i += 1
    return inside


def _get(lex: dict[str, list[str]], name: str, where: str) -> list[str]:
    if name not in lex:
        raise InputError(f"{where}: 没有名为 @{name} 的词表（rules/lexicons/{name}.txt）")
    return lex[name]
