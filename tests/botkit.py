"""Helpers for the bot tests: packs on disk, the vendors' payload schemas and byte limits."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

from copygen.campaign import Campaign, load_campaign
from copygen.config import build_checker
from copygen.pack import build_pack
from copygen.packout import write_pack
from copygen.render import default_catalogue

from .helpers import EXAMPLES

SCHEMAS = Path(__file__).parent / "bots_schemas"

# The vendors' limits, written down here from ../shared/research/bots.md independently of
# copygen/bots/targets.py, so a wrong constant there cannot make these tests agree with it.
# (target, api) → (bytes, what is measured)
VENDOR_LIMITS = {
    "wecom": (2048, "text.content"),
    "wecom-markdown": (4096, "markdown.content"),
    "wecom-welcome/group_welcome_template": (3000, "text.content"),
    "wecom-welcome/send_welcome_msg": (4000, "text.content"),
    "wecom-groupmsg": (4000, "text.content"),
    "dingtalk": (20000, "body"),  # observed "exceed 20000 bytes"; undocumented
    "feishu": (20000, "body"),  # "请求体的数据大小不能超过 20 KB"; 20000 is the stricter reading
}


@lru_cache(maxsize=None)
def validator(target: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{target}.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def vendor_bytes(target: str, api: str, payload: dict) -> tuple[int, int]:
    """(bytes the vendor counts, its limit) for one exported request."""
    if target == "wecom-welcome":
        name = "send_welcome_msg" if "send_welcome_msg" in api else "group_welcome_template"
        limit, what = VENDOR_LIMITS[f"wecom-welcome/{name}"]
    else:
        limit, what = VENDOR_LIMITS[target]
    if what == "body":
        # what goes on the wire: compact UTF-8 JSON, plus the signature fields added at send time
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        extra = len(',"timestamp":"1700000000","sign":"' + "A" * 43 + '="') if target == "feishu" else \
            len(',"msgUuid":"' + "0" * 32 + '"')
        return len(body) + extra, limit
    obj, field = what.split(".")
    return len(payload[obj][field].encode("utf-8")), limit


def write_example_pack(example: Path, out: Path) -> Path:
    doc = build_pack(load_campaign(example), default_catalogue(), build_checker())
    write_pack(doc, out)
    return out


def fifteen_day_campaign(tmp: Path) -> Path:
    """A fan group running 15 days: the kaoyan example stretched, written as a campaign file."""
    src = next(p for p in EXAMPLES if p.stem == "kaoyan-knowledge")
    data = yaml.safe_load(src.read_text(encoding="utf-8"))
    data["group"]["type"] = "fan"
    data["group"]["duration_days"] = 15
    data["lure"]["deadline"] = "2027-03-22"
    # one topic a day needs a bank as long as the campaign (a pack never repeats a theme)
    more = ["你最常用的背词方法", "晒晒你的错题本", "考研路上最想感谢的人", "你一天学几个小时", "今天最有收获的一句话",
            "你最怕的一种题型", "晒晒今天的早餐", "备考时怎么放松"]
    data["topics"] += [{"theme": t} for t in more]
    path = tmp / "fifteen.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    Campaign.model_validate(data)  # fails loudly if the example's shape changed
    return path
