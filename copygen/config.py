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
def build_checker(cfg: Config = Config()) -> Checker:
    packs = _pack_paths(cfg)
    modules = [(rs.load_module(p), p) for p in rs.module_files(rules_dir())]
    modules += [(rs.load_module(p), p) for p in _pack_files(packs)]
    if cfg.lexicons.banned_words:
        modules.append((_banned_module(cfg.lexicons.banned_words), Path("<config>")))
    return Checker(modules, enable=cfg.enable, disable=cfg.disable, severity=dict(cfg.severity),
                   lexicons=_lexicons(packs), words=cfg.lexicons.brand_words)
