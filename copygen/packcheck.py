"""``copygen check --pack``: load a pack, judge it with the pack rules, render the findings.

Also the step at the end of ``copygen pack``: the generated pack is judged the
same way, from the same pack.json shape it is written in.
"""

from __future__ import annotations

from .config import Config
from .errors import InputError
from .packio import Pack, load_pack, parse_pack
from .packreport import PACK_FORMATS, RENDER
from .packrules import PackChecker, PackFinding, build_pack_checker


def judge(pack: Pack, cfg: Config | None = None, pack_checker: PackChecker | None = None) -> list[PackFinding]:
    return (pack_checker or build_pack_checker(cfg or Config())).check(pack)


def judge_doc(doc_json: dict, source: str, cfg: Config | None = None,
              pack_checker: PackChecker | None = None) -> list[PackFinding]:
    """A generated pack (``PackDoc.model_dump(mode="json")``) → its pack findings."""
    return judge(parse_pack(doc_json, source), cfg, pack_checker)


def check_pack_cli(path: str, fmt: str, cfg: Config) -> tuple[str, bool]:
    if fmt not in PACK_FORMATS:
        raise InputError(f"--pack 只支持 --format {'、'.join(PACK_FORMATS)}")
    pack = load_pack(path)
    findings = judge(pack, cfg)
    return RENDER[fmt](pack, findings), any(f.severity == "error" for f in findings)
