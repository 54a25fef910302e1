"""pack.html and the `copygen serve` page in a real headless Chromium, at phone width.

Counts bubbles, checks that every finding is drawn and highlighted on exactly its
text, that the rule id and message appear on hover and on tap, that nothing is
fetched, and saves screenshots to tests/artifacts/ (or $COPYGEN_ARTIFACTS).
"""

from __future__ import annotations

import httpx2 as httpx
import pytest

from copygen.preview import render_html

from .browserkit import MARKS_JS, PHONE, Watch, artifacts_dir, launch_browser
from .helpers import EXAMPLES
from .previewkit import BAD_DRAFTS, example_pack, findings_pack
from .serverkit import live_server


@pytest.fixture(scope="module")
def browser():
    yield from launch_browser()


@pytest.fixture
def phone(browser):
    ctx = browser.new_context(**PHONE)
    page = ctx.new_page()
    yield page, Watch(page)
    ctx.close()


def expected(doc):
    return sorted((p.id, f.rule, f.start, f.end, p.text[f.start:f.end])
                  for p in doc.pieces for f in (p.check.findings if p.check else []))


def open_preview(page, doc, tmp_path):
    f = tmp_path / "pack.html"
    f.write_text(render_html(doc), encoding="utf-8")
    page.goto(f.as_uri())
    return f


@pytest.mark.parametrize("stem", [p.stem for p in EXAMPLES] + ["findings"])
def test_preview_in_chromium(phone, tmp_path, stem):
    page, watch = phone
    doc = findings_pack() if stem == "findings" else example_pack(stem)
    f = open_preview(page, doc, tmp_path)
    assert page.locator(".bubble").count() == len(doc.pieces)
    assert sorted(page.locator(".bubble").evaluate_all("els => els.map(e => e.dataset.pieceId)")) == \
        sorted(p.id for p in doc.pieces)
    marks = page.evaluate(MARKS_JS)
    assert sorted((m["bubble"], m["rule"], m["start"], m["end"], m["text"]) for m in marks) == expected(doc)
    assert all(m["drawn"] and m["lit"] for m in marks), [m for m in marks if not (m["drawn"] and m["lit"])]
    # phone width: nothing sticks out sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # self-contained: the file itself is the only request, no CSP violation, no script error, no alert
    assert watch.requests == [f.as_uri()]
    assert watch.errors == [] and watch.dialogs == []
    page.screenshot(path=str(artifacts_dir() / f"preview-{stem}.png"), full_page=True)


def test_rule_and_message_on_tap_and_hover(browser, tmp_path):
    doc = findings_pack()
    warn = next(f for p in doc.pieces for f in p.check.findings if f.severity == "error" and f.start < f.end)
    ctx = browser.new_context(**PHONE)
    page = ctx.new_page()
    open_preview(page, doc, tmp_path)
    mark = page.locator(f'mark.finding[data-rule="{warn.rule}"][data-start="{warn.start}"]').first
    tip = page.locator("#tip")
    assert tip.is_hidden()
    mark.tap()
    assert tip.is_visible()
    assert warn.rule in tip.inner_text() and warn.message in tip.inner_text()
    box, vw = tip.bounding_box(), 375
    assert box["x"] >= 0 and box["x"] + box["width"] <= vw
    page.screenshot(path=str(artifacts_dir() / "preview-tap.png"))
    page.locator("h1").tap()
    assert tip.is_hidden()
    # a placeholder chip explains itself too
    page.locator('.ph[data-ph="%NICKNAME%"]').first.tap()
    assert "昵称" in tip.inner_text()
    ctx.close()

    ctx = browser.new_context(viewport={"width": 1024, "height": 768})
    page = ctx.new_page()
    open_preview(page, doc, tmp_path)
    page.locator(f'mark.finding[data-rule="{warn.rule}"]').first.hover()
    assert page.locator("#tip").is_visible() and warn.message in page.locator("#tip").inner_text()
    ctx.close()


# ------------------------------------------------------------ the serve page --

@pytest.fixture(scope="module")
def server():
    with live_server() as url:
        yield url


def _only_own_requests(watch, url):
    strange = [u for u in watch.requests if not (u.startswith(url + "/") or u.startswith(("blob:", "about:", "data:")))]
    assert strange == []


def test_page_checks_a_pasted_draft(phone, server):
    page, watch = phone
    draft = BAD_DRAFTS[1]
    expected_findings = httpx.post(f"{server}/check", json={"id": "草稿", "kind": "welcome", "text": draft}).json()[0]["findings"]
    assert expected_findings
    page.goto(server + "/")
    page.select_option("#kind", "welcome")
    page.fill("#draft", draft)
    page.locator("#check").tap()
    view = page.frame_locator("#view")
    view.locator(".bubble").first.wait_for()
    assert view.locator(".bubble").count() == 1
    frame = page.frame(url="about:srcdoc") or page.main_frame.child_frames[0]
    marks = frame.evaluate(MARKS_JS)
    got = sorted((m["rule"], m["start"], m["end"], m["text"]) for m in marks)
    assert got == sorted((f["rule"], f["start"], f["end"], draft[f["start"]:f["end"]]) for f in expected_findings)
    assert all(m["drawn"] and m["lit"] for m in marks)
    first = next(f for f in expected_findings if f["end"] > f["start"])
    view.locator(f'mark.finding[data-rule="{first["rule"]}"][data-start="{first["start"]}"]').first.tap()
    tip = view.locator("#tip")
    assert tip.is_visible() and first["rule"] in tip.inner_text() and first["message"] in tip.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(artifacts_dir() / "serve-check.png"), full_page=True)
    _only_own_requests(watch, server)
    assert watch.errors == [] and watch.dialogs == []


def test_page_packs_an_uploaded_campaign_and_shows_errors(phone, server):
    page, watch = phone
    path = next(p for p in EXAMPLES if p.stem == "kaoyan-knowledge")
    page.goto(server + "/")
    page.locator("#tab-campaign").tap()
    page.set_input_files("#campaign-file", str(path))
    page.wait_for_function("document.getElementById('campaign').value.length > 100")
    page.locator("#pack").tap()
    page.locator("#downloads").wait_for(state="visible")
    view = page.frame_locator("#view")
    assert view.locator(".bubble").count() == len(example_pack("kaoyan-knowledge").pieces)
    assert page.locator("#download-html").get_attribute("href").startswith("blob:")
    assert page.locator("#download-json").get_attribute("href").startswith("blob:")
    page.screenshot(path=str(artifacts_dir() / "serve-pack.png"))
    # a broken campaign: the same words the API (and the CLI) use, shown to the operator
    page.fill("#campaign", "brand: [\n")
    page.locator("#pack").tap()
    page.locator("#error").wait_for(state="visible")
    assert "格式错误，不是合法的 YAML" in page.locator("#error").inner_text()
    _only_own_requests(watch, server)
    assert watch.dialogs == []


def test_docs_page_renders_offline(browser, server):
    ctx = browser.new_context()
    page = ctx.new_page()
    watch = Watch(page)
    page.goto(server + "/docs")
    page.locator(".opblock-summary-path", has_text="/check").first.wait_for(timeout=15000)
    _only_own_requests(watch, server)
    ctx.close()
