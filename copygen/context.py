"""Campaign → render context: every derived phrase a template may need.

Templates never compute: dates, group names, quantities, task phrases and
joined lists are worked out here once, in plain dicts of strings, ints, bools
and lists, so that templates stay readable copy with a few slots.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .campaign import Campaign, Channel, Topic

WEEKDAYS = "一二三四五六日"

GROUP_TYPE_LABEL = {"lead": "引流群", "fan": "粉丝群", "flash": "快闪群"}
INDUSTRY_LABEL = {
    "fresh": "生鲜水果", "education": "教育培训", "beauty": "美妆护肤", "baby": "母婴",
    "food": "餐饮", "fitness": "健身", "retail": "零售", "other": "其他",
}
# One emoji per role and trade; all empty when the campaign turns emoji off.
INDUSTRY_EMOJI = {
    "fresh": "🍒", "education": "📚", "beauty": "💄", "baby": "🍼",
    "food": "🍜", "fitness": "💪", "retail": "🛍️", "other": "✨",
}
ROLE_EMOJI = {"gift": "🎁", "clock": "⏰", "point": "👉", "party": "🎉", "heart": "❤️",
              "pin": "📌", "wave": "👋", "star": "⭐", "chat": "💬", "fire": "🔥"}

# Neutral placeholders a bot fills in (WeCom replaces %NICKNAME% itself in group welcomes).
PLACEHOLDERS = {
    "nickname": "%NICKNAME%",
    "invited": "%INVITED%",
    "remaining": "%REMAINING%",
    "members": "%MEMBERS%",
}

TOPIC_FORMS = ("question", "vote", "relay", "photo", "game", "story")
TOPIC_FORM_LABEL = {"question": "提问", "vote": "投票", "relay": "接龙", "photo": "晒图",
                    "game": "小游戏", "story": "故事"}


def join_cn(items: list[str], last: str = "和") -> str:
    """["A","B","C"] → "A、B和C"."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return "、".join(items[:-1]) + last + items[-1]


_NEGATIONS = ("不", "别", "禁止", "请勿", "严禁", "勿")


def as_dont(item: str) -> str:
    """A banned behaviour as a prohibition: 发二维码 → 不发二维码 (already negated items stay)."""
    return item if item.startswith(_NEGATIONS) else f"不{item}"


def clean(s: str) -> str:
    """Free text from the campaign without trailing punctuation, so templates can add their own."""
    return s.strip().rstrip("。，,.！!；;、 ")


def fmt_num(x: float | int) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def date_phrase(d: dt.date) -> str:
    return f"{d.month}月{d.day}日（周{WEEKDAYS[d.weekday()]}）"


def _amount(qty: float, unit: str) -> str:
    """500 + g → "500g"; 1 + 斤 → "1斤"; 2 + 盒 → "2盒"."""
    return f"{fmt_num(qty)}{unit}"


def _mechanic(c: Campaign) -> dict[str, Any]:
    m = c.lure.mechanic
    if m.kind == "invite":
        return {"kind": "invite", "friends": m.friends, "members": None, "condition": "",
                "task": f"拉{m.friends}位好友进群", "short": f"拉{m.friends}人"}
    if m.kind == "group_goal":
        return {"kind": "group_goal", "friends": None, "members": m.members, "condition": "",
                "task": f"群满{m.members}人", "short": f"满{m.members}人"}
    return {"kind": "threshold", "friends": None, "members": None, "condition": m.condition,
            "task": m.condition, "short": m.condition}


def _days(c: Campaign) -> list[dict[str, Any]]:
    out = []
    for n in range(1, c.group.duration_days + 1):
        d = c.group.start_date + dt.timedelta(days=n - 1) if c.group.start_date else None
        out.append({
            "after_deadline": bool(d and c.lure.deadline and d > c.lure.deadline),
            "n": n,
            "date": d.isoformat() if d else "",
            "label": date_phrase(d) if d else f"第{n}天",
            "weekday": f"周{WEEKDAYS[d.weekday()]}" if d else "",
        })
    return out


