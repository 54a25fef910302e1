"""The tokenizer a checker owns: jieba with the project's trade-word dictionary.

jieba's process-wide tokenizer (``jieba.dt``) is never touched.  The base
dictionary (jieba's own plus every ``rules/dict/*.txt``) is built once per
process and shared read-only; a checker whose config brings its own words
(brand and product names) gets its own ``Segmenter`` with a private copy of the
frequency table, so two checkers with different words never see each other's.

jieba's prefix-dictionary cache goes to the user's cache directory
(platformdirs), never a shared temp directory.  Tokens carry offsets into the
text they were cut from (the normalised draft).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, NamedTuple

from .resources import rules_dir

if TYPE_CHECKING:  # jieba is imported when a draft first needs tokens (it costs ~0.4 s to import)
    import jieba


class Token(NamedTuple):
    word: str
    start: int
    end: int


def user_dictionaries() -> list[Path]:
    """Every ``rules/dict/*.txt`` is a jieba user dictionary (``word [freq] [tag]`` per line)."""
    return sorted((rules_dir() / "dict").glob("*.txt"))


_lock = threading.Lock()
_base: "jieba.Tokenizer | None" = None


def _build_base() -> "jieba.Tokenizer":
    import jieba
    import platformdirs

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    cache = Path(platformdirs.user_cache_dir("copygen"))
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tk.tmp_dir = str(cache)
    except OSError:  # read-only home: jieba then simply rebuilds its trie each run
        tk.tmp_dir = None
    tk.cache_file = "jieba.cache"
    tk.initialize()
    for udict in user_dictionaries():
        tk.load_userdict(str(udict))
    return tk


def base_tokenizer() -> "jieba.Tokenizer":
    """The shared base: jieba's dictionary plus the project's; never given custom words."""
    global _base
    if _base is None:
        with _lock:
            if _base is None:
                _base = _build_base()
    return _base


class Segmenter:
    """Cuts drafts into tokens with offsets.  ``words`` are kept whole (brand names)."""

    def __init__(self, words: Iterable[str] = ()):
        self.words = tuple(dict.fromkeys(w for w in words if w))
        self._tk: "jieba.Tokenizer | None" = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:
        return {"words": self.words}  # the tokenizer is rebuilt (lazily) where the checker is loaded

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["words"])

    @property
    def tokenizer(self) -> "jieba.Tokenizer":
        if self._tk is None:
            with self._lock:
                if self._tk is None:
                    self._tk = self._build()
        return self._tk

    def _build(self) -> "jieba.Tokenizer":
        import jieba

        base = base_tokenizer()
        if not self.words:
            return base
        tk = jieba.Tokenizer()  # a private copy of the base tables, then the custom words
        tk.FREQ = dict(base.FREQ)
        tk.total = base.total
        tk.user_word_tag_tab = dict(base.user_word_tag_tab)
        tk.initialized = True
        for w in self.words:
            tk.add_word(w)
        return tk

    def tokenize(self, text: str) -> list[Token]:
        return [Token(w, s, e) for w, s, e in self.tokenizer.tokenize(text)]
