"""Draft → normalised copy with an offset map back to the raw text.

Rules match on the normalised copy; every span they report is mapped back so
findings always point into the draft the user wrote.  Two views:

* ``norm``: the raw text folded one character at a time (full-width letters and digits,
  styled digits ①❶⑴, traditional → simplified, lower-case Latin) with
  invisible format characters (zero-width space, BOM, soft hyphen…) removed.
* ``squeezed``: ``norm`` without filler characters (spaces, dashes, dots,
  asterisks…) and with runs of one repeated character collapsed, so that
  「全 网 最 低」「全-网-最-低」「全*网」「全全网」 all read 全网最低 for evasion-proof
  lexicon rules.  Typography rules read the raw text instead.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from .t2s import T2S

# Styled digits that NFKC leaves alone or expands to several characters: one glyph → one digit.
_DIGITS = {"\u24ea": "0", "\u24ff": "0", "\U0001F10B": "0"}
for _first in (0x2460, 0x2474, 0x2488, 0x2776, 0x2780, 0x278A, 0x24F5):  # ① ⑴ ⒈ ❶ ➀ ➊ ⓵
    for _i in range(9):
        _DIGITS[chr(_first + _i)] = str(_i + 1)

# Characters removed from the normalised copy (Unicode category Cf: zero-width, BOM, bidi…).
_INVISIBLE_CATEGORIES = {"Cf"}

# Filler a writer puts inside a word to dodge a lexicon: removed in the squeezed view.
FILLER = set(" \t\u3000\u00a0-_.*·•~～=+/\\|'\"`^、，,。!！?？:：;；…—–()（）[]【】<>《》「」『』“”‘’#@&%$")


def _fold_char(ch: str) -> str:
    """One raw character → one normalised character (or '' to drop it)."""
    if ch in _DIGITS:
        return _DIGITS[ch]
    o = ord(ch)
    if 0xFF01 <= o <= 0xFF5E and chr(o - 0xFEE0).isalnum():  # full-width letters and digits only:
        ch = chr(o - 0xFEE0)  # punctuation stays as written (，！？ are the typography rules' business)
    elif o == 0x3000:
        ch = " "
    elif unicodedata.category(ch) in _INVISIBLE_CATEGORIES:
        return ""
    else:
        k = unicodedata.normalize("NFKC", ch)
        if len(k) == 1 and (k.isdigit() or k.isalpha()) and not _is_cjk(ch):
            ch = k  # ⓐ→a, ²→2, Ⓕ→F … but never rewrite a CJK character
    ch = T2S.get(ch, ch)
    return ch.lower() if ch.isascii() else ch


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FA1F


_FOLD_CACHE: dict[str, str] = {}


def fold(ch: str) -> str:
    r = _FOLD_CACHE.get(ch)
    if r is None:
        r = _FOLD_CACHE[ch] = _fold_char(ch)
    return r


@dataclass
class Text:
    """A draft with its normalised views; ``to_raw`` maps spans back."""

    raw: str
    norm: str = field(init=False)
    _map: list[int] = field(init=False, repr=False)  # norm index → raw index
    _line_starts: list[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        out: list[str] = []
        idx: list[int] = []
        for i, ch in enumerate(self.raw):
            f = fold(ch) if not ch.isascii() or ch.isupper() else ch
            if f:
                out.append(f)
                idx.append(i)
        self.norm = "".join(out)
        idx.append(len(self.raw))
        self._map = idx
        self._line_starts = [0] + [i + 1 for i, c in enumerate(self.raw) if c == "\n"]

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """A [start, end) span of ``norm`` → the matching span of ``raw``."""
        if end <= start:
            return self._map[start], self._map[start]
        return self._map[start], self._map[end - 1] + 1

    @cached_property
    def squeezed(self) -> tuple[str, list[int]]:
        """``norm`` without filler and repeated characters, with a map to ``norm`` indices."""
        chars: list[str] = []
        idx: list[int] = []
        for i, ch in enumerate(self.norm):
            if ch in FILLER or ch.isspace():
                continue
            if chars and chars[-1] == ch and not ch.isdigit():
                continue  # 全全网 → 全网 (digits keep repeats: 100 stays 100)
            chars.append(ch)
            idx.append(i)
        idx.append(len(self.norm))
        return "".join(chars), idx

    def squeezed_to_raw(self, start: int, end: int) -> tuple[int, int]:
        _, idx = self.squeezed
        return self.to_raw(idx[start], idx[end - 1] + 1 if end > start else idx[start])

    def line_col(self, raw_offset: int) -> tuple[int, int]:
        """1-based line and column (in characters) of a raw offset."""
        line = bisect.bisect_right(self._line_starts, raw_offset) - 1
        return line + 1, raw_offset - self._line_starts[line] + 1
