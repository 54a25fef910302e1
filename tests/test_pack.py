"""The pack: every kind present, judged, deterministic, never overwriting the user's files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from copygen.campaign import load_campaign
from copygen.config import build_checker
from copygen.pack import PackDoc, build_pack
from copygen.packout import to_markdown
from copygen.render import default_catalogue, find_leak
from copygen.slots import KINDS

from .helpers import EXAMPLES, expected_kinds, run


def _example(name: str):
    return next(p for p in EXAMPLES if p.stem == name)


class MarkdownSnapshot(SingleFileSnapshotExtension):
    """pack.md snapshots are stored as readable .md files: review them like code."""

    _write_mode = WriteMode.TEXT
    file_extension = "md"


@pytest.fixture(scope="module")
def packs():
    return {p.stem: build_pack(load_campaign(p), default_catalogue(), build_checker()) for p in EXAMPLES}


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_pack_md_snapshot(packs, name, snapshot):
    assert to_markdown(packs[name]) == snapshot.use_extension(MarkdownSnapshot)


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_every_kind_present_and_every_piece_passes(packs, name):
    doc = packs[name]
    assert {p.kind for p in doc.pieces} == expected_kinds(load_campaign(_example(name)))
    failing = {p.id: [f.message for f in p.check.findings if f.severity != "info"]
               for p in doc.pieces if not p.check.passed}
    assert not failing, failing
    assert doc.summary["unresolved"] == []


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_no_template_leak_and_placeholders_recorded(packs, name):
    for p in packs[name].pieces:
        assert find_leak(p.text) is None, (p.id, p.text)
        assert p.text.strip() == p.text and "\n\n\n" not in p.text
        for v in p.variables:
            assert v in p.text
    welcomes = [p for p in packs[name].pieces if p.kind == "welcome.group"]
    assert welcomes and all("%NICKNAME%" in p.variables for p in welcomes)


def test_one_distinct_topic_per_day_in_varied_forms(packs):
    for name, doc in packs.items():
        c = load_campaign(_example(name))
        topics = [p for p in doc.pieces if p.kind == "topic" and not p.variant.startswith("reveal")]
        # one a day while the bank lasts, never the same theme twice
        assert sorted(p.day for p in topics) == list(range(1, min(c.group.duration_days, len(c.topics)) + 1))
        assert len({p.text for p in topics}) == len(topics)
        forms = [p.variant for p in sorted(topics, key=lambda p: p.day)]
        assert len(forms) == len(topics)
        assert all(a != b for a, b in zip(forms, forms[1:])), forms  # never the same form two days running
        assert len(set(forms)) >= min(len(forms), 3), forms


def test_at_least_three_variants_per_kind():
    cat = default_catalogue()
    for kind in KINDS:
        assert len(cat.variants(kind)) >= 3, kind


def test_same_seed_same_bytes_other_seed_other_choice(tmp_path):
    ex = str(EXAMPLES[0])
    for d in ("a", "b"):
        assert run("pack", ex, "-o", str(tmp_path / d), "--seed", "7", "--nofail").exit_code == 0
    for f in ("pack.json", "pack.md", "messages.jsonl"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    assert run("pack", ex, "-o", str(tmp_path / "c"), "--seed", "8", "--nofail").exit_code == 0
    a = json.loads((tmp_path / "a" / "pack.json").read_text(encoding="utf-8"))
    c = json.loads((tmp_path / "c" / "pack.json").read_text(encoding="utf-8"))
    assert [p["variant"] for p in a["pieces"]] != [p["variant"] for p in c["pieces"]]


def test_variants_gives_n_different_texts_per_slot():
    doc = build_pack(load_campaign(EXAMPLES[0]), default_catalogue(), build_checker(), variants=3)
    by_slot: dict[str, list[str]] = {}
    for p in doc.pieces:
        by_slot.setdefault(p.slot, []).append(p.variant)
    for slot, variants in by_slot.items():
        assert len(set(variants)) == len(variants), slot
        if slot.startswith("topic."):  # a topic is only written in the forms that fit its theme
            assert 1 <= len(variants) <= 3, (slot, variants)  # 说说你家清洁小妙招 is only a question
        else:
            assert len(variants) == 3, slot


def test_outputs_and_schema(tmp_path):
    out = tmp_path / "out"
    r = run("pack", str(EXAMPLES[0]), "-o", str(out), "--nofail")  # pack-level findings: test_pack_check_*
    assert r.exit_code == 0, r.output
    doc = PackDoc.model_validate_json((out / "pack.json").read_text(encoding="utf-8"))
    assert all(p.check is not None for p in doc.pieces)
    lines = [json.loads(ln) for ln in (out / "messages.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len({p.slot for p in doc.pieces})
    for m in lines:
        assert m["target"] in {"group", "private", "moments", "poster"}
        assert m["day"] is not None or m["trigger"] is not None
        assert m["bytes"] == len(m["text"].encode("utf-8"))
    md = (out / "pack.md").read_text(encoding="utf-8")
    assert md.startswith("# ") and "## 第1天" in md


def test_existing_output_is_never_overwritten_without_force(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "pack.md").write_text("我手改过的文案", encoding="utf-8")
    r = run("pack", str(EXAMPLES[0]), "-o", str(out))
    assert r.exit_code == 2 and "--force" in r.output
    assert (out / "pack.md").read_text(encoding="utf-8") == "我手改过的文案"
    assert not (out / "pack.json").exists()  # nothing written at all
    assert run("pack", str(EXAMPLES[0]), "-o", str(out), "--force", "--nofail").exit_code == 0
    assert (out / "pack.md").read_text(encoding="utf-8").startswith("# ")


def test_user_template_dir_overrides_a_builtin(tmp_path):
    (tmp_path / "lure.poster").mkdir()
    (tmp_path / "lure.poster" / "mine.j2").write_text(
        "{#- 自己的海报 -#}\n我刚领了{{ lure.phrase }}\n{{ lure.mechanic.task }}就送，{{ lure.deadline }}截止", encoding="utf-8")
    from copygen.render import Catalogue

    cat = Catalogue((tmp_path,))
    assert "mine" in [t.variant for t in cat.variants("lure.poster")]


def test_user_template_with_missing_variable_fails_loudly(tmp_path):
    (tmp_path / "lure.poster").mkdir()
    built_in = sorted(p.stem for p in (Path(__file__).parents[1] / "templates/zh/lure.poster").glob("*.j2"))
    for name in built_in:  # the user's folder replaces every poster variant, so one of them is rendered
        (tmp_path / "lure.poster" / f"{name}.j2").write_text("送{{ lure.nothing }}", encoding="utf-8")
    r = run("pack", str(EXAMPLES[0]), "-o", str(tmp_path / "out"), "--templates", str(tmp_path))
    assert r.exit_code == 2 and "lure.poster" in r.output and "nothing" in r.output and "Traceback" not in r.output


def test_user_template_cannot_escape_the_sandbox(tmp_path):
    (tmp_path / "lure.poster").mkdir()
    (tmp_path / "lure.poster" / "evil.j2").write_text("{{ ''.__class__.__mro__ }}", encoding="utf-8")
    from copygen.errors import TemplateError
    from copygen.render import Catalogue

    cat = Catalogue((tmp_path,))
    evil = next(t for t in cat.variants("lure.poster") if t.variant == "evil")
    with pytest.raises(TemplateError):
        cat.render(evil, {})


def test_repeated_slots_of_a_kind_use_different_variants(packs):
    cat = default_catalogue()
    for name, doc in packs.items():
        for kind in ("lure.nudge", "welcome.group"):
            pieces = [p for p in doc.pieces if p.kind == kind]
            n = min(len(pieces), len(cat.variants(kind)))
            assert len({p.variant for p in pieces[:n]}) == n, (name, kind, [p.variant for p in pieces])


def test_no_nudge_after_the_lure_deadline():
    import yaml

    from copygen.campaign import parse_campaign

    data = yaml.safe_load((EXAMPLES[0].parent / "fruit-lead.yaml").read_text(encoding="utf-8"))
    data["group"]["duration_days"] = 5
    data["lure"]["deadline"] = "2026-12-04"  # day 2 of 5
    doc = build_pack(parse_campaign(data), default_catalogue(), build_checker())
    assert sorted(p.day for p in doc.pieces if p.kind == "lure.nudge") == [1, 2]
    # three themes in the bank: they go first, the other two days get topics from the campaign's own
    # data (its audience's needs, the last day's look back), never a repeat
    topics = sorted((p for p in doc.pieces if p.kind == "topic"), key=lambda p: p.day)
    assert [p.day for p in topics] == [1, 2, 3, 4, 5] and len({p.text for p in topics}) == 5
    assert "没时间去批发市场挑" in topics[3].text


def test_unresolved_slots_exit_1_unless_nofail(tmp_path):
    cfg = tmp_path / "copygen.yaml"
    cfg.write_text("lexicons:\n  banned_words: [车厘子]\n", encoding="utf-8")  # every lure piece names it
    fruit = str(EXAMPLES[0].parent / "fruit-lead.yaml")
    r = run("pack", fruit, "-o", str(tmp_path / "a"), "--config", str(cfg))
    assert r.exit_code == 1 and "lure.poster" in r.output
    doc = PackDoc.model_validate_json((tmp_path / "a" / "pack.json").read_text(encoding="utf-8"))
    assert "lure.poster" in doc.summary["unresolved"]
    assert "没能通过检查的位置" in (tmp_path / "a" / "pack.md").read_text(encoding="utf-8")
    assert run("pack", fruit, "-o", str(tmp_path / "b"), "--config", str(cfg), "--nofail").exit_code == 0


def test_pack_check_runs_at_the_end_of_pack(tmp_path):
    """pack.json's summary and pack.md's top carry what `check --pack` says about the written pack."""
    fruit = str(EXAMPLES[0].parent / "fruit-lead.yaml")
    out = tmp_path / "a"
    r = run("pack", fruit, "-o", str(out))
    doc = json.loads((out / "pack.json").read_text(encoding="utf-8"))
    pc = doc["summary"]["pack_check"]
    again = json.loads(run("check", "--pack", str(out), "--format", "json", "--nofail").output)
    assert [{k: f[k] for k in ("rule", "piece", "start", "end")} for f in pc["findings"]] == \
        [{k: f[k] for k in ("rule", "piece", "start", "end")} for f in again["findings"]]
    assert pc["error"] == again["summary"]["error"] and pc["warning"] == again["summary"]["warning"]
    md = (out / "pack.md").read_text(encoding="utf-8")
    assert "## 整包检查" in md and md.index("## 整包检查") < md.index("## 第1天")
    for f in pc["findings"]:
        assert f"{f['severity']} {f['rule']}" in md
    assert r.exit_code == (1 if pc["error"] else 0)
    if pc["error"]:
        assert "整包检查：错误" in r.output
        assert run("pack", fruit, "-o", str(tmp_path / "b"), "--nofail").exit_code == 0


def test_pack_check_clean_and_disabled(tmp_path):
    cfg = tmp_path / "copygen.yaml"
    cfg.write_text("disable: [pack]\n", encoding="utf-8")  # every pack rule, by its dimension
    out = tmp_path / "a"
    r = run("pack", str(EXAMPLES[0]), "-o", str(out), "--config", str(cfg))
    assert r.exit_code == 0, r.output
    doc = json.loads((out / "pack.json").read_text(encoding="utf-8"))
    assert doc["summary"]["pack_check"] == {"error": 0, "warning": 0, "info": 0, "findings": []}
    assert "✓ 没有发现整包的问题" in (out / "pack.md").read_text(encoding="utf-8")
    r = run("pack", str(EXAMPLES[0]), "-o", str(tmp_path / "b"), "--no-check")
    assert r.exit_code == 0 and "pack_check" not in json.loads((tmp_path / "b" / "pack.json").read_text())["summary"]


def test_a_fallback_is_marked_on_the_piece_and_in_the_report():
    from copygen.config import Config, Lexicons

    checker = build_checker(Config(lexicons=Lexicons(banned_words=("车厘子",))))  # every lure piece names it
    doc = build_pack(load_campaign(EXAMPLES[0].parent / "fruit-lead.yaml"), default_catalogue(), checker)
    fell = [p for p in doc.pieces if p.fallback]
    assert fell and {p.slot for p in fell} == set(doc.summary["unresolved"])
    assert all(not p.check.passed for p in fell)
    assert all(p.fallback or p.check.passed for p in doc.pieces)
    fb = {f["slot"]: f for f in doc.summary["fallbacks"]}
    assert set(fb) == set(doc.summary["unresolved"]) and all("LX01" in f["rules"] for f in fb.values())
    kind_of = {p.slot: p.kind for p in doc.pieces}
    from copygen.slots import plan

    fits = {s.id: s.extra["topic"]["fits"] for s in plan(load_campaign(EXAMPLES[0].parent / "fruit-lead.yaml"))
            if s.kind == "topic" and "fits" in s.extra["topic"]}
    for slot, f in fb.items():  # every variant that can work was tried before falling back
        if slot in fits:  # a topic: every form that fits its theme
            assert f["tried"] == len(fits[slot]), slot
        else:
            assert f["tried"] == len(default_catalogue().variants(kind_of[slot])), slot
    md = to_markdown(doc)
    assert md.count("⚠ 兜底") == len(fell) and "**兜底的位置**" in md
