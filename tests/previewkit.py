"""Shared by the preview, server and browser tests: a pack with findings, and an HTML reader."""

from __future__ import annotations

from functools import lru_cache
from html.parser import HTMLParser

from copygen.campaign import load_campaign
from copygen.config import build_checker
from copygen.pack import FindingOut, PackDoc, _check_out, build_pack
from copygen.render import default_catalogue

from .helpers import EXAMPLES

# Drafts the checker flags (official tone, absolute claims, inducement), some with an astral
# emoji before the findings (one code point in Python, two UTF-16 units in JavaScript) and
# with placeholders inside and beside findings.
BAD_DRAFTS = [
    "尊敬的会员：本店即日起开展入群有礼活动，全 网 最 低 价，凡入群者均可获赠精美礼品，敬请关注！！",
    "😀😀%NICKNAME%您好，本店特推出国家级顶级好货，转发朋友圈集满30个赞即可领取，敬请关注！",
    "🍒欢迎%NICKNAME%！凡入群者均可获赠精美礼品，全网第一，仅剩%REMAINING%个名额！！",
]
HOSTILE = '<script>alert(1)</script>"\'><img src=x onerror=alert(2)> & %NICKNAME% </mark></div>'


@lru_cache(maxsize=None)
def example_pack(stem: str) -> PackDoc:
    path = next(p for p in EXAMPLES if p.stem == stem)
    return build_pack(load_campaign(path), default_catalogue(), build_checker())


@lru_cache(maxsize=1)
def findings_pack() -> PackDoc:
    """The fruit pack with some pieces rewritten the wrong way and re-judged by the real checker,
    plus hand-made crossing, nested and zero-width spans and a hostile text."""
    doc = example_pack("fruit-lead").model_copy(deep=True)
    ck = build_checker()
    pieces = list(doc.pieces)
    for k, text in zip((0, 2, 3, 6), BAD_DRAFTS + [BAD_DRAFTS[0]]):
        p = pieces[k]
        r = ck.check(text, p.kind, p.id)
        assert r.findings, text
        pieces[k] = p.model_copy(update={"text": text, "bytes": len(text.encode()), "check": _check_out(r)})
    # crossing (0–6 and 3–9), nested (1–2 inside 0–6) and a zero-width finding at the end
    t = HOSTILE
    k = next(i for i, q in enumerate(pieces) if q.id == "topic.d1")
    p = pieces[k]
    hand = [FindingOut(rule=rule, dimension="format", severity=sev, message=msg, start=a, end=b, line=1,
                       column=a + 1, excerpt=t[a:b], suggestion=sug)
            for rule, sev, a, b, msg, sug in [
                ("XX01", "error", 0, 6, '消息里有 <b>"引号"</b> & 尖括号', "<script>不要执行</script>"),
                ("XX02", "warning", 3, 9, "交叉的范围", ""),
                ("XX03", "info", 1, 2, "嵌套的范围", ""),
                ("XX04", "warning", len(t), len(t), "整篇的问题（零宽）", ""),
                ("XX05", "info", t.index("%NICKNAME%"), t.index("%NICKNAME%") + 10, "占位符上的范围", ""),
            ]]
    check = p.check.model_copy(update={"passed": False, "findings": hand})
    pieces[k] = p.model_copy(update={"text": t, "bytes": len(t.encode()), "check": check})
    return doc.model_copy(update={"pieces": pieces})


class PreviewReader(HTMLParser):
    """Bubbles by piece id, and the text under every finding id (all fragments joined)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bubbles: list[str] = []
        self.bubble_text: dict[str, str] = {}
        self.marks: dict[str, dict] = {}
        self.text: dict[str, str] = {}
        self.placeholders: list[str] = []
        self.tags: list[str] = []
        self._stack: list[tuple[str, str | None, str | None]] = []  # tag, finding id, bubble id
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        self.tags.append(tag)
        if tag == "script":
            self.scripts += 1
        fid = bid = None
        if "bubble" in classes:
            bid = a["data-piece-id"]
            self.bubbles.append(bid)
            self.bubble_text[bid] = ""
        if tag == "mark" and "finding" in classes:
            fid = a["data-finding"]
            owner = next((b for _, _, b in reversed(self._stack) if b is not None), None)
            self.marks.setdefault(fid, {**a, "bubble": owner})
            self.text.setdefault(fid, "")
        if "ph" in classes:
            self.placeholders.append(a["data-ph"])
        if tag not in ("meta", "img", "br", "input", "link"):
            self._stack.append((tag, fid, bid))

    def handle_endtag(self, tag):
        while self._stack:
            t, _, _ = self._stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        for _, fid, bid in self._stack:
            if fid is not None:
                self.text[fid] += data
            if bid is not None:
                self.bubble_text[bid] += data


def read_preview(html: str) -> PreviewReader:
    r = PreviewReader()
    r.feed(html)
    r.close()
    return r
