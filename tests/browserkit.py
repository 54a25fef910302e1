"""A real headless Chromium (Debian's package, driven by Playwright) for the browser tests.

Browsers cannot be downloaded here, so Playwright is pointed at /usr/bin/chromium
(override with COPYGEN_CHROMIUM); `.ci/run` installs it with apt.  Without it the
browser tests fail under CI (env CI set) and are skipped, with the reason, elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .helpers import ROOT

CHROMIUM = os.environ.get("COPYGEN_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}

# Collects every mark: its bubble, rule, span, all fragments' text, and whether each fragment is
# drawn (has a box) and highlighted (a background or an underline of its own).
MARKS_JS = """() => {
  const out = {};
  for (const m of document.querySelectorAll('mark.finding')) {
    const id = m.dataset.finding;
    const r = m.getBoundingClientRect();
    const s = getComputedStyle(m);
    const lit = s.backgroundColor !== 'rgba(0, 0, 0, 0)' && s.borderBottomStyle !== 'none';
    const o = out[id] || (out[id] = {bubble: m.closest('.bubble').dataset.pieceId, rule: m.dataset.rule,
      start: +m.dataset.start, end: +m.dataset.end, text: '', drawn: true, lit: true});
    o.text += m.textContent;
    o.drawn = o.drawn && r.width > 0 && r.height > 0;
    o.lit = o.lit && lit;
  }
  return Object.values(out);
}"""


def artifacts_dir() -> Path:
    d = Path(os.environ.get("COPYGEN_ARTIFACTS") or ROOT / "tests" / "artifacts")
    d.mkdir(parents=True, exist_ok=True)
    return d


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser tests (.ci/run installs chromium)", pytrace=False)
    pytest.skip(reason)


def launch_browser():
    """A generator for a session fixture: yields a Playwright Browser on Debian's Chromium."""
    if not Path(CHROMIUM).exists():
        _unavailable(f"headless Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install '.[test]')")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Watch:
    """Every request a page makes, every console error and page error, and any dialog (alert)."""

    def __init__(self, page) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

        def dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)
