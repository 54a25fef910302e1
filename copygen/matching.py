"""What every rule kind shares: the draft as rules see it (``Doc``), compiled
patterns (``Matcher``), a hit, and the compile context that resolves lexicons.

A draft is normalised once (``textnorm.Text``) and cut by the checker's own
tokenizer at most once, and only when a word that a token-level rule looks for
occurs in it (a token is always a piece of the draft).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Iterable

from . import gate as gt
from . import lexicons as lx
from .textnorm import Text, normalise, squeeze

if TYPE_CHECKING:
    from .rulespec import Patterns
    from .tokenize import Segmenter, Token

_SENTENCE_END = re.compile(r"[。！？!?；;\n…]+")
_BLANK_LINES = re.compile(r"\n[ \t\u3000]*(?:\n[ \t\u3000]*)+")
_FEW_SINGLES = 40  # up to this many one-character needles, a view is searched for each instead of made a set
PARAGRAPHS_AUTO = 3  # drafts with this many paragraphs or more are long texts, read paragraph by paragraph


class Doc:
    """One draft as rules see it: raw, normalised, squeezed, tokens, sentences."""

    def __init__(self, raw: str, segmenter: "Segmenter", paragraphs: str = "auto",
                 prefilter: "Prefilter | None" = None):
        self.text = Text(raw)
        self.norm = self.text.norm
        self._segmenter = segmenter
        self.paragraph_mode = paragraphs
        self._chars: dict[str, frozenset[str]] = {}
        self._prefilter = prefilter
        self._masks: dict[str, tuple[int, frozenset[str], list[tuple[int, int, str]]]] = {}
        # bits of every matcher part a needle of which occurs in its view (all views, one pass each)
        self.mask = -1
        if prefilter is not None:
            self.mask = 0
            for view in prefilter.entries:
                self.mask |= self.scan(view)[0]

    def view(self, name: str) -> str:
        return self.norm if name == "norm" else self.text.raw if name == "raw" else self.text.squeezed_text

    def possible(self, bit: int, view: str) -> bool:
        """Whether a needle of the matcher part with this ``bit`` occurs in the view (one
        automaton pass per view and draft, on first question).  Bit 0: no needles, always."""
        return not bit or bool(self.mask & bit)

    def scan(self, view: str) -> tuple[int, frozenset[str], list[tuple[int, int, str]]]:
        """The prefilter's pass over a view: (bits of matchers that can match, the needles
        present, every multi-character needle occurrence as (start, end, needle))."""
        got = self._masks.get(view)
        if got is None:
            pf = self._prefilter
            # the view's character set only when known or cheaper than a look-up per one-character needle
            chars = self._chars.get(view)
            if chars is None and (view != "squeezed" or len(pf._single.get(view, ())) > _FEW_SINGLES):  # type: ignore[union-attr]
                chars = self.chars(view)
            got = self._masks[view] = pf.scan(view, self.view(view), chars)  # type: ignore[union-attr]
        return got

    @cached_property
    def paragraphs(self) -> list[tuple[int, int]]:
        """Blocks separated by blank lines, in normalised coordinates (surrounding blanks trimmed)."""
        spans, start = [], 0
        for m in [*_BLANK_LINES.finditer(self.norm), None]:
            end = m.start() if m else len(self.norm)
            a, b = start, end
            while a < b and self.norm[a].isspace():
                a += 1
            while b > a and self.norm[b - 1].isspace():
                b -= 1
            if b > a:
                spans.append((a, b))
            start = m.end() if m else end
        return spans or [(0, len(self.norm))]

    @property
    def per_paragraph(self) -> bool:
        """Whether density rules read this draft paragraph by paragraph (``auto``: a long text)."""
        if self.paragraph_mode == "never":
            return False
        need = 2 if self.paragraph_mode == "always" else PARAGRAPHS_AUTO
        return len(self.paragraphs) >= need

    @cached_property
    def tokens(self) -> list["Token"]:
        return self._segmenter.tokenize(self.norm)

    def chars(self, view: str) -> frozenset[str]:
        """The set of characters of one view (what gates are checked against)."""
        got = self._chars.get(view)
        if got is None:
            if view == "raw":
                got = self.text.raw_chars
            elif view == "norm" and self.text.norm_chars is not None:
                got = self.text.norm_chars
            else:
                got = frozenset(self.view(view))
            self._chars[view] = got
        return got

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        spans, start = [], 0
        for m in _SENTENCE_END.finditer(self.norm):
            if m.start() > start:
                spans.append((start, m.end()))
            start = m.end()
        if start < len(self.norm):
            spans.append((start, len(self.norm)))
        return spans or [(0, 0)]

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s for s, _ in self.sentences]

    def sentence_of(self, pos: int) -> tuple[int, int]:
        """The sentence holding ``pos`` (binary search: a long draft has many sentences)."""
        i = bisect.bisect_right(self._sentence_starts, pos) - 1  # the only sentence that can hold pos
        if i >= 0:
            s, e = self.sentences[i]
            if s <= pos < e:
                return s, e
        return self.sentences[-1]  # pos in no sentence (a run of punctuation): the last one, as ever



@dataclass
class Hit:
    """One finding-to-be, in normalised coordinates; ``subst`` fills the message's {slots}."""

    start: int
    end: int
    fix: str | None = None
    subst: dict[str, str] = field(default_factory=dict)