def build_context(c: Campaign) -> dict[str, Any]:
    """The base context shared by every piece of one campaign."""
    g, lure = c.group, c.lure
    number = g.first_number
    full_name = (g.name[:-1] if g.name.endswith("群") else g.name) + f"{number}群"
    days = _days(c)
    last = days[-1]
    if lure.deadline:
        deadline = date_phrase(lure.deadline)
        deadline_short = f"{lure.deadline.month}月{lure.deadline.day}日"
    elif g.start_date:
        deadline, deadline_short = last["label"], last["label"].split("（")[0]
    else:
        deadline = deadline_short = f"活动第{g.duration_days}天"

    amount = _amount(lure.quantity, lure.unit)
    value = f"{fmt_num(lure.value_yuan)}元" if lure.value_yuan else ""
    services = [{"what": s.what, "when": s.when, "text": f"{s.when}{s.what}"} for s in g.services]
    emoji_on = c.voice.emoji
    # How the operator introduces themself: 店主林姐, but 周学姐 (not 学姐周学姐).
    me = c.voice.name if c.voice.persona in c.voice.name else c.voice.persona + c.voice.name
    e = {k: (v if emoji_on else "") for k, v in ROLE_EMOJI.items()}
    e["trade"] = INDUSTRY_EMOJI[c.brand.industry] if emoji_on else ""

    return {
        "brand": {
            "name": c.brand.name, "sells": c.brand.sells, "industry": c.brand.industry,
            "industry_label": INDUSTRY_LABEL[c.brand.industry], "area": c.brand.area,
        },
        "audience": {"who": c.audience.who, "needs": [clean(n) for n in c.audience.needs],
                     "need": clean(c.audience.needs[0]), "needs_text": join_cn([clean(n) for n in c.audience.needs])},
        "group": {
            "type": g.type, "type_label": GROUP_TYPE_LABEL[g.type], "is_lead": g.type == "lead",
            "name": g.name, "number": number, "full_name": full_name,
            "duration_days": g.duration_days, "services": services,
            "services_text": join_cn([s["text"] for s in services]),
            "start": days[0]["label"], "end": last["label"], "has_dates": bool(g.start_date),
        },
        "lure": {
            "item": lure.item, "quantity": fmt_num(lure.quantity), "unit": lure.unit, "amount": amount,
            "phrase": f"{amount}{lure.item}", "value": value, "relation": clean(lure.relation),
            "mechanic": _mechanic(c), "deadline": deadline, "deadline_short": deadline_short,
            "delivery": clean(lure.delivery), "claimed": lure.claimed or 0,
            "proof": list(lure.proof), "proof_text": "，".join(lure.proof),
        },
        "rules": {"banned": list(c.rules.banned), "banned_text": join_cn(list(c.rules.banned), "、"),
                  "dont": [as_dont(b) for b in c.rules.banned],
                  "dont_text": "、".join(as_dont(b) for b in c.rules.banned),
                  "penalty": list(c.rules.penalty), "penalty_text": "，".join(c.rules.penalty)},
        "voice": {"persona": c.voice.persona, "name": c.voice.name, "address": c.voice.address,
                  "emoji": emoji_on, "me": me, "me_full": me if me in c.brand.name else f"{c.brand.name}的{me}"},
        "e": e,
        "ph": dict(PLACEHOLDERS),
        "closing": {"next_step": clean(c.closing.next_step)},
        "days": days,
    }


def channel_context(ch: Channel) -> dict[str, Any]:
    return {"id": ch.id, "name": ch.name, "kind": ch.kind, "audience": ch.audience}


def topic_plan(c: Campaign) -> list[dict[str, Any]]:
    """One topic a day: day n takes the n-th theme of the bank; a theme without a fixed form
    gets the least-used form so far that differs from yesterday's (votes need options)."""
    used = {f: 0 for f in TOPIC_FORMS}
    plan: list[dict[str, Any]] = []
    prev = None
    for day in range(1, c.group.duration_days + 1):
        t: Topic = c.topics[(day - 1) % len(c.topics)]
        form = t.form
        if form is None:
            allowed = [f for f in TOPIC_FORMS if f != "vote" or len(t.options) >= 2]
            form = min(allowed, key=lambda f: (f == prev, used[f], TOPIC_FORMS.index(f)))
        used[form] += 1
        prev = form
        plan.append({"theme": t.theme, "options": list(t.options), "form": form,
                     "form_label": TOPIC_FORM_LABEL[form],
                     "letters": [f"{chr(65 + i)} {o}" for i, o in enumerate(t.options)]})
    return plan


def segment_context(c: Campaign, segment: str) -> dict[str, Any]:
    offer = clean(getattr(c.segments, segment).offer)
    return {"id": segment, "offer": offer}
