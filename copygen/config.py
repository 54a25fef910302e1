"""User configuration: extra rule packs, opt-in/out rules, severities, lexicons.

Found at ``--config FILE`` or ``copygen.yaml`` in the working directory.
Example::

    rule_packs: [./our-rules/]          # folders or files of rule modules
    enable: [FT10]                      # opt-in rules (e.g. CJK/Latin spacing)
    disable: [UV05, platform_risk]      # by id, name, module or dimension
    severity: {OT01: error}
    lexicons:
      brand_words: [林家果园, JJ级]      # kept whole by this checker's tokenizer
      banned_words: [某竞品]             # always an error, evasion-proof
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import rulespec as rs
from . import lexicons as lx
from .engine import Checker, shipped_lexicons
from .errors import InputError, field_errors, read_data
from .resources import rules_dir

CONFIG_NAMES = ("copygen.yaml", ".copygen.yaml")


class Lexicons(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    brand_words: tuple[str, ...] = ()
    banned_words: tuple[str, ...] = ()


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    rule_packs: tuple[str, ...] = ()
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    severity: dict[str, rs.Severity] = Field(default_factory=dict)
    lexicons: Lexicons = Field(default_factory=Lexicons)
    base: str = Field("", exclude=True)  # folder the config came from; packs resolve against it

    def __hash__(self) -> int:
        return hash(self.model_dump_json())


def load_config(path: str | Path | None = None) -> Config:
    if path is None:
        for name in CONFIG_NAMES:
            if Path(name).is_file():
                path = name
                break
        else:
            return Config()
    p = Path(path)
    data = read_data(p, "配置文件") or {}
    if not isinstance(data, dict):
        raise InputError(f"{p}: 配置文件顶层必须是映射")
    try:
        return Config.model_validate({**data, "base": str(p.resolve().parent)})
    except ValidationError as err:
        raise InputError(f"{p}: {field_errors(err)[0]}") from None


def _pack_paths(cfg: Config) -> list[Path]:
    out: list[Path] = []
    for entry in cfg.rule_packs:
        p = Path(entry)
        if not p.is_absolute() and cfg.base:
            p = Path(cfg.base) / p
        if not (p.is_dir() or p.is_file()):
            raise InputError(f"规则包不存在：{p}")
        out.append(p)
    return out


def _pack_files(packs: list[Path]) -> list[Path]:
    files: list[Path] = []
    for p in packs:
        files.extend(rs.module_files(p) if p.is_dir() else [p])
    return files


def _lexicons(packs: list[Path]) -> dict[str, list[str]]:
    """The shipped lexicons plus each pack folder's ``lexicons/``."""
    sources = [(str(rules_dir() / "lexicons"), shipped_lexicons())]
    sources += [(str(p / "lexicons"), lx.load_dir(p / "lexicons")) for p in packs if p.is_dir()]
    return lx.merge(*sources)


def _banned_module(words: tuple[str, ...]) -> rs.Module:
    return rs.Module.model_validate({
        "module": "custom_lexicon",
        "dimension": "lexicon",
        "applies_to": ["lure", "welcome", "rules", "topic", "other"],
        "principle": "团队自己的禁用词表（配置文件 lexicons.banned_words）",
        "rules": [{
            "id": "LX01", "name": "banned-word", "kind": "existence", "severity": "error",
            "message": "「{match}」在团队的禁用词表里",
            "suggestion": "删掉或换一种说法",
            "match": {"terms": list(words), "view": "squeezed"},
        }],
    })


@lru_cache(maxsize=4)
def build_checker(cfg: Config = Config(), reference: bool = False) -> Checker:
    """The checker for a config: loaded from the compiled-pack cache when its inputs are unchanged.
    ``reference=True``: built afresh, without the prefilter (every pattern runs on every draft),
    the slow path the fast one is tested against."""
    packs = _pack_paths(cfg)
    key = _cache_key(cfg, packs)
    cached = None if reference else _load_cached(key)
    if cached is not None:
        return cached
    modules = [(rs.load_module(p), p) for p in rs.module_files(rules_dir())]
    modules += [(rs.load_module(p), p) for p in _pack_files(packs)]
    if cfg.lexicons.banned_words:
        modules.append((_banned_module(cfg.lexicons.banned_words), Path("<config>")))
    checker = Checker(modules, enable=cfg.enable, disable=cfg.disable, severity=dict(cfg.severity),
                      lexicons=_lexicons(packs), words=cfg.lexicons.brand_words, prefilter=not reference)
    if not reference:
        _store_cached(key, checker)
    return checker


# ------------------------------------------------------- compiled-pack cache --
# A compiled checker is pickled in the user cache directory, keyed by everything it is built
# from: the rule, lexicon and dictionary files (contents), the config, and copygen's own
# source (size and mtime) and the Python version.  Regexes pickle as their source and compile
# on first use, so loading skips YAML parsing, schema validation and regex compilation.
# COPYGEN_NO_CACHE=1 turns it off.

def _cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("copygen")) / "checkers"


def _cache_key(cfg: Config, packs: list[Path]) -> str:
    import hashlib
    import sys

    from . import __version__

    h = hashlib.sha256(f"{__version__}|{sys.version}|{cfg.model_dump_json()}|{cfg.base}".encode())
    pkg = Path(__file__).resolve().parent
    for src in sorted([*pkg.glob("*.py"), *pkg.glob("kinds/*.py")]):
        st = src.stat()
        h.update(f"{src.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    root = rules_dir()
    files = [*rs.module_files(root), *sorted((root / "lexicons").glob("*.txt")), *sorted((root / "dict").glob("*.txt"))]
    files += _pack_files(packs) + [f for p in packs if p.is_dir() for f in sorted((p / "lexicons").glob("*.txt"))]
    for f in files:
        h.update(str(f).encode() + b"\0")
        try:
            h.update(f.read_bytes())
        except OSError:
            h.update(b"<unreadable>")
    return h.hexdigest()[:32]


def _cache_off() -> bool:
    import os

    return os.environ.get("COPYGEN_NO_CACHE", "") not in ("", "0")


def _load_cached(key: str) -> Checker | None:
    import pickle

    if _cache_off():
        return None
    try:
        with open(_cache_dir() / f"{key}.pickle", "rb") as fh:
            got = pickle.load(fh)  # noqa: S301 - our own file, keyed by the hash of its inputs
    except Exception:  # missing, truncated or from another layout: rebuild
        return None
    return got if isinstance(got, Checker) else None


def _store_cached(key: str, checker: Checker) -> None:
    import os
    import pickle
    import tempfile

    if _cache_off():
        return
    folder = _cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(checker, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"{key}.pickle")
        old = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)[16:]
        for p in old:  # keep the 16 newest
            p.unlink(missing_ok=True)
    except Exception:  # read-only home, a kind that cannot be pickled…: simply no cache
        try:
            os.unlink(tmp)  # type: ignore[possibly-undefined]
        except Exception:
            pass