Result = tuple[list[Hit], "float | None"]  # a rule's hits and, for scoring kinds, a 0–100 score


@dataclass(frozen=True)
class Context:
    """What a kind's ``compile`` gets besides its spec: lexicons and where the rule came from."""

    lexicons: dict[str, list[str]]
    where: str
    built: list["Matcher"] = field(default_factory=list, compare=False)  # for the checker's prefilter

    def matcher(self, p: "Patterns") -> "Matcher":
        m = Matcher.build(p, self)
        self.built.append(m)
        return m

    def words(self, items: list[str]) -> frozenset[str]:
        """Token words (``@lexicon`` expanded), normalised like the draft."""
        return frozenset(normalise(t) for t in lx.expand_items(items, self.lexicons, self.where))

    def source(self, pattern: str) -> str:
        """A rule's regex with its lexicon references expanded."""
        return lx.expand_regex(pattern, self.lexicons, self.where)

    def regex(self, pattern: str) -> re.Pattern:
        return re.compile(self.source(pattern))


@dataclass
class SpecMatch:
    """A compiled rule that is its spec and the matcher of the spec's ``match`` patterns: all
    that kinds such as ``occurrence`` and the pack kind ``dissolution`` compile."""

    spec: Any
    match: "Matcher"


def compile_match(spec: Any, ctx: Context) -> SpecMatch:
    """``compile`` for such kinds."""
    return SpecMatch(spec, ctx.matcher(spec.match))


class LazyRe:
    """A regex compiled on first use; pickles as its source, so a cached checker loads fast and
    compiles only the patterns a draft's characters let through their gate."""

    __slots__ = ("pattern", "_re")

    def __init__(self, pattern: str):
        self.pattern = pattern
        self._re: re.Pattern | None = None

    def __getstate__(self) -> str:
        return self.pattern

    def __setstate__(self, state: str) -> None:
        self.pattern, self._re = state, None

    @property
    def compiled(self) -> re.Pattern:
        if self._re is None:
            self._re = re.compile(self.pattern)
        return self._re

    def finditer(self, s: str) -> Iterable[re.Match]:
        return self.compiled.finditer(s)

    def search(self, s: str) -> re.Match | None:
        return self.compiled.search(s)


