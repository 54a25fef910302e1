"""Campaign → render context: every derived phrase a template may need.

Templates never compute: dates, group names, quantities, the wording that depends on
what is given away (goods are sent, coupons are redeemed, services are booked), the
timeline (which day is the last, what "截止" means on a given day) and the seeded
choice between equivalent phrasings are worked out here once, in plain dicts of
strings, ints, bools and lists, so that templates stay readable copy with a few slots.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from functools import lru_cache
from typing import Any

import yaml

from .campaign import Campaign, Channel, Topic
from .resources import templates_dir

WEEKDAYS = "一二三四五六日"

GROUP_TYPE_LABEL = {"lead": "引流群", "fan": "粉丝群", "flash": "快闪群"}
INDUSTRY_LABEL = {
    "fresh": "生鲜水果", "education": "教育培训", "beauty": "美妆护肤", "baby": "母婴",
    "food": "餐饮", "fitness": "健身", "retail": "零售", "other": "其他",
}
# Emoji by the role they play in a line.  `few` keeps the ones that open a line, `many`
# adds the decorative ones; a trade emoji appears only when the operator chose one.
LEAD_EMOJI = {"gift": "🎁", "clock": "⏰", "pin": "📌", "wave": "👋", "chat": "💬", "star": "⭐", "party": "🎉"}
DECOR_EMOJI = {"heart": "❤️", "point": "👉", "fire": "🔥", "ok": "✅"}

# Neutral placeholders a bot fills in (WeCom replaces %NICKNAME% itself in group welcomes).
PLACEHOLDERS = {
    "nickname": "%NICKNAME%",
    "invited": "%INVITED%",
    "remaining": "%REMAINING%",
    "members": "%MEMBERS%",
}
# Placeholders that only make sense when a bot sends the piece to one person.
PER_PERSON = ("%NICKNAME%", "%INVITED%", "%REMAINING%")

TOPIC_FORMS = ("question", "vote", "relay", "photo", "game", "story")
# When several forms fit a theme, the most specific one first: a plain question is the fallback.
_PREFERENCE = ("vote", "photo", "game", "story", "relay", "question")
TOPIC_FORM_LABEL = {"question": "提问", "vote": "投票", "relay": "接龙", "photo": "晒图",
                    "game": "小游戏", "story": "故事"}
_PHOTO_HINTS = ("晒", "拍", "照", "今天的", "手里", "桌", "长什么样")
_STORY_HINTS = ("经历", "故事", "第一次", "坚持", "怎么开始", "为什么", "难忘", "感受")

# Self-descriptions that read as a role, not a name: 我是{brand}的{persona}{name} would glue them.
_GENERIC_NAMES = ("小助手", "助手", "客服", "管理员", "群主")


class Opt(str):
    """A slot that may print as nothing on purpose (an optional clause the context decided to drop)."""


class Emoji(Opt):
    """An emoji slot: empty when the campaign turns emoji down."""


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


def short_date(d: dt.date) -> str:
    return f"{d.month}月{d.day}日"


def hhmm_phrase(t: str) -> str:
    """"20:00" → "晚上8点", "12:30" → "中午12点半"."""
    h, m = (int(x) for x in t.split(":"))
    part = "早上" if h < 9 else "上午" if h < 11 else "中午" if h < 13 else "下午" if h < 18 else "晚上"
    h12 = h if h <= 12 else h - 12
    return f"{part}{h12}点" + ("" if m == 0 else "半" if m == 30 else f"{m}分")


# ------------------------------------------------------------------ phrasings --

@lru_cache(maxsize=1)
def phrase_pools() -> dict[str, list[str]]:
    """Equivalent phrasings (templates/zh/phrases.yaml); one is chosen per piece by the seed."""
    path = templates_dir() / "phrases.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {k: [str(x) for x in v] for k, v in data.items()}


def choose(seed: int, key: str, options: list[Any]) -> Any:
    """A stable choice: the same seed and key always pick the same option."""
    if not options:
        raise ValueError(f"no options for {key}")
    h = int(hashlib.sha256(f"{seed}|{key}".encode()).hexdigest()[:8], 16)
    return options[h % len(options)]


class Say(dict):
    """``say.<pool>`` in a template: one phrasing of the pool, fixed by (seed, piece, pool)."""

    def __init__(self, seed: int, piece: str, fields: dict[str, str]):
        super().__init__()
        self._seed, self._piece, self._fields = seed, piece, fields

    def __getitem__(self, pool: str) -> str:
        options = phrase_pools()[pool]
        return choose(self._seed, f"{self._piece}|{pool}", options).format(**self._fields)

    def __getattr__(self, pool: str) -> str:
        if pool.startswith("_"):
            raise AttributeError(pool)
        return self[pool]

    def __contains__(self, pool: object) -> bool:
        return pool in phrase_pools()


# ------------------------------------------------------------------ the lure --

def _amount(qty: float, unit: str) -> str:
    """500 + g → "500g"; 1 + 斤 → "1斤"; 2 + 盒 → "2盒"."""
    return f"{fmt_num(qty)}{unit}"


_VALUE_IN_NAME = re.compile(r"\d+(?:\.\d+)?\s*元")


def _thing(c: Campaign) -> dict[str, str]:
    """How the reward is named, per type: never 价值5元的5元券, 每份1份 or 1份10元券."""
    lure, kind = c.lure, c.lure.kind
    value = fmt_num(lure.value_yuan) if lure.value_yuan else ""
    qty = lure.quantity
    if kind == "coupon":
        has_value = bool(_VALUE_IN_NAME.search(lure.item))
        name = lure.item if has_value or not value else f"{value}元{lure.item}"
        one = qty == 1
        phrase = name if one else f"{fmt_num(qty)}{lure.unit}{name}"
        each = f"一{lure.unit}{name}" if one else phrase
        return {"phrase": phrase, "each": each, "name": name, "value_note": Opt("")}
    if kind == "digital":
        size = f"（{_amount(qty, lure.unit)}）" if lure.unit not in ("份", "个") and qty > 1 else ""
        return {"phrase": lure.item, "each": f"一份{lure.item}", "name": lure.item, "size": size,
                "value_note": Opt(f"，平时卖{value}元" if value else "")}
    phrase = f"{_amount(qty, lure.unit)}{lure.item}"
    return {"phrase": phrase, "each": phrase, "name": lure.item,
            "value_note": Opt(f"，平时卖{value}元" if value and kind != "goods" else (f"，价值{value}元" if value else ""))}


# What the winner does to get it, by claim method; {…} filled from the claim.
_CLAIM_STEP = {
    "ship": "把收货地址和电话私信发我",
    "pickup": "到{where}报手机号领取",
    "in_store": "到{where}出示给店员",
    "booking": "约一个方便的时间",
    "online": "留意私聊消息",
}
_CLAIM_VERB = {  # 领到以后怎么“用”
    "goods": "收到", "coupon": "用", "service": "约", "course": "约课", "digital": "收到",
}


def _claim(c: Campaign, thing: dict[str, str]) -> dict[str, Any]:
    lure, cl = c.lure, c.lure.claim
    method = lure.claim_method
    where = clean(cl.where) or (f"{c.brand.name}门店" if method in ("pickup", "in_store") else "")
    validity = ""
    if cl.valid_until:
        validity = f"{short_date(cl.valid_until)}前有效"
    elif cl.valid_days:
        validity = f"领到后{cl.valid_days}天内有效"
    delivery = clean(lure.delivery)
    steps: list[str] = [delivery]
    if method == "ship":
        steps.insert(0, _CLAIM_STEP["ship"])
    elif method == "pickup":
        pick = f"地点：{where}" if "到店" in delivery or "自提" in delivery else _CLAIM_STEP["pickup"].format(where=where)
        steps.append(pick + (f"，营业时间{cl.hours}" if cl.hours else ""))
    elif method == "in_store":
        verb = "结账时出示券码抵扣" if lure.kind == "coupon" else "报手机号就能用"
        steps.append(f"到{where}{verb}" + (f"，营业时间{cl.hours}" if cl.hours else ""))
    elif method == "booking":
        place = f"，地点：{where}" if where and where != "上门" else ("，师傅上门" if where == "上门" else "")
        steps.append(f"可约时间{cl.hours}{place}" if cl.hours else place.lstrip("，"))
    steps = [s for s in steps if s]
    if validity:
        steps.append(validity)
    limit = f"每人限领{cl.limit_per_person}{c.lure.unit if lure.kind in ('coupon', 'goods') else '份'}" \
        if cl.limit_per_person else ""
    stock = f"一共{cl.stock}{c.lure.unit if lure.kind in ('coupon', 'goods') else '份'}，领完为止" if cl.stock else ""
    how = {  # one clause: how it reaches the winner
        "ship": f"{delivery}",
        "pickup": f"到{where}自提" + (f"（{cl.hours}）" if cl.hours else ""),
        "in_store": f"到{where}就能用" + (f"（{cl.hours}）" if cl.hours else ""),
        "booking": delivery,
        "online": delivery,
    }[method]
    return {
        "method": method, "where": where, "hours": cl.hours, "validity": validity, "limit": limit,
        "stock": stock, "eligible": clean(cl.eligible), "not_reached": clean(cl.not_reached),
        "steps": steps, "steps_text": "；".join(steps), "how": how, "use_verb": _CLAIM_VERB[lure.kind],
        "is_store": method in ("pickup", "in_store"), "ships": method == "ship",
    }


def _mechanic(c: Campaign, thing: dict[str, str], days: list[dict[str, Any]]) -> dict[str, Any]:
    m = c.lure.mechanic
    base = {"kind": m.kind, "friends": None, "members": None, "condition": "", "quota": None,
            "per_person": m.kind in ("invite", "threshold"), "flash_at": "", "reply": ""}
    if m.kind == "invite":
        return {**base, "friends": m.friends, "task": f"拉{m.friends}位好友进群",
                "clause": f"拉{m.friends}位好友进群就送",
                "gets": f"拉{m.friends}位好友进群就送{thing['phrase']}",
                "when_done": f"拉满{m.friends}位好友",
                "short": f"拉{m.friends}人"}
    if m.kind == "group_goal":
        return {**base, "members": m.members, "task": f"群满{m.members}人",
                "clause": f"群满{m.members}人，每人都有",
                "gets": f"群满{m.members}人，全群每人{thing['each']}",
                "when_done": f"群满{m.members}人", "short": f"满{m.members}人"}
    if m.kind == "threshold":
        cond = clean(m.condition)
        return {**base, "condition": cond, "task": cond, "clause": f"{cond}就送",
                "gets": f"{cond}就送{thing['phrase']}",
                "when_done": f"{cond.removeprefix('在群里')}", "short": cond}
    day = days[m.day - 1]
    at = f"{day['short']}{hhmm_phrase(m.time)}"
    return {**base, "quota": m.quota, "reply": m.reply, "flash_day": m.day, "flash_time": m.time,
            "flash_at": at, "task": f"{at}在群里回复「{m.reply}」",
            "clause": f"{at}开抢，前{m.quota}位在群里回复「{m.reply}」的送",
            "gets": f"{at}开抢，前{m.quota}位在群里回复「{m.reply}」的送{thing['phrase']}",
            "when_done": f"抢到", "short": f"前{m.quota}位"}


def _voiced(c: Campaign, m: dict[str, Any], thing: dict[str, str], deadline: dict[str, str]) -> dict[str, str]:
    """The mechanic said by different people: a member about themself (mine), the operator to
    one person (you), and the offer in one line with its deadline (offer)."""
    kind, phrase = m["kind"], thing["phrase"]
    due = f"，{deadline['full']}截止"
    if kind == "invite":
        return {"mine": f"我拉了{m['friends']}个朋友进群，领到了{phrase}",
                "you": f"你拉{m['friends']}位好友进群就能领",
                "offer": f"{m['clause']}{due}", "offer_full": f"{m['gets']}{due}"}
    if kind == "group_goal":
        return {"mine": f"我已经进群了，群满{m['members']}人每人{thing['each']}",
                "you": f"群满{m['members']}人每人都有，你进来帮我们凑凑人数就好",
                "offer": f"{m['clause']}{due}", "offer_full": f"{m['gets']}{due}"}
    if kind == "threshold":
        cond = m["condition"]
        return {"mine": f"我在群里{cond.removeprefix('在群里')}，完成就能领{phrase}",
                "you": f"进群以后{cond.removeprefix('在群里')}就能领",
                "offer": f"{m['clause']}{due}", "offer_full": f"{m['gets']}{due}"}
    return {"mine": f"{m['flash_at']}开抢，前{m['quota']}位送{phrase}，我已经定好闹钟了",
            "you": f"{m['flash_at']}在群里回复「{m['reply']}」，前{m['quota']}位送",
            "offer": m["clause"], "offer_full": m["gets"]}


def _threshold_days(c: Campaign) -> int | None:
    m = c.lure.mechanic
    if m.kind != "threshold":
        return None
    hit = re.search(r"(\d+)\s*天", m.condition)
    return int(hit.group(1)) if hit else None


# ------------------------------------------------------------------ timeline --

def deadline_day(c: Campaign) -> int:
    """The campaign day (1-based) on which the lure closes."""
    n = c.group.duration_days
    if c.lure.deadline and c.group.start_date:
        return max(1, min(n, (c.lure.deadline - c.group.start_date).days + 1))
    if c.lure.mechanic.kind == "flash":
        return c.lure.mechanic.day
    return n


def _days(c: Campaign) -> list[dict[str, Any]]:
    n = c.group.duration_days
    k = deadline_day(c)
    need = _threshold_days(c)
    out = []
    for i in range(1, n + 1):
        d = c.group.start_date + dt.timedelta(days=i - 1) if c.group.start_date else None
        left = k - i  # whole days after today until the deadline day
        if left < 0:
            due = ""
        elif left == 0:
            due = "今天"
        elif left == 1:
            due = "明天"
        elif d:
            due = date_phrase(d + dt.timedelta(days=left))
        else:
            due = f"{left}天后"
        out.append({
            "n": i,
            "date": d.isoformat() if d else "",
            "label": date_phrase(d) if d else f"第{i}天",
            "short": short_date(d) if d else f"第{i}天",
            "weekday": f"周{WEEKDAYS[d.weekday()]}" if d else "",
            "is_first": i == 1, "is_last": i == n, "left_in_group": n - i,
            "is_deadline": i == k, "after_deadline": i > k, "deadline_left": max(left, -1),
            "due": due,  # 今天 / 明天 / 12月5日（周六） / 3天后 ; "" after the deadline
            # a threshold of N days can still be reached by someone starting today
            "reachable": need is None or i + need - 1 <= k,
        })
    return out


def _deadline(c: Campaign, days: list[dict[str, Any]]) -> dict[str, str]:
    k = deadline_day(c)
    if c.group.start_date:
        d = c.group.start_date + dt.timedelta(days=k - 1)
        return {"full": date_phrase(d), "short": short_date(d), "any": date_phrase(d)}
    n = c.group.duration_days
    rel = "活动最后一天" if k == n else f"活动第{k}天"
    return {"full": rel, "short": rel, "any": rel}


# ------------------------------------------------------------------ the voice --

def _voice(c: Campaign) -> dict[str, Any]:
    v = c.voice
    name, persona = v.name, v.persona
    generic = name in _GENERIC_NAMES
    # How the operator is named in a sentence: 林姐, 周学姐, but 小鹿护肤的小助手 for a role-name.
    me = name if not generic else f"{c.brand.name}的{name}"
    # The self-introduction: the operator's own line, or 我是{brand}的{persona}{name} — without
    # gluing a persona onto a name that already says it (宝妈 + 朵朵妈, 学姐 + 周学姐).
    glued = persona[-1] in name or generic
    role_name = name if glued else f"{persona}{name}"
    if v.intro:
        intro = clean(v.intro)
    elif name in c.brand.name:
        intro = f"我是{name}"
    else:
        intro = f"我是{c.brand.name}的{role_name}"
    short = clean(v.intro) if v.intro else f"我是{role_name}"
    level = v.emoji_level
    if v.trade_emoji is not None:
        trade = v.trade_emoji if level != "none" else ""
    else:
        trade = ""
    e = {k: Emoji(val if level != "none" else "") for k, val in LEAD_EMOJI.items()}
    e.update({k: Emoji(val if level == "many" else "") for k, val in DECOR_EMOJI.items()})
    e["trade"] = Emoji(trade)
    return {"persona": persona, "name": name, "address": v.address, "me": me, "intro": intro, "intro_short": short,
            "emoji": level != "none", "emoji_level": level, "e": e}


# ------------------------------------------------------------------ build --

def build_context(c: Campaign) -> dict[str, Any]:
    """The base context shared by every piece of one campaign."""
    g, lure = c.group, c.lure
    number = g.first_number
    full_name = (g.name[:-1] if g.name.endswith("群") else g.name) + f"{number}群"
    days = _days(c)
    thing = _thing(c)
    claim = _claim(c, thing)
    mech = _mechanic(c, thing, days)
    mech["reachable_days"] = _threshold_days(c)
    deadline = _deadline(c, days)
    mech.update(_voiced(c, mech, thing, deadline))
    voice = _voice(c)
    services = [{"what": clean(s.what), "when": clean(s.when), "text": f"{clean(s.when)}{clean(s.what)}",
                 "recurring": s.recurring, "day": s.day, "time": s.time} for s in g.services]
    regular = [s for s in services if s["recurring"]] or services
    proof = [clean(p) for p in lure.proof]
    dissolves = g.type in ("lead", "flash")
    return {
        "brand": {"name": c.brand.name, "sells": clean(c.brand.sells), "industry": c.brand.industry,
                  "industry_label": INDUSTRY_LABEL[c.brand.industry], "area": clean(c.brand.area)},
        "audience": {"identity": clean(c.audience.identity), "needs": [clean(n) for n in c.audience.needs]},
        "group": {
            "type": g.type, "type_label": GROUP_TYPE_LABEL[g.type], "is_lead": g.type == "lead",
            "dissolves": dissolves, "name": g.name, "number": number, "full_name": full_name,
            "duration_days": g.duration_days, "services": services, "regular": regular,
            "services_text": "；".join(s["text"] for s in services),
            "regular_text": join_cn([s["text"] for s in regular], "，还有"),
            "start": days[0]["label"], "end": days[-1]["label"], "end_short": days[-1]["short"],
            "has_dates": bool(g.start_date),
        },
        "lure": {
            "type": lure.kind, "item": lure.item, "unit": lure.unit, "quantity": fmt_num(lure.quantity),
            "phrase": thing["phrase"], "each": thing["each"], "name": thing["name"],
            "value": f"{fmt_num(lure.value_yuan)}元" if lure.value_yuan else "",
            "value_note": thing["value_note"], "relation": clean(lure.relation),
            "mechanic": mech, "deadline": deadline["full"], "deadline_short": deadline["short"],
            "deadline_day": deadline_day(c), "delivery": clean(lure.delivery), "claimed": lure.claimed or 0,
            "proof": proof, "claim": claim,
        },
        "rules": {"banned": list(c.rules.banned), "dont": [as_dont(b) for b in c.rules.banned],
                  "dont_text": "、".join(as_dont(b) for b in c.rules.banned),
                  "penalty": [clean(p) for p in c.rules.penalty],
                  "penalty_text": "，".join(clean(p) for p in c.rules.penalty)},
        "voice": voice,
        "e": voice["e"],
        "ph": dict(PLACEHOLDERS),
        "closing": {"next_step": clean(c.closing.next_step)},
        "occasion": clean(c.occasion),
        "days": days,
    }


def channel_context(ch: Channel) -> dict[str, Any]:
    return {"id": ch.id, "name": ch.name, "kind": ch.kind, "audience": clean(ch.audience)}


def _form_fits(form: str, t: Topic) -> bool:
    theme = t.theme
    if form == "vote":
        return len(t.options) >= 2
    if form == "photo":
        return any(h in theme for h in _PHOTO_HINTS)
    if form == "story":
        return any(h in theme for h in _STORY_HINTS)
    if form == "game":
        return bool(t.answer)
    if form == "relay":
        return bool(t.options or t.answer)
    if form == "auto-relay":
        return bool(t.options or t.answer) and any(h in theme for h in _RELAY_HINTS)
    return True


def topic_plan(c: Campaign) -> list[dict[str, Any]]:
    """One distinct topic a day while the bank lasts (never the same theme twice).

    A theme without a form gets the least-used form that fits it and differs from
    yesterday's: photos only for what can be photographed, games only with an answer,
    relays only with a first example, votes only with options.  A form set by the
    operator that cannot work as written (a game with no answer) becomes a question."""
    used = {f: 0 for f in TOPIC_FORMS}
    plan: list[dict[str, Any]] = []
    prev = None
    for day in range(1, min(c.group.duration_days, len(c.topics)) + 1):
        t: Topic = c.topics[day - 1]
        form = t.form
        if form is not None and not _form_fits(form, t) and form in ("game", "relay"):
            form = "question" if form == "relay" or not t.options else "vote"
        if form is None:
            allowed = [f for f in TOPIC_FORMS if _form_fits("auto-relay" if f == "relay" else f, t)]
            form = min(allowed, key=lambda f: (f == prev, used[f], _PREFERENCE.index(f)))
        used[form] += 1
        prev = form
        example = t.options[0] if t.options else clean(t.answer)
        plan.append({"theme": clean(t.theme), "options": list(t.options), "form": form,
                     "form_label": TOPIC_FORM_LABEL[form], "answer": clean(t.answer), "clue": clean(t.clue),
                     "example": example,
                     "letters": [f"{chr(65 + i)} {o}" for i, o in enumerate(t.options)]})
    return plan


def segment_context(c: Campaign, segment: str) -> dict[str, Any]:
    offer = clean(getattr(c.segments, segment).offer)
    if c.group.type != "fan" and segment.startswith("lapsed"):  # the group is gone: nobody can 回群
        offer = re.sub(r"^回群", "回来", offer)
    return {"id": segment, "offer": offer}


# ------------------------------------------------------------------ per piece --
# What one kind of piece needs beyond the base context: the sentences that depend on
# the day, the mechanic, the lure's type or the group's life are decided here.

_QUESTION_WORDS = ("吗", "什么", "怎么", "哪", "多少", "谁", "还是", "要不要", "是不是", "？", "?")
_ASKING_JI = re.compile(r"(?<![这那好前后头])几")  # 你喝几分糖 asks; 这几天 does not
_IMPERATIVE = ("说说", "聊聊", "分享", "晒晒", "晒", "推荐", "讲讲")
_RELAY_HINTS = ("最爱", "最喜欢", "推荐", "目标", "一件事", "妙招", "清单", "一本", "一句", "接龙")
# What the operator is doing right now, by how the lure reaches people (never 师傅 for a gym card).
_SCENE = {
    "ship": "我这边已经把{item}备好了，完成了马上安排",
    "pickup": "店里已经把{item}备好了",
    "in_store": "我这边都准备好了，到店报手机号就能用",
    "booking": "我这边时间都排好了，完成了就约",
    "online": "我这边都准备好了，完成了马上发",
}
_GROUP_LIFE = {"lead": "福利群", "flash": "限时福利群", "fan": "长期交流群"}


def _is_question(theme: str) -> bool:
    return any(w in theme for w in _QUESTION_WORDS) or bool(_ASKING_JI.search(theme))


def _after(t: str, minutes: int) -> str:
    h, m = (int(x) for x in t.split(":"))
    total = h * 60 + m + minutes
    return f"{total // 60 % 24:02d}:{total % 60:02d}"


def _today(day: dict[str, Any], has_dates: bool) -> str:
    return f"今天是{day['label']}" if has_dates else f"今天是活动{day['label']}"


def _nudge(base: dict[str, Any], day: dict[str, Any]) -> dict[str, str]:
    lure, m, v = base["lure"], base["lure"]["mechanic"], base["voice"]
    phrase, kind = lure["phrase"], m["kind"]
    due = day["due"]
    if kind == "invite":
        status = f"拉{m['friends']}位好友进群就送{phrase}"
        if lure["claimed"] and day["is_first"]:
            status += f"，已经有{lure['claimed']}人领到了"
        ask = "拉好友的进度怎么样了？"
        extra = "自己拉了几位不清楚的，私聊我，我帮你查"
    elif kind == "group_goal":
        status = f"群里现在{base['ph']['members']}人，满{m['members']}人每人{lure['each']}"
        ask = "群里人数凑得怎么样了？"
        extra = "身边有需要的朋友拉进来，我们早满早发"
    elif kind == "threshold":
        cond = m["condition"]
        if day["reachable"]:
            status = f"{cond}就送{phrase}，今天开始也来得及"
        else:
            status = f"已经在打卡的坚持住，{cond}就送{phrase}"
        ask = "今天打卡了吗？"
        extra = "漏了哪天不清楚的，私聊我查"
    else:
        today_flash = day["n"] == m["flash_day"]
        at = hhmm_phrase(m["flash_time"])
        status = (f"今天{at}开抢，前{m['quota']}位在群里回复「{m['reply']}」的送{phrase}" if today_flash
                  else f"{m['flash_at']}开抢，前{m['quota']}位在群里回复「{m['reply']}」的送{phrase}")
        ask = "开抢的闹钟定了吗？"
        extra = "到点在群里回复就行，我按回复顺序登记"
    how = lure["claim"]["how"] + (f"，{lure['claim']['limit']}" if lure["claim"]["limit"] else "")
    today = _today(day, base["group"]["has_dates"])
    if day["is_deadline"]:
        close = f"今天截止，{extra}。"
        countdown = f"{today}，福利今天截止。"
        title = "福利进度（今天截止）"
    elif day["deadline_left"] == 1:
        close = f"明天截止，{extra}。"
        countdown = f"{today}，福利明天就截止了。"
        title = "福利进度"
    else:
        close = f"{due}截止，{extra}。"
        countdown = f"{today}，离截止还有{day['deadline_left']}天。"
        title = "福利进度"
    scene = _SCENE[lure["claim"]["method"]].format(item=lure["name"])
    if kind == "group_goal":
        scene += "，就等群满"
    return {"status": status + "。", "how": how + "。", "close": close, "countdown": countdown,
            "ask": ask, "title": title, "scene": scene + "。"}


def _fulfil(base: dict[str, Any], slot_target: str) -> dict[str, Any]:
    lure, m, v, ph = base["lure"], base["lure"]["mechanic"], base["voice"], base["ph"]
    steps = list(lure["claim"]["steps"])
    if m["kind"] == "group_goal":
        opening = f"群满{m['members']}人了！谢谢每一位拉朋友进来的{v['address']}。"
        congrats = f"群满{m['members']}人啦，说到做到：每人{lure['each']}！"
        chat = f"{v['address']}，群满{m['members']}人了，每人{lure['each']}，接下来这样领："
        close = f"有问题私聊{v['name']}。"
    else:
        got = "抢到" if m["kind"] == "flash" else "领到"
        opening = f"{ph['nickname']}，恭喜你{got}了！"
        congrats = f"恭喜{ph['nickname']}，{lure['phrase']}是你的了！"
        chat = f"{ph['nickname']}，你的{lure['phrase']}我这边登记好了，接下来这样："
        close = f"有问题直接回我，{v['name']}都在。"
    return {"opening": opening, "congrats": congrats, "chat": chat, "close": close,
            "steps": steps, "steps_text": "；".join(steps)}


def _welcome(base: dict[str, Any], channel: dict[str, Any] | None) -> dict[str, str]:
    lure, g = base["lure"], base["group"]
    who = (channel or {}).get("audience", "")
    offer = f"这几天在送{lure['phrase']}：{lure['mechanic']['offer']}" if g["dissolves"] else ""
    return {"from": Opt(f"是{who}吧～" if who else ""), "offer": Opt(offer)}


def _private(base: dict[str, Any]) -> dict[str, Any]:
    b = base["brand"]
    # After "加林姐微信，" the rest of the next step is what the operator keeps doing one-to-one.
    rest = re.sub(r"^(?:加[^，,]{1,12}(?:微信|好友)|留在群里|关注[^，,]{1,12})[，,]?", "", base["closing"]["next_step"])
    offer = (f"以后{rest}，" if rest else "") + f"{b['sells']}的事也可以直接问我。"
    return {
        "offer": offer,
        "asks": [*base["audience"]["needs"][:3], "先随便看看"],
        "steps": [f"问{b['sells']}的事，直接发消息就行", "想知道最近有什么活动，回我「活动」两个字",
                  "不方便打字就发语音，我看到都会回"],
    }


def _rules(base: dict[str, Any]) -> dict[str, str]:
    g, lure, b = base["group"], base["lure"], base["brand"]
    first = g["regular"][0]["what"]
    purpose = f"这是{b['name']}开的{_GROUP_LIFE[g['type']]}，{first}都在这里发。"
    offer = f"这几天还在送{lure['phrase']}：{lure['mechanic']['offer']}" if g["dissolves"] else \
        f"现在还在送{lure['phrase']}：{lure['mechanic']['offer']}"
    if g["dissolves"]:
        life = f"群开到{g['end']}，之后解散；以后{base['closing']['next_step']}。"
    else:
        life = "这个群长期保留，不解散。"
    return {"purpose": purpose, "offer": offer, "life": life}


def _closing(base: dict[str, Any], day: dict[str, Any]) -> dict[str, str]:
    g, lure, m = base["group"], base["lure"], base["lure"]["mechanic"]
    today = f"{_today(day, g['has_dates'])}，活动最后一天"
    if m["kind"] == "group_goal":
        reward = f"群满{m['members']}人，每人{lure['each']}，{lure['claim']['how']}"
        if lure["claim"]["not_reached"]:
            reward += f"；没满的话，{lure['claim']['not_reached']}"
    else:
        got = "抢到" if m["kind"] == "flash" else "领到"
        reward = f"{got}{lure['phrase']}的，{lure['claim']['how']}"
    if g["type"] == "fan":
        life = "这个群不解散，大家不用退群"
    else:
        life = "这个群明天解散，要存的图和消息今晚存好"
    return {"today": today, "reward": reward, "group": life}


def _topic(topic: dict[str, Any], time: str | None) -> dict[str, Any]:
    theme = topic["theme"]
    if _is_question(theme):
        q = "" if theme.endswith(("？", "?")) else "？"
    elif theme.startswith(_IMPERATIVE):
        q = "～"
    elif topic["form"] == "vote":
        q = "，你选哪个？"
    elif topic["form"] == "game":
        q = "，猜猜是什么？"
    else:
        q = "，你的答案是？" if theme.startswith("你") else "，你的呢？"
    reveal_at = _after(time or "20:00", 60)
    reveal = "明天中午" if reveal_at >= "22:00" or reveal_at < "08:00" else hhmm_phrase(reveal_at)
    photo = f"{theme}！" if theme.startswith("晒") else f"主题是「{theme}」"
    return {**topic, "q": Opt(q), "reveal": reveal, "photo_line": photo}


def _wake(base: dict[str, Any], seed: int, slot_id: str) -> dict[str, str]:
    return {"ask_active": choose(seed, f"{slot_id}|ask", ["新朋友进群时帮忙回一句欢迎", "每天的话题帮忙起个头",
                                                          "看到群友的问题，知道的帮忙答一句"])}


def _recall(base: dict[str, Any]) -> dict[str, str]:
    g, b = base["group"], base["brand"]
    if g["dissolves"]:
        return {"back": f"之前的群已经解散了，我们还在做{b['sells']}，有新活动会先告诉你。",
                "news": f"还在做{b['sells']}，{g['regular_text']}这些照常"}
    return {"back": f"群里{g['regular_text']}都还在，回群看看就行。", "news": f"群里{g['regular_text']}照常"}


def piece_context(kind: str, base: dict[str, Any], extra: dict[str, Any], day: dict[str, Any] | None,
                  time: str | None, target: str, seed: int, slot_id: str) -> dict[str, Any]:
    """The kind-specific part of one piece's context."""
    if kind == "lure.nudge" and day:
        return {"nudge": _nudge(base, day)}
    if kind == "lure.fulfilment":
        return {"fulfil": _fulfil(base, target)}
    if kind == "welcome.group":
        return {"welcome": _welcome(base, extra.get("channel"))}
    if kind == "welcome.private":
        return {"private": _private(base)}
    if kind == "rules":
        return {"rules_ctx": _rules(base)}
    if kind == "closing" and day:
        return {"closing_ctx": _closing(base, day)}
    if kind == "topic":
        return {"topic": _topic(extra["topic"], time)}
    if kind.startswith("wakeup."):
        return {"wake": _wake(base, seed, slot_id)}
    if kind.startswith("recall."):
        return {"recall": _recall(base)}
    return {}
