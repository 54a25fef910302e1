"""Draft → normalised copy with an offset map back to the raw text.

Rules match on the normalised copy; every span they report is mapped back so
findings always point into the draft the user wrote.  Three views:

* ``raw``: the draft as written.  Typography rules (full-width punctuation,
  ！！, spacing, length) read this one, since normalising would hide what they check.
* ``norm``: the raw text folded one character at a time — full-width letters,
  digits and ％, styled digits (①❶⑴⒈⓵➊⑩㉑ → digits, ㈠㊀ → 一), look-alike ideographs
  (Kangxi radicals ⼀, compatibility ideographs → the unified character),
  decorated Latin (ⓐ → a), traditional → simplified, formal (financial) numerals
  (壹贰叁柒捌玖佰仟 → 一二三七八九百千; 肆伍陆拾, which are also everyday characters —
  放肆、队伍、陆续、收拾 — only next to another numeral, after 第 or before 元/圆),
  lower-case Latin — with
  invisible characters removed (zero-width space/joiner, BOM, soft hyphen,
  bidi controls, variation selectors, combining strike-throughs).
  Chinese punctuation stays as written.
* ``squeezed``: ``norm`` without filler characters (spaces, punctuation,
  symbols, emoji…) and with runs of one repeated character collapsed (digits
  keep their repeats) and rare look-alike ideographs folded (蕞 → 最), so that
  「全 网 最 低」「全-网-最-低」「全*网」「全🔥网」「全全网」「全网蕞低」 all read
  全网最低 for evasion-proof lexicon rules.  Because it also joins
  words across punctuation (「最近，第一次」→「最近第一次」), only multi-character
  terms that cannot arise across a boundary belong in squeezed patterns.

Speed: the fold is one C-level ``str.translate`` over a lazily filled,
per-character cached table; the offset map is only built character by
character when a draft actually contains a character that is dropped or
expanded (zero-width, ⑩ → 10…).  Otherwise the map is the identity.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import cached_property

from .t2s import PHRASE_CHARS, PHRASES, T2S

# Characters removed from the normalised copy: format characters (zero-width
# space/joiner, BOM, soft hyphen, bidi controls — category Cf), variation
# selectors, combining marks used to strike or decorate a character, and
# invisible "blank" letters used as spaces.
_INVISIBLE_CATEGORIES = {"Cf"}
_INVISIBLE_RANGES = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x20D0, 0x20FF), (0xFE00, 0xFE0F),
                     (0xFE20, 0xFE2F), (0xE0100, 0xE01EF))
_BLANKS = {"\u3164", "\u115f", "\u1160", "\uffa0", "\u2800"}  # Hangul fillers, braille blank

# Explicit look-alikes the generic folding misses.
_EXTRA = {"\uff05": "%", "\u24ff": "0", "\U0001F10B": "0", "\U0001F10C": "0"}

# Formal (financial) numerals fold like digits: 销量第壹 reads 销量第一.  Every fold is one
# character to one character, so offsets never move.
_FORMAL = {"壹": "一", "贰": "二", "叁": "三", "柒": "七", "捌": "八", "玖": "九", "佰": "百", "仟": "千"}
# Formal numerals that are also everyday characters (放肆、队伍、陆续、收拾): folded only in a
# numeric context — next to another numeral, after 第, or before a currency unit.
_FORMAL_AMBIGUOUS = {"肆": "四", "伍": "五", "陆": "六", "拾": "十"}
_NUMERAL = "0-9零〇一二三四五六七八九十百千万亿两"
_AMBIGUOUS_RE = re.compile(
    f"(?<=[{_NUMERAL}第肆伍陆拾])[肆伍陆拾]|[肆伍陆拾](?=[{_NUMERAL}肆伍陆拾元圆块角])")


def _fold_ambiguous(norm: str) -> str:
    """Context fold of 肆伍陆拾 (same length: offsets are unchanged)."""
    return _AMBIGUOUS_RE.sub(lambda m: _FORMAL_AMBIGUOUS[m.group()], norm)


# Filler a writer puts inside a word to dodge a lexicon: removed in the squeezed view.
# Besides these, every space, punctuation mark and symbol (emoji included) is filler.
FILLER = set(" \t\u3000\u00a0-_.*·•~～=+/\\|'\"`^、，,。!！?？:：;；…—–()（）[]【】<>《》「」『』“”‘’#@&$丶ㆍ")
_KEEP = {"%"}  # symbols that carry meaning even when squeezed (100%)
# Rare look-alike ideographs used only to dodge a lexicon (全网蕞低, 笫一): folded in the squeezed view only,
# so the normalised copy other rules read keeps the character the writer chose.
LOOKALIKE = {"蕞": "最", "笫": "第"}
_FILLER_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So"}


def _in_ranges(o: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(a <= o <= b for a, b in ranges)


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x3400 <= o <= 0x9FFF or 0x20000 <= o <= 0x2A6DF or 0x2A700 <= o <= 0x2EBEF


def _styled_number(ch: str) -> str | None:
    """①⑴⒈❶➀➊⓵⑩㉑ → "1"… "21"; ㈠㊀ → 一 (an ideograph in a circle stays an ideograph)."""
    try:
        value = unicodedata.numeric(ch)
    except (TypeError, ValueError):
        return None
    if value != int(value) or value < 0:
        return None
    k = unicodedata.normalize("NFKC", ch).strip("()（）.")
    if len(k) == 1 and _is_cjk(k):
        return k
    return str(int(value))


def _fold_char(ch: str) -> str:
    """One raw character → its normalised form: usually one character, '' to drop it,
    several for a styled number such as ⑩ → "10"."""
    if ch in _EXTRA:
        return _EXTRA[ch]
    o = ord(ch)
    if o < 0x80:
        return ch.lower()
    if 0xFF01 <= o <= 0xFF5E and chr(o - 0xFEE0).isalnum():  # full-width letters and digits only:
        return chr(o - 0xFEE0).lower()  # punctuation stays as written (，！？ are typography's business)
    if o == 0x3000 or ch in _BLANKS:
        return " "
    cat = unicodedata.category(ch)
    if cat in _INVISIBLE_CATEGORIES or _in_ranges(o, _INVISIBLE_RANGES):
        return ""
    if cat == "No":
        n = _styled_number(ch)
        if n is not None:
            return n
    if not _is_cjk(ch):
        k = unicodedata.normalize("NFKC", ch)
        if 0x1F200 <= o <= 0x1F2FF:
            return ch  # squared ideograph emoji (🉐 🈶) stay symbols: filler inside 全🉐网, not the word 得
        if len(k) == 1 and (k.isdigit() or k.isalpha()):
            ch = k  # ⓐ→a, ²→2, Ⓕ→F, ⼀→一, compatibility ideographs → unified; never rewrites a CJK character
    ch = T2S.get(ch, ch)
    ch = _FORMAL.get(ch, ch)
    return ch.lower() if ch.isascii() else ch


class _FoldTable(dict):
    """``str.translate`` table filled on first sight of each character."""

    def __missing__(self, o: int) -> str:
        ch = chr(o)
        f = _fold_char(ch)
        self[o] = f
        if len(f) != 1:
            _RESIZING.add(ch)
        if f == ch:
            _SAME.add(ch)
        return f


_TABLE = _FoldTable()
_RESIZING: set[str] = set()  # characters seen so far that fold to '' or to several characters
_SAME: set[str] = set()  # characters seen so far that fold to themselves


def fold(ch: str) -> str:
    """The normalised form of one character (cached)."""
    return _TABLE[ord(ch)] if len(ch) == 1 else "".join(_TABLE[ord(c)] for c in ch)


def normalise(s: str) -> str:
    """The ``norm`` view of any string (lexicon terms are normalised the same way)."""
    return Text(s).norm


_PHRASE_RE: re.Pattern | None = None


def _phrase_re() -> re.Pattern:
    global _PHRASE_RE
    if _PHRASE_RE is None:
        _PHRASE_RE = re.compile("|".join(re.escape(p) for p in sorted(PHRASES, key=len, reverse=True)))
    return _PHRASE_RE


class _FillerTable(dict):
    def __missing__(self, ch: str) -> bool:
        v = ch not in _KEEP and (ch in FILLER or ch.isspace() or unicodedata.category(ch) in _FILLER_CATEGORIES)
        self[ch] = v
        return v


_FILLER_OF = _FillerTable()


class _SqueezeTable(dict):
    """``str.translate`` table of the squeezed view: filler dropped, rare look-alikes folded."""

    def __missing__(self, o: int) -> str | None:
        ch = LOOKALIKE.get(chr(o), chr(o))
        v = None if _FILLER_OF[ch] else ch
        self[o] = v
        return v


_SQUEEZE_TABLE = _SqueezeTable()
_REPEATS = re.compile(r"([^0-9])\1+")  # runs of one character collapse (digits keep their repeats)
_REPEAT = re.compile(r"([^0-9])\1")  # whether there is such a run (most drafts have none)


def _first_group(m: re.Match) -> str:
    return m.group(1)


def squeeze(s: str) -> str:
    """A string as the squeezed view sees it: no filler, no repeated characters (digits kept)."""
    out: list[str] = []
    last = ""
    filler = _FILLER_OF
    for c in s:
        c = LOOKALIKE.get(c, c)
        if filler[c] or (c == last and not c.isdigit()):
            continue
        out.append(c)
        last = c
    return "".join(out)


class Text:
    """A draft with its normalised views; ``to_raw`` / ``from_raw`` map spans between them."""

    def __init__(self, raw: str):
        self.raw = raw
        chars = self.raw_chars = frozenset(raw)
        if _SAME.issuperset(chars):  # every character already known to fold to itself
            norm = raw
            self._map = range(len(raw) + 1)
        else:
            norm = raw.translate(_TABLE)
            if len(norm) == len(raw) and _RESIZING.isdisjoint(chars):
                self._map = range(len(raw) + 1)  # every character folded to exactly one: identity map
            else:
                idx: list[int] = []
                table = _TABLE
                for i, ch in enumerate(raw):
                    idx.extend([i] * len(table[ord(ch)]))
                idx.append(len(raw))
                self._map = idx
        if any(c in norm for c in _FORMAL_AMBIGUOUS):
            norm = _fold_ambiguous(norm)  # one character for one: the map above still holds
        self.norm = norm
        if not PHRASE_CHARS.isdisjoint(chars):
            self.norm = self._fold_phrases(self.norm)
        # the characters of norm (what gates test), known for free when norm is raw
        self.norm_chars = chars if self.norm is raw else None

    def _fold_phrases(self, norm: str) -> str:
        """Phrase-level Traditional → Simplified (一目瞭然, 優惠卷, words that keep 著), same length."""
        chars = None
        for m in _phrase_re().finditer(self.raw):
            a, b = self.from_raw(*m.span()) if not isinstance(self._map, range) else m.span()
            if b - a == m.end() - m.start():
                chars = chars if chars is not None else list(norm)
                chars[a:b] = PHRASES[m.group()]
        return "".join(chars) if chars is not None else norm

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """A [start, end) span of ``norm`` → the matching span of ``raw``."""
        if end <= start:
            return self._map[start], self._map[start]
        return self._map[start], self._map[end - 1] + 1

    @cached_property
    def _rmap(self) -> list[int] | range:
        """raw index → index of the first ``norm`` character produced at or after it."""
        if isinstance(self._map, range):
            return self._map
        out = [0] * (len(self.raw) + 1)
        j = 0
        m = self._map
        for i in range(len(self.raw) + 1):
            while j < len(self.norm) and m[j] < i:
                j += 1
            out[i] = j
        return out

    def from_raw(self, start: int, end: int) -> tuple[int, int]:
        """A [start, end) span of ``raw`` → the ``norm`` span of what it produced."""
        r = self._rmap
        return r[start], max(r[start], r[end])

    @cached_property
    def squeezed_text(self) -> str:
        """The squeezed string alone (one ``translate`` and, where a character repeats, one ``sub``);
        its map is built on demand."""
        s = self.norm.translate(_SQUEEZE_TABLE)
        return _REPEATS.sub(_first_group, s) if _REPEAT.search(s) else s

    @cached_property
    def squeezed(self) -> tuple[str, list[int]]:
        """``norm`` without filler and repeated characters, with a map to ``norm`` indices."""
        chars: list[str] = []
        idx: list[int] = []
        filler = _FILLER_OF
        look = LOOKALIKE
        last = ""
        for i, ch in enumerate(self.norm):
            ch = look.get(ch, ch)
            if filler[ch] or (ch == last and not ch.isdigit()):
                continue  # 全全网 → 全网 (digits keep repeats: 100 stays 100)
            chars.append(ch)
            idx.append(i)
            last = ch
        idx.append(len(self.norm))
        return "".join(chars), idx

    @cached_property
    def _line_starts(self) -> list[int]:
        starts = [0]
        find = self.raw.find
        i = find("\n")
        while i >= 0:
            starts.append(i + 1)
            i = find("\n", i + 1)
        return starts

    def line_col(self, raw_offset: int) -> tuple[int, int]:
        """1-based line and column (in characters) of a raw offset."""
        line = bisect.bisect_right(self._line_starts, raw_offset) - 1
        return line + 1, raw_offset - self._line_starts[line] + 1