@dataclass
class Matcher:
    """Compiled ``Patterns``; ``find`` returns spans in normalised coordinates."""

    terms: LazyRe | None
    regexes: list[LazyRe]
    tokens: frozenset[str]
    view: str
    # One alternation of terms and group-free regexes: a single scan instead of one per pattern.
    combined: LazyRe | None = None
    # Token words as a substring probe: the tokenizer only runs when one of them occurs in the draft.
    token_probe: LazyRe | None = None
    # Characters one of which any term/regex match needs (``gate``); None: always scan.
    gate: frozenset[str] | None = None
    token_gate: frozenset[str] | None = None
    # Strings one of which any term/regex match contains (None: unknown), and the bits the
    # checker's ``Prefilter`` gives this matcher's view part and token part (0: not prefiltered).
    needles: frozenset[str] | None = None
    bit: int = 0
    tbit: int = 0
    term_set: frozenset[str] = frozenset()
    multi_char: bool = False  # every term has 2+ characters (the automaton records their positions)
    rneedles: tuple = ()  # each regex's own needles (None: unknown)
    # the prefilter's bit for the terms and for each regex: ``bit`` is their union, and a draft's
    # mask restricted to it says which alternatives can match there
    term_bit: int = 0
    regex_bits: tuple[int, ...] = ()
    _plans: dict = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_plans": {}}

    @classmethod
    def build(cls, p: "Patterns", ctx: Context) -> "Matcher":
        terms = lx.expand_items(p.terms, ctx.lexicons, ctx.where)
        if p.view != "raw":  # the raw view compares terms as written
            terms = [normalise(t) for t in terms]
        if p.view == "squeezed":  # the lexicon is squeezed like the text, or 某某 could never match
            terms = [t for t in map(squeeze, terms) if t]
        toks = ctx.words(p.tokens)
        term_re = None
        if terms:
            alts = sorted(set(terms), key=len, reverse=True)
            term_re = LazyRe("|".join(re.escape(t) for t in alts))
        regexes = [LazyRe(ctx.source(r)) for r in p.regex]
        combined = None
        if (term_re or regexes) and all(gt.group_count(r.pattern) == 0 for r in regexes):
            parts = ([term_re.pattern] if term_re else []) + [r.pattern for r in regexes]
            combined = LazyRe("|".join(f"(?:{x})" for x in parts))
        probe = LazyRe("|".join(re.escape(t) for t in sorted(toks, key=len, reverse=True))) if toks else None
        gate = gt.union(([gt.terms_gate(terms)] if terms else []) + [gt.regex_gate(r.pattern) for r in regexes])
        needles: set[str] | None = set(terms)
        rneedles = tuple(gt.regex_needles(r.pattern) for r in regexes)
        for n in rneedles:
            needles = needles | n if (n is not None and needles is not None) else None
        if needles is not None and (not needles or "" in needles):
            needles = None
        return cls(term_re, regexes, toks, p.view, combined, probe, gate, gt.terms_gate(list(toks)) if toks else None,
                   frozenset(needles) if needles is not None else None, term_set=frozenset(terms), rneedles=rneedles,
                   multi_char=all(len(t) > 1 for t in terms))

    def __bool__(self) -> bool:
        return self.terms is not None or bool(self.regexes) or bool(self.tokens)

    @property
    def need(self) -> int:
        """Bits one of which a draft's prefilter mask must have for this matcher to find
        anything (0: it is not wholly prefiltered)."""
        if (self.terms is not None or self.regexes) and not self.bit:
            return 0
        if self.tokens and not self.tbit:
            return 0
        return self.bit | self.tbit

    def _gated(self, doc: Doc) -> bool:
        """True when no term/regex match is possible in this draft."""
        if self.bit:  # its needles are finer than its gate: a needle present, a gate passed
            return not doc.mask & self.bit
        return self.gate is not None and self.gate.isdisjoint(doc.chars(self.view))

    def find(self, doc: Doc) -> list[tuple[int, int]]:
        bit = self.bit
        if bit and doc._prefilter is not None:  # the common, prefiltered way, spelled out
            key = doc.mask & bit
            if not key:
                spans = []
            elif not self.regexes and self.multi_char:
                spans = self._term_spans(doc)
            else:
                plan = self._plans.get(key) or self._plan(doc)
                view = self.view
                s = doc.norm if view == "norm" else doc.view(view)
                alts = plan[4]
                found = list(alts[0].finditer(s)) if plan[3] and len(alts) == 1 else self._search(s, plan)
                if not found:
                    spans = []
                elif view == "norm":
                    spans = [m.span() for m in found]
                else:
                    spans = self._spans(doc, found)
        elif (self.terms is None and not self.regexes) or self._gated(doc):
            spans = []
        else:
            spans = self._spans(doc, self._search(doc.view(self.view), self._plan(doc)))
        if self.token_probe is not None and self._tokens_possible(doc):
            spans.extend((t.start, t.end) for t in doc.tokens if t.word in self.tokens)
        return sorted(set(spans)) if len(spans) > 1 else spans

    def _spans(self, doc: Doc, found: list[re.Match]) -> list[tuple[int, int]]:
        """Spans of matches in this matcher's view, in normalised coordinates."""
        if not found:
            return []
        if self.view == "norm":
            return [m.span() for m in found]
        if self.view == "squeezed":
            idx = doc.text.squeezed[1]
            return [(idx[m.start()], idx[m.end() - 1] + 1) for m in found]
        return [doc.text.from_raw(*m.span()) for m in found]

    def _tokens_possible(self, doc: Doc) -> bool:
        if self.tbit:  # a token word occurs in norm exactly when the automaton finds it there
            return bool(doc.mask & self.tbit)
        if self.token_gate is not None and self.token_gate.isdisjoint(doc.chars("norm")):
            return False
        return self.token_probe.search(doc.norm) is not None  # type: ignore[union-attr]

    def matches(self, doc: Doc) -> list[tuple[tuple[int, int], re.Match]]:
        """Term and regex matches with their spans in normalised coordinates."""
        if self._gated(doc):
            return []
        found = self._search(doc.view(self.view), self._plan(doc))
        return list(zip(self._spans(doc, found), found))

    def _term_spans(self, doc: Doc) -> list[tuple[int, int]]:
        """What the terms alternation finds (leftmost, longest first, non-overlapping), read off
        the prefilter's needle occurrences instead of running it; in normalised coordinates."""
        terms = self.term_set
        cand = sorted([(a, -b) for a, b, t in doc.scan(self.view)[2] if t in terms])
        out: list[tuple[int, int]] = []
        pos = 0
        for a, neg in cand:
            if a >= pos:
                pos = -neg
                out.append((a, pos))
        if self.view == "squeezed" and out:
            idx = doc.text.squeezed[1]
            return [(idx[a], idx[b - 1] + 1) for a, b in out]
        if self.view == "raw":
            return [doc.text.from_raw(a, b) for a, b in out]
        return out

    def _plan(self, doc: Doc) -> tuple:
        """(terms, regexes, combined, emulate, alternatives) for this draft.  With the prefilter:
        the terms pattern only when a term is present, only the regexes whose needles are
        present, and ``emulate`` when every such alternative needs a needle (so none can match
        empty): the combined alternation is then read off the alternatives' own scans
        (``_alternation``, over ``alternatives``, the compiled terms and regexes kept) instead
        of compiling a regex for each subset.  An alternative that cannot match anywhere never
        wins a position, so the matches are exactly the full scan's."""
        if not self.bit or doc._prefilter is None:
            return self.terms, self.regexes, self.combined, False, None
        key = doc.mask & self.bit  # the alternatives a needle of which occurs in the draft
        plan = self._plans.get(key)
        if plan is None:
            if len(self._plans) > 4096:
                self._plans.clear()
            terms = self.terms if key & self.term_bit else None
            regexes = [r for r, b in zip(self.regexes, self.regex_bits) if key & b]
            # with the prefilter every regex has needles (or the matcher would have no bit)
            emulate = self.combined is not None
            alts = [a.compiled for a in ([terms] if terms is not None else []) + regexes] if emulate else None
            plan = self._plans[key] = (terms, regexes, self.combined, emulate, alts)
        return plan

    @staticmethod
    def _search(s: str, plan: tuple) -> list[re.Match]:
        terms, regexes, combined, emulate, alts = plan
        if emulate:
            if len(alts) == 1:
                return list(alts[0].finditer(s))
            return list(_alternation(s, alts)) if alts else []
        if combined is not None:
            return [m for m in combined.finditer(s) if m.end() > m.start()]
        out = list(terms.finditer(s)) if terms is not None else []
        for r in regexes:
            out += [m for m in r.finditer(s) if m.end() > m.start()]
        return out

    def any(self, doc: Doc, within: tuple[int, int] | None = None) -> bool:
        if within is None and self.token_probe is None and self.combined is not None and self.view == "norm":
            if self._gated(doc):
                return False
            return bool(self._search(doc.norm, self._plan(doc)))
        for a, b in self.find(doc):
            if within is None or (a >= within[0] and b <= within[1]):
                return True
        return False


