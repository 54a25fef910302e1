"""pack.html: every piece a bubble, every finding a mark on its span, nothing unescaped, nothing fetched."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from copygen.campaign import parse_campaign
from copygen.pack import build_pack
from copygen.packout import to_json, to_markdown
from copygen.preview import render_html, spans
from copygen.render import default_catalogue

from .helpers import EXAMPLES, run
from .previewkit import HOSTILE, example_pack, findings_pack, read_preview


def expected_marks(doc):
    """(piece id, rule, start, end, text) for every finding, from pack.json's side."""
    return sorted((p.id, f.rule, f.start, f.end, p.text[f.start:f.end])
                  for p in doc.pieces for f in (p.check.findings if p.check else []))


def rendered_marks(html):
    r = read_preview(html)
    return sorted((m["bubble"], m["data-rule"], int(m["data-start"]), int(m["data-end"]), r.text[fid])
                  for fid, m in r.marks.items())


@pytest.mark.parametrize("stem", [p.stem for p in EXAMPLES] + ["findings"])
def test_one_bubble_per_piece_and_every_finding_on_its_span(stem):
    doc = findings_pack() if stem == "findings" else example_pack(stem)
    html = render_html(doc)
    r = read_preview(html)
    assert sorted(r.bubbles) == sorted(p.id for p in doc.pieces)
    assert rendered_marks(html) == expected_marks(doc)
    # the bubble shows the text exactly as written (placeholders and marks add no characters)
    for p in doc.pieces:
        assert r.bubble_text[p.id] == p.text


def test_findings_pack_really_has_findings_of_every_severity():
    sev = {f.severity for p in findings_pack().pieces for f in p.check.findings}
    assert sev == {"error", "warning", "info"}


def test_hostile_text_is_escaped_and_only_our_script_exists():
    html = render_html(findings_pack())
    r = read_preview(html)
    assert r.scripts == 1 and "img" not in r.tags
    assert "<script>alert" not in html and "<img src=x" not in html
    assert r.bubble_text["topic.d1"] == HOSTILE
    # the rule message's markup is an attribute value, escaped, not markup
    assert '消息里有 &lt;b&gt;&#34;引号&#34;&lt;/b&gt; &amp; 尖括号' in html


def test_self_contained_no_network():
    html = render_html(example_pack("fruit-lead"))
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    csp = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))
    assert "default-src 'none'" in csp and "script-src 'sha256-" in csp
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_spans_crossing_nested_zero_width():
    doc = findings_pack()
    p = next(q for q in doc.pieces if q.id == "topic.d1")
    from copygen.preview import Mark

    marks = [Mark(f"m{k}", k, f) for k, f in enumerate(p.check.findings)]
    tree = spans(p.text, marks)

    def flat(nodes, out, open_=()):
        for n in nodes:
            if n.type == "text":
                for uid in open_:
                    out.setdefault(uid, []).append(n.text)
                out.setdefault("all", []).append(n.text)
            else:
                uid = n.ref.uid if n.type == "finding" else "ph"
                out.setdefault(uid, [])
                flat(n.children, out, open_ + (uid,))
        return out

    got = flat(tree, {})
    assert "".join(got["all"]) == p.text
    for m in marks:
        assert "".join(got[m.uid]) == p.text[m.finding.start:m.finding.end]
    assert len(got["m1"]) == 2  # the crossing span is split in two fragments
    assert got["m3"] == []  # zero width, still present


def test_days_in_numeric_order_then_triggers_then_after_end():
    data = {
        "brand": {"name": "小林健身", "sells": "私教课", "industry": "fitness"},
        "audience": {"who": "附近上班族", "needs": ["下班后想练"]},
        "group": {"type": "fan", "name": "小林健身打卡群", "duration_days": 12, "start_date": "2026-12-01",
                  "services": [{"what": "动作纠正", "when": "每天晚上8点"}]},
        "lure": {"item": "体测", "quantity": 1, "unit": "次", "relation": "私教课的第一步"},
        "topics": [{"theme": "今天练了什么"}],
        "closing": {"next_step": "加教练微信"},
    }
    doc = build_pack(parse_campaign(data), default_catalogue(), None)
    html = render_html(doc)
    order = re.findall(r'<section class="day" id="([^"]+)"', html)
    days = [s for s in order if s.startswith("day-")]
    numbers = [int(d.removeprefix("day-")) for d in days]
    assert numbers == sorted(numbers) and numbers[0] == 1 and 12 in numbers  # 第10天 never before 第2天
    assert order[len(days):] == [s for s in ("trigger", "after") if s in order]
    assert "12月12日（周六）" in html
    md_days = re.findall(r"^## 第(\d+)天", to_markdown(doc), flags=re.M)
    assert [int(d) for d in md_days] == numbers  # pack.md too: 第2天 before 第10天


def test_sender_is_the_campaign_voice():
    html = render_html(example_pack("fruit-lead"))
    assert '<span class="sender">林姐（店主）</span>' in html


def test_preview_command_writes_beside_the_pack_and_never_overwrites(tmp_path):
    d = tmp_path / "pack"
    d.mkdir()
    (d / "pack.json").write_text(to_json(findings_pack()), encoding="utf-8")
    r = run("preview", str(d))
    assert r.exit_code == 0, r.output
    html = (d / "pack.html").read_text(encoding="utf-8")
    assert rendered_marks(html) == expected_marks(findings_pack())
    (d / "pack.html").write_text("mine", encoding="utf-8")
    r = run("preview", str(d))
    assert r.exit_code == 2 and "已存在" in r.stderr and (d / "pack.html").read_text(encoding="utf-8") == "mine"
    r = run("preview", str(d), "-o", str(tmp_path / "x.html"))
    assert r.exit_code == 0 and (tmp_path / "x.html").exists()
    assert run("preview", str(d), "--force").exit_code == 0


@pytest.mark.parametrize("content, words", [
    (None, "找不到 pack.json"),
    ("{not json", "不是合法的 JSON"),
    ("[1, 2]", "顶层必须是一个对象"),
    ('{"copygen": "x"}', "不是合法的 pack.json"),
    ("[" * 100000, "嵌套太深"),
])
def test_preview_bad_input_is_one_line_exit_2(tmp_path, content, words):
    if content is not None:
        (tmp_path / "pack.json").write_text(content, encoding="utf-8")
    r = run("preview", str(tmp_path))
    assert r.exit_code == 2
    assert r.stderr.startswith("copygen: ") and words in r.stderr and "Traceback" not in r.stderr


def test_preview_rejects_spans_outside_the_text(tmp_path):
    data = json.loads(to_json(findings_pack()))
    data["pieces"][0]["check"]["findings"][0]["end"] = 10_000
    (tmp_path / "pack.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = run("preview", str(tmp_path))
    assert r.exit_code == 2 and "超出了文案长度" in r.stderr


def test_pack_html_flag(tmp_path):
    out = tmp_path / "out"
    r = run("pack", str(EXAMPLES[0]), "-o", str(out), "--html", "--nofail")  # pack-level findings exit 1
    assert r.exit_code == 0, r.output
    doc = json.loads((out / "pack.json").read_text(encoding="utf-8"))
    html = (out / "pack.html").read_text(encoding="utf-8")
    assert len(read_preview(html).bubbles) == len(doc["pieces"])
    r = run("pack", str(EXAMPLES[0]), "-o", str(out), "--html")
    assert r.exit_code == 2 and "pack.html" in r.stderr
