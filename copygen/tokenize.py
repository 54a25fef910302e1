"""jieba, initialised once per process, with the project's trade-word dictionary.

jieba's prefix-dictionary cache goes to the user's cache directory
(platformdirs), never a shared temp directory.  Tokens carry offsets into the
text they were cut from (the normalised draft).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import NamedTuple

import jieba
import platformdirs

from .resources import rules_dir


class Token(NamedTuple):
    word: str
    start: int
    end: int


_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_extra_words: set[str] = set()


def user_dictionaries() -> list[Path]:
    """Every ``rules/lexicon/*.txt`` is a jieba user dictionary (``word [freq] [tag]`` per line)."""
    return sorted((rules_dir() / "lexicon").glob("*.txt"))


def _build() -> jieba.Tokenizer:
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


def tokenizer() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                _tokenizer = _build()
    return _tokenizer


def add_words(words: list[str]) -> None:
    """Brand and product names from a user's config: kept whole by the tokenizer."""
    tk = tokenizer()
    for w in words:
        if w and w not in _extra_words:
            tk.add_word(w)
            _extra_words.add(w)


def tokenize(text: str) -> list[Token]:
    return [Token(w, s, e) for w, s, e in tokenizer().tokenize(text)]
