"""The Python API bot developers use: same verdicts and shape as the CLI."""

from __future__ import annotations

import json

from copygen.checker import check

from .helpers import run


def test_check_api_matches_cli_jsonl():
    text = "尊敬的会员：本店即日起开展入群有礼活动，敬请关注。"
    report = check(text, kind="lure", draft_id="x")
    cli = json.loads(run("check", "-", "--format", "jsonl", "--nofail", input=text).output)
    assert report.to_dict()["dimensions"] == cli["dimensions"]
    assert not report.passed and not report.dimensions["official_tone"].passed


def test_lure_dimensions_and_a_passing_draft():
    report = check("姐妹们，我刚在群里领了2盒草莓，顺丰冷链，周日截止，拉3个朋友进群就送～", kind="lure")
    assert {"user_voice", "concrete_benefits", "credibility", "official_tone", "ad_law", "platform_risk",
            "format"} <= set(report.dimensions)
    assert report.passed, [f.message for f in report.findings if f.severity != "info"]


def test_generated_kinds_map_onto_judged_kinds():
    assert "structure" in check("欢迎%NICKNAME%", kind="welcome.group").dimensions
    assert "user_voice" in check("还差%REMAINING%位", kind="lure.nudge").dimensions
    other = check("好久不见，回来看看吧", kind="recall.deep").dimensions
    assert "official_tone" in other and "structure" not in other and "user_voice" not in other
