"""Split copy into parts that fit a byte budget.

Vendors count UTF-8 bytes, not characters (汉字 and full-width punctuation are
3 bytes, most emoji 4).  A part is cut, in order of preference, after a
paragraph, after a sentence (。！？…), after a clause (；，、) and only as a last
resort between two grapheme clusters — never inside one, so neither a
character nor an emoji sequence such as 👍🏻 or 👨‍👩‍👧 is ever torn apart.

The budget is checked with a caller-given ``measure`` (the bytes the vendor
will count for a part: the bare text for WeCom, the whole JSON body for
Feishu), so escapes and mention suffixes are paid for exactly.
"""

from __future__ import annotations

from typing import Callable

import regex

from ..errors import InputError

Measure = Callable[[str], int]

# Cut points, strongest first.  Each pattern matches the break *after* which a
# part may end; the separator stays with the text before it.
_LEVELS = (
    regex.compile(r"\n+"),
    regex.compile(r"[。！？!?…]+[」』”’）)】]*"),
    regex.compile(r"[；;，,、：:]"),
)
_GRAPHEME = regex.compile(r"\X")


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def _pieces(text: str, level: int) -> list[str]:
    """``text`` cut after every break of ``level``; the pieces join back to ``text``."""
    if level >= len(_LEVELS):
        return _GRAPHEME.findall(text)
    out, start = [], 0
    for m in _LEVELS[level].finditer(text):
        out.append(text[start:m.end()])
        start = m.end()
    if start < len(text):
        out.append(text[start:])
    return [p for p in out if p]


def _pack(text: str, fits: Callable[[str], bool], level: int) -> list[str]:
    """Greedy: join consecutive pieces while the part still fits; recurse into a piece too big alone."""
    parts: list[str] = []
    current = ""
    for piece in _pieces(text, level):
        candidate = current + piece
        if fits(candidate.strip()):
            current = candidate
            continue
        if current.strip():
            parts.append(current)
        current = ""
        if fits(piece.strip()):
            current = piece
        elif level < len(_LEVELS):
            sub = _pack(piece, fits, level + 1)
            parts += sub[:-1]
            current = sub[-1] if sub else ""
        else:  # one grapheme cluster larger than the whole budget
            raise InputError(f"无法拆分：单个字符「{piece}」就超过了字节上限")
    if current.strip():
        parts.append(current)
    return parts


def split_text(text: str, limit: int, measure: Measure = utf8_len, first_measure: Measure | None = None) -> list[str]:
    """Parts of ``text``, each with ``measure(part) <= limit``, cut at the strongest break available.

    ``first_measure`` measures the first part (e.g. when only it carries a mention).
    Parts are stripped of the whitespace at the cut; joining them with the cut
    whitespace restores the text.
    """
    text = text.strip()
    first = first_measure or measure
    if first(text) <= limit:
        return [text]
    # Plan with the stricter of the two measures so the first part fits whichever it gets.
    def fits(part: str) -> bool:
        return max(first(part), measure(part)) <= limit

    return [p.strip() for p in _pack(text, fits, 0)]
