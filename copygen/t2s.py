"""Traditional → simplified, without moving offsets.

``T2S`` folds one character to one character: OpenCC's character table (shipped by
``opencc-python-reimplemented``), plus Taiwan/Hong Kong variant characters that
OpenCC's table leaves alone (跟著 → 跟着, 暱稱 → 昵称, 衞 → 卫) and 劵 (a common slip
for 券: 優惠劵).  A 1:1 map keeps offsets stable, which the normaliser needs to
point findings back into the raw draft.

``PHRASES`` are the phrase-level differences a character table gets wrong, each as
long as what replaces it: OpenCC's phrase table (一目瞭然 → 一目了然, 乾淨 → 干净,
頭髮 / 發貨 both → 发), words that keep 著 (著名, 顯著 / 显著), and 卷 written for
券 in voucher words (優惠卷 → 优惠券).  ``PHRASE_CHARS`` are the characters whose
presence makes the phrase pass worth running.
"""

from __future__ import annotations

from pathlib import Path


def _table(name: str) -> dict[str, str]:
    import opencc  # the package only serves as the carrier of OpenCC's data files

    path = Path(opencc.__file__).resolve().parent / "dictionary" / name
    out: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 2:
                out[parts[0]] = parts[1].split(" ")[0]
    return out


# Variant characters OpenCC's Traditional→Simplified table does not cover.
_VARIANTS = {"著": "着", "衹": "只", "粧": "妆", "敍": "叙", "枱": "台", "糭": "粽", "衞": "卫", "痺": "痹",
             "簷": "檐", "暱": "昵", "劵": "券"}
# 卷 typed for 券 in voucher words (both scripts): 优惠卷 → 优惠券.
_VOUCHERS = ("优惠", "代金", "抵用", "礼品", "购物", "兑换", "现金", "满减", "折扣", "消费", "电子", "礼")


def _load() -> tuple[dict[str, str], dict[str, str], frozenset[str]]:
    t2s = {s: d for s, d in _table("TSCharacters.txt").items() if len(s) == 1 and len(d) == 1 and s != d}
    t2s.update(_VARIANTS)

    def fold(s: str) -> str:
        return "".join(t2s.get(c, c) for c in s)

    phrases: dict[str, str] = {}
    for src, dst in _table("TSPhrases.txt").items():
        if len(src) == len(dst) and fold(src) != fold(dst):
            phrases[src] = "".join(_t2s_only(c, t2s) for c in dst)
    for name in ("TWVariantsRevPhrases.txt", "HKVariantsRevPhrases.txt"):
        for src, dst in _table(name).items():
            if "著" in src and len(src) == len(dst):  # words that keep 著 (著名, 顯著), in both scripts
                keep = "".join(_t2s_only(c, t2s) for c in dst)
                phrases[src] = phrases[fold(src).replace("着", "著")] = keep
    for head in _VOUCHERS:
        for h in {head, head.translate(str.maketrans({v: k for k, v in t2s.items() if v in head}))}:
            phrases[h + "卷"] = head + "券"
    chars = frozenset(c for src, dst in phrases.items() for c, d in zip(src, dst) if fold(c) != d)
    return t2s, phrases, chars


def _t2s_only(c: str, t2s: dict[str, str]) -> str:
    """A character of a phrase's target: simplified, except a 著 the phrase keeps."""
    return c if c == "著" else t2s.get(c, c)


_SOURCES = ("TSCharacters.txt", "TSPhrases.txt", "TWVariantsRevPhrases.txt", "HKVariantsRevPhrases.txt")


def _cached() -> tuple[dict[str, str], dict[str, str], frozenset[str]]:
    """``_load()``, kept in the user cache directory (marshal) keyed by the OpenCC files and this
    module, so a cold start does not parse OpenCC's text files again (COPYGEN_NO_CACHE=1: off)."""
    import marshal
    import os

    if os.environ.get("COPYGEN_NO_CACHE", "") not in ("", "0"):
        return _load()
    try:
        import opencc
        import platformdirs

        folder = Path(opencc.__file__).resolve().parent / "dictionary"
        stamp = [(n, (folder / n).stat().st_size, (folder / n).stat().st_mtime_ns) for n in _SOURCES]
        me = Path(__file__).stat()
        import hashlib

        key = hashlib.sha256(repr((stamp, me.st_size, me.st_mtime_ns, str(folder))).encode()).hexdigest()[:24]
        cache = Path(platformdirs.user_cache_dir("copygen")) / f"t2s-{key}.marshal"
        try:
            t2s, phrases, chars = marshal.loads(cache.read_bytes())
            return t2s, phrases, frozenset(chars)
        except Exception:  # missing or unreadable: rebuild below
            pass
        got = _load()
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(marshal.dumps(got))
            os.replace(tmp, cache)
        except OSError:  # read-only home: no cache
            pass
        return got
    except Exception:
        return _load()


T2S, PHRASES, PHRASE_CHARS = _cached()