def _alternation(s: str, alts: list[re.Pattern]) -> Iterable[re.Match]:
    """What ``(?:A)|(?:B)|…`` ``.finditer(s)`` yields, from each alternative's own search, for
    alternatives that never match empty and have no groups: the leftmost start wins, and at one
    start the first alternative in order; the scan goes on from the end of the match."""
    nxt = [a.search(s) for a in alts]
    while True:
        best = None
        for m in nxt:
            if m is not None and (best is None or m.start() < best.start()):
                best = m  # strict <: at equal starts the earlier alternative wins
        if best is None:
            return
        yield best
        end = best.end()
        for i, m in enumerate(nxt):
            if m is not None and m.start() < end:
                nxt[i] = alts[i].search(s, end)


class Prefilter:
    """Every needle of every matcher of a checker in one Aho-Corasick automaton per view
    (ahocorasick-rs): one pass over a draft's view gives the bits of the matchers that can
    match; the others answer "nothing" without running a regex.  One-character needles are
    looked up in the draft's character set instead (they would flood the automaton's output).
    Pickles as its needles; the automata are built on first use."""

    def __init__(self, matchers: Iterable["Matcher"]):
        self.entries: dict[str, dict[str, int]] = {}
        n = 0
        for m in matchers:
            if (m.terms is not None or m.regexes) and m.needles is not None:
                table = self.entries.setdefault(m.view, {})
                parts = []  # (needles, bit) of the terms and of each regex
                if m.terms is not None:
                    n += 1
                    m.term_bit = 1 << n
                    parts.append((m.term_set, m.term_bit))
                bits = []
                for needles in m.rneedles:
                    n += 1
                    bits.append(1 << n)
                    parts.append((needles, 1 << n))
                m.regex_bits = tuple(bits)
                m.bit = m.term_bit
                for needles, b in parts:
                    m.bit |= b
                    for s in needles:
                        table[s] = table.get(s, 0) | b
            if m.tokens and all(m.tokens):
                n += 1
                m.tbit = 1 << n
                table = self.entries.setdefault("norm", {})
                for s in m.tokens:
                    table[s] = table.get(s, 0) | m.tbit
        self._split()

    def _split(self) -> None:
        self._automata: dict[str, tuple | None] = {}
        self._single = {v: {s: b for s, b in e.items() if len(s) == 1} for v, e in self.entries.items()}
        self._single_keys = {v: frozenset(e) for v, e in self._single.items()}

    def __getstate__(self) -> dict:
        return {"entries": self.entries}

    def __setstate__(self, state: dict) -> None:
        self.entries = state["entries"]
        self._split()

    def _automaton(self, view: str) -> tuple | None:
        """(automaton, its needles) for the multi-character needles of a view (None: there are none)."""
        try:
            return self._automata[view]
        except KeyError:
            pass
        words = [s for s in self.entries.get(view, {}) if len(s) > 1]
        a = None
        if words:
            import ahocorasick_rs

            a = (ahocorasick_rs.AhoCorasick(words), words)
        self._automata[view] = a
        return a

    def scan(self, view: str, text: str, chars: frozenset[str] | None) -> tuple[int, frozenset[str], list[tuple[int, int, str]]]:
        """(bits, needles present, every occurrence of a multi-character needle as (start, end,
        needle), overlapping ones included) for one view; ``chars`` is the set of the text's
        characters (None: each one-character needle is looked up)."""
        a = self._automaton(view)
        table = self.entries.get(view, {})
        mask = 0
        if a is not None:
            words = a[1]
            occ = [(start, end, words[i]) for i, start, end in a[0].find_matches_as_indexes(text, overlapping=True)]
            present = frozenset([s for _, _, s in occ])
        else:
            occ, present = [], frozenset()
        for s in present:
            mask |= table[s]
        if chars is None:  # few one-character needles: look each up
            singles = frozenset([c for c in self._single.get(view, ()) if c in text])
        else:
            singles = chars & self._single_keys.get(view, frozenset())
        if singles:
            for c in singles:
                mask |= table[c]
            return mask, present | singles, occ
        return mask, present, occ


def _start_longest(s: tuple[int, int]) -> tuple[int, int]:
    return s[0], -s[1]


def dedupe(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop spans inside an earlier, longer span (terms + tokens can find the same word twice)."""
    if len(spans) < 2:
        return list(spans)
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans, key=_start_longest):
        if out and a < out[-1][1]:
            continue
        out.append((a, b))
    return out


def overlaps(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    a, b = span
    return any(x < b and a < y for x, y in others)


def spans_inside(spans: list[tuple[int, int]], scopes: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """For each scope (sorted, not overlapping: sentences, paragraphs), the sorted ``spans`` lying
    inside it; one pass over both lists instead of a scan of every span per scope."""
    out: list[list[tuple[int, int]]] = []
    i = 0
    for s, e in scopes:
        while i < len(spans) and spans[i][0] < s:
            i += 1
        inside = []
        j = i
        while j < len(spans) and spans[j][0] <= e:
            if spans[j][1] <= e:
                inside.append(spans[j])
            j += 1
        out.append(inside)
    return out


class SpanSet:
    """Sorted spans for many queries against one draft: ``overlaps`` and ``any_within`` in
    O(log n) each instead of a scan of every span (a long draft has thousands)."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        self.spans = sorted(spans)
        self.starts = [a for a, _ in self.spans]
        # running maximum of ends: the furthest any span starting at or before index i reaches
        self.reach: list[int] = []
        far = -1
        for _, b in self.spans:
            far = max(far, b)
            self.reach.append(far)
        # for any_within: the smallest end among spans starting at or after index i
        self.min_end: list[int] = [0] * len(self.spans)
        low = None
        for i in range(len(self.spans) - 1, -1, -1):
            b = self.spans[i][1]
            low = b if low is None or b < low else low
            self.min_end[i] = low

    def __bool__(self) -> bool:
        return bool(self.spans)

    def overlaps(self, span: tuple[int, int]) -> bool:
        """Some span x, y with x < b and a < y (the same test as ``overlaps``)."""
        a, b = span
        i = bisect.bisect_left(self.starts, b) - 1  # spans starting before b: indices 0..i
        return i >= 0 and self.reach[i] > a

    def any_within(self, lo: int, hi: int) -> bool:
        """Some span lying inside [lo, hi]: among spans starting at or after lo, the smallest end is
        at most hi (a span starting after hi also ends after it)."""
        i = bisect.bisect_left(self.starts, lo)
        return i < len(self.spans) and self.min_end[i] <= hi
