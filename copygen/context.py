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
    "winners": "%WINNERS%",  # a flash sale's list of winners, posted to the whole group
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


def _label(what: str, when: str) -> str:
    """A service's name as it can sit in a sentence: 每天早上8点半 + 每日一个快捷键，附动图 →
    一个快捷键 (the frequency is in `when`; the note after the comma is for the full notice)."""
    name = re.split(r"[，,；;（(]", clean(what), maxsplit=1)[0] or clean(what)
    if re.match(r"^每", clean(when)):
        name = re.sub(r"^(?:每日|每天|每晚|每周)", "", name) or name
    return name


_ACTIVITY = ("答疑", "直播", "点评", "共读", "接龙", "课", "带练", "团购", "选品", "讲解", "打卡", "游戏", "预约", "分享",
             "播报", "提醒", "咨询", "义诊", "体验", "活动", "跟练")


def _verb(what: str) -> str:
    """发 before what is posted (当天空档时间, 一个快捷键); nothing before what happens (育儿答疑, 真题直播,
    南门广场现场咨询，免费帮磨菜刀: the first clause says what it is)."""
    head = re.split(r"[，,；;]", what, maxsplit=1)[0]
    happens = any(w in head for w in _ACTIVITY) or bool(re.search(r"现场|线下|广场", head))
    posted = what.startswith("发") and not what.startswith(("发型", "发质"))  # 发型小建议 is still posted
    return "" if happens or posted else "发"


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
    part = "早上" if h < 9 else "上午" if h < 12 else "中午" if h < 13 else "下午" if h < 18 else "晚上"
    h12 = h if h <= 12 else h - 12
    return f"{part}{h12}点" + ("" if m == 0 else "半" if m == 30 else f"{m}分")


# ------------------------------------------------------------------ events --
# "每周二、周四晚7点", "每天晚上8点到9点", "5月19日中午12点": when a service happens, read off the
# operator's own words so no broadcast lands on top of it.

_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
           "十一": 11, "十二": 12}
_TIME = re.compile(r"(早上|上午|中午|下午|傍晚|晚上|晚|夜里)?\s*(\d{1,2}|十[一二]?|[一二两三四五六七八九])"
                   r"(?:[:：](\d{2})|点(半|(\d{1,2})分?)?)")
_WEEKDAY_SET = re.compile(r"(?:每)?周([一二三四五六日天](?:[、和,，及]周?[一二三四五六日天])*)")
_DATE = re.compile(r"(\d{1,2})月(\d{1,2})[日号]")


def _clock(m: re.Match) -> int:
    part, h = m.group(1) or "", m.group(2)
    hour = int(h) if h.isdigit() else _CN_NUM[h]
    minute = int(m.group(3)) if m.group(3) else 30 if m.group(4) == "半" else int(m.group(5) or 0)
    if part in ("下午", "傍晚", "晚上", "晚", "夜里") and hour < 12:
        hour += 12
    return hour * 60 + minute


def parse_when(when: str, start: dt.date | None, days: int) -> list[tuple[int, int, int]]:
    """The campaign days and minutes a service occupies: [(day, start_min, end_min)].

    Days: 每天/每晚 → all; 每周三 / 每周二、周四 → those weekdays (needs a start date);
    5月19日 → that date. Times: the first clock time, to the second one if a range is given
    (晚上8点到9点), else an hour.  Nothing is returned when no time can be read."""
    times = list(_TIME.finditer(when))
    if not times:  # 每天中午发音小游戏: the part of day stands for its usual hour
        part = re.search(r"早上|上午|中午|下午|傍晚|晚上", when)
        if not part:
            return []
        times = list(_TIME.finditer(part.group(0) + {"早上": "8点", "上午": "10点", "中午": "12点", "下午": "3点",
                                                        "傍晚": "6点", "晚上": "8点"}[part.group(0)]))
    t0 = _clock(times[0])
    t1 = _clock(times[1]) if len(times) > 1 else t0 + 60
    if len(times) == 1 and when[times[0].end():times[0].end() + 1] == "前":  # 晚上9点前: until 9
        t0, t1 = t0 - 120, t0
    if len(times) > 1 and t1 <= t0 and t1 < 12 * 60:  # 晚上8点到9点: the second inherits the part of day
        t1 += 12 * 60
    if t1 <= t0:
        t1 = t0 + 60
    picked: list[int]
    date = _DATE.search(when)
    wk = _WEEKDAY_SET.search(when)
    if date and start:
        d = dt.date(start.year, int(date.group(1)), int(date.group(2)))
        n = (d - start).days + 1
        picked = [n] if 1 <= n <= days else []
    elif wk and "每天" not in when:
        if not start:
            return []
        wanted = {"一二三四五六日".index("日" if ch == "天" else ch) for ch in re.findall(r"[一二三四五六日天]", wk.group(1))}
        picked = [n for n in range(1, days + 1) if (start + dt.timedelta(days=n - 1)).weekday() in wanted]
    else:
        picked = list(range(1, days + 1))
    return [(n, t0, t1) for n in picked]


_GATHERS = re.compile(r"直播|课|答疑|带练|跟练|共读|点评|讲[字题解]|连麦|分享会|讲座|开汤|现场")


def events(c: Campaign) -> list[dict[str, Any]]:
    """The campaign's own timed events, per day: live classes, one-off talks, a flash sale."""
    out: list[dict[str, Any]] = []
    n = c.group.duration_days
    for s in c.group.services:
        if s.time:
            h, m = (int(x) for x in s.time.split(":"))
            days = [s.day] if not s.recurring and s.day else [d for d, _, _ in parse_when(s.when, c.group.start_date, n)] \
                or list(range(1, n + 1))
            spans = [(d, h * 60 + m, h * 60 + m + 60) for d in days]
        else:
            spans = parse_when(s.when, c.group.start_date, n)
            if not s.recurring and s.day:
                spans = [(s.day, a, b) for _, a, b in spans[:1]]
        out += [{"day": d, "time": f"{a // 60:02d}:{a % 60:02d}", "until": f"{min(b, 1439) // 60:02d}:{min(b, 1439) % 60:02d}",
                 "what": _label(s.what, s.when), "when": clean(s.when),
                 # a live, a class, a Q&A: members gather for it (a posted list or tip they just read)
                 "gathers": bool(_GATHERS.search(s.what)),
                 # how the time is said: 晚上8点, or 晚上9点前 when the operator gave an end
                 "at": f"{hhmm_phrase(f'{b // 60:02d}:{b % 60:02d}')}前" if "点前" in s.when and not s.time
                 else hhmm_phrase(f"{a // 60:02d}:{a % 60:02d}")} for d, a, b in spans]
    m = c.lure.mechanic
    if m.kind == "flash":
        h, mi = (int(x) for x in m.time.split(":"))
        end = h * 60 + mi + 30  # 前50位 is over in minutes: half an hour covers the grab and the replies
        out.append({"day": m.day, "time": m.time, "until": f"{end // 60:02d}:{end % 60:02d}",
                    "what": f"开抢（前{m.quota}位）", "when": m.time, "at": hhmm_phrase(m.time), "gathers": False})
    return sorted(out, key=lambda e: (e["day"], e["time"]))


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
    """``say.<pool>`` in a template: one phrasing of the pool, fixed by (seed, piece, pool).

    With a pack-wide ``registry`` (pool → phrasings already placed), a piece takes the first
    phrasing no earlier piece used, starting from its seeded choice, so a stock line such as
    「手机随手拍就行」 comes back only once every phrasing of its pool has been used.  What one
    render used is in ``picked``; the pack commits it for the variant it keeps (``commit``)."""

    def __init__(self, seed: int, piece: str, fields: dict[str, str],
                 registry: dict[str, set[str]] | None = None):
        super().__init__()
        self._seed, self._piece, self._fields = seed, piece, fields
        self._registry = registry
        self.picked: dict[str, str] = {}
        self._settled: dict[str, str] = {}

    def __getitem__(self, pool: str) -> str:
        return self.fill(pool)

    def fill(self, pool: str, **extra: str) -> str:
        """A phrasing with slots of its own: ``say.fill('reveal_when', when='明天中午12点')``."""
        options = [o.format(**self._fields, **extra) for o in phrase_pools()[pool]]
        first = options.index(choose(self._seed, f"{self._piece}|{pool}", options))
        ring = options[first:] + options[:first]
        taken = self._registry.get(pool, set()) if self._registry is not None else set()
        said = next((o for o in ring if o not in taken), ring[0])
        self.picked[pool] = said
        return said

    def __getattr__(self, pool: str) -> str:
        if pool.startswith("_"):
            raise AttributeError(pool)
        return self[pool]

    def __contains__(self, pool: object) -> bool:
        return pool in phrase_pools()

    def begin(self) -> None:
        """Start a render: what the context already chose for this piece stays chosen."""
        self.picked = dict(self._settled)

    def settle(self) -> None:
        """The context's own choices (made before any render) belong to every variant."""
        self._settled = dict(self.picked)

    def commit(self, picked: dict[str, str]) -> None:
        if self._registry is not None:
            for pool, said in picked.items():
                self._registry.setdefault(pool, set()).add(said)


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
                "value_note": Opt(f"（价值{value}元）" if value and f"{value}元" not in lure.relation else "")}
    phrase = f"{_amount(qty, lure.unit)}{lure.item}"
    if value and value in lure.relation:  # 和我们平时129元的那项是同一个: the price is already said
        value = ""
    return {"phrase": phrase, "each": phrase, "name": lure.item,
            "value_note": Opt(f"（价值{value}元）" if value else "")}


def _claim(c: Campaign, thing: dict[str, str]) -> dict[str, Any]:
    lure, cl = c.lure, c.lure.claim
    method = lure.claim_method
    # the place is the first clause; what the operator adds after it (同城配送下单也能抵) is a note on use
    place, _, note = clean(cl.where).replace(",", "，").partition("，")
    where = place or (f"{c.brand.name}门店" if method in ("pickup", "in_store") else "")
    validity = ""
    if cl.valid_until:
        validity = f"{short_date(cl.valid_until)}前有效"
    elif cl.valid_days:
        validity = f"领到后{cl.valid_days}天内有效"
    floor = re.search(r"满(\d+)元", lure.relation + lure.item) if lure.kind == "coupon" else None
    # a voucher's floor (满99元抵30) is a condition at the till: the winner hears it with the validity
    validity = "，".join(x for x in (f"满{floor.group(1)}元可用" if floor else "", validity, note) if x)
    delivery = clean(lure.delivery)
    n = cl.limit_per_person
    if not n:
        limit = ""
    elif lure.kind in ("goods", "coupon"):
        limit = f"每人限领{n}{lure.unit}" if lure.unit in _COUNT_UNITS else f"每人限领{n}份"
    elif lure.item.endswith("卡"):
        limit = f"每人限领{n}张"
    elif lure.kind == "digital":
        limit = f"每人限领{n}份"
    else:
        limit = f"每人限{n}次"
    if re.search(r"一家|每户|每家|一户", cl.eligible):  # 一家一份 is the limit: never 每人 next to it
        limit = ""
    stock_unit = lure.unit if lure.kind in ("coupon", "goods") and lure.unit in _COUNT_UNITS else "份"
    stock = (f"一共{cl.stock}个名额，约满为止" if lure.kind in ("service", "course") else
             f"一共{cl.stock}{stock_unit}，领完为止") if cl.stock else ""
    rush = {"ship": "早满早发", "pickup": "早满早领", "booking": "早满早约", "in_store": "早满早用",
            "online": "早满早发"}[method]
    nxt = [x for x in _next_steps(c, method, where, cl.hours, validity) if x]
    how = {  # one clause: how it reaches the winner
        "ship": delivery,
        "pickup": f"到{where}{'领' if where.endswith('自提点') else '自提'}" + (f"（{cl.hours}）" if cl.hours else ""),
        "in_store": _at_place(delivery, where) if _redeems(delivery) else
                    f"到{where}结账时出示券码就能抵" if lure.kind == "coupon" else
                    _shown_at(_first_person(delivery, c.voice.persona), where) if _sends_coupon(delivery)
                    else f"到{where}报手机号就能用",
        "booking": delivery,
        "online": delivery,
    }[method]
    how = _first_person(how, c.voice.persona, c.brand.name)
    return {
        "method": method, "where": where, "hours": cl.hours, "validity": validity, "limit": limit,
        "stock": stock, "eligible": clean(cl.eligible), "who_can": who_can(clean(cl.eligible)),
        "not_reached": clean(cl.not_reached),
        "how": how, "rush": rush, "next": nxt, "next_text": "；".join(nxt),
    }


def _redeems(delivery: str) -> bool:
    """The operator already says how it is used at the shop (到店报车牌就能用 / 到店点单时给服务员看)."""
    return bool(re.search(r"到店[^，,。]*(?:报|出示|用|给[^，,。]{0,4}看)", delivery))


def _at_place(delivery: str, where: str) -> str:
    """Their own redemption words, with the shop named once: 到店报车牌 → 到南湖路…亮哥汽车美容报车牌."""
    return delivery.replace("到店", f"到{where}", 1) if where and where not in delivery else delivery


_REDEEMS = re.compile(r"给[^，,。]{0,4}看|出示|报[^，,。]{1,6}(?:就能|即可)?用")


def _shown_at(delivery: str, where: str) -> str:
    """The code is sent, then shown: one clause for the showing.  A delivery that already says
    how it is shown (到店点单时给服务员看) names the place there, never a second 到…出示就能用."""
    if _REDEEMS.search(delivery):
        return _at_place(delivery, where)
    return f"{delivery}，到{where}出示就能用"


def _own_way(delivery: str, where: str, at: str, validity: str) -> list[str]:
    """Steps in the operator's own redemption words: the shop named inside them, or as an address."""
    if "到店" in delivery:
        return [_at_place(delivery, where) + at, validity]
    return [delivery, f"地址：{where}{at}", validity]


def _sends_coupon(delivery: str) -> bool:
    """The operator sends a voucher or a code (完成后我私聊发你一张到店券 / 私发核销码): the winner shows it."""
    return "券" in delivery or bool(re.search(r"核销码|兑换码|券码|验证码", delivery))


def who_can(eligible: str) -> str:
    """Who may claim, as a clause: 格林小城的业主和租户，每户一次 → 格林小城的业主和租户可以领，每户一次."""
    cut = re.search(r"[，,；;]", eligible)
    head, rest = (eligible[:cut.start()], eligible[cut.start():]) if cut else (eligible, "")
    if not eligible or "领" in head:
        return eligible
    if re.match(r"^(?:每|限|仅|一个|一[家户人])", head):  # 一个收货地址一盒 is a limit, not who may claim
        return eligible
    if _USE_CONDITION.search(head):  # 2人及以上来店里堂食的朋友: a rule at the table, not on who claims
        return _rule_only(head) + f"才能用{rest}"
    return f"{head}可以领{rest}"


_COUNT_UNITS = ("张", "袋", "盒", "份", "个", "瓶", "包", "罐", "支", "本", "套", "件", "箱", "杯", "斤")


def _next_steps(c: Campaign, method: str, where: str, hours: str, validity: str) -> list[str]:
    """What a winner does next, by how the lure reaches them — never the condition again."""
    lure = c.lure
    at = f"（{hours}）" if hours else ""
    delivery = _first_person(clean(lure.delivery), c.voice.persona)
    if method == "ship":
        if lure.mechanic.kind == "threshold" and "下单" in lure.mechanic.condition:  # the order has the address
            return [f"加送的{lure.item}和你的订单装一箱一起发", delivery]
        track = "，寄出后我把单号发你" if any(w in delivery for w in ("寄", "快递", "包邮")) else ""
        if re.search(r"报地址|地址(?:私信)?发|发[^，,。]{0,2}地址", delivery):  # 抢到的私聊报地址: asked once
            return [f"{delivery}{track}"]
        return ["把收货人、电话和地址私信发我", f"{delivery}{track}"]
    if method == "pickup":
        window = re.search(r"(\d+)\s*天内", delivery)
        keep = f"，{window.group(1)}天内来领都行" if window else \
            f"，{validity.replace('领到后', '').replace('有效', '')}来领都行" if validity else ""
        # 群满后第二天早上8点起: said relative to the goal, so it stays true whenever the group fills
        start = re.search(r"^(.*?(?:第二天|次日))((?:早上|上午|中午|下午|晚上)?\d{1,2}点半?)?起", delivery)
        when = f"{start.group(1)}{start.group(2) or ''}起" if start else ""
        said = re.search(r"报([^，,。；;领到]{1,5})", delivery)  # 报群昵称领 / 报手机号领取
        ident = said.group(1) if said else "群昵称" if lure.mechanic.kind == "flash" else "手机号"  # 抢 was a group reply
        place = _first_person(where, c.voice.persona, c.brand.name)  # 团长家门口 in 王姐's mouth: 我家门口
        first = [f"{lure.item}{delivery}"] if delivery.startswith(("和", "跟", "随")) else []
        return first + [f"{when}到{place}报{ident}就能领{at}{keep}"]
    if method == "in_store":
        if lure.kind == "coupon":
            if _redeems(delivery):  # 到店报车牌就能用: their own way to redeem, with the shop named
                return _own_way(delivery, where, at, validity)
            return [delivery, f"到{where}结账时出示券码就能抵{at}", validity]
        if _sends_coupon(delivery):  # the voucher (or code) is the operator's next move, then the visit
            shown = "核销码" if "码" in delivery and "券" not in delivery else "券"
            if re.search(r"给[^，,。]{0,4}看|出示|报", delivery):  # 到店点单时给服务员看: already said
                return _own_way(delivery, where, at, validity)
            return [delivery, f"到{where}出示{shown}就能用{at}", validity]
        return ["把手机号发我，我先给你登记好", f"到{where}报手机号就能用{at}", validity]
    if method == "booking":
        if lure.kind == "course":
            calls = "电话" in delivery
            ask = ("把孩子的年龄、你的电话和方便上课的时间发我" if calls else "把孩子的年龄和方便上课的时间发我") \
                if c.brand.industry in ("education", "baby") and "孩子" in (c.audience.who + c.lure.claim.eligible) \
                else "把电话和方便上课的时间发我" if calls else "把方便上课的时间发我"
            if re.search(r"私聊|联系你|约你", delivery):  # the operator reaches out: nothing to send first
                return [delivery, validity]
            return [ask, delivery, validity]
        if re.search(r"私聊我|私信我|发我|报[^，,。]{1,12}给我", delivery):  # the delivery asks for it already: once
            return [delivery, validity]
        home = "上门" in (where + lure.delivery + c.brand.sells)
        first = "把楼号、房号和电话私信发我" if home else "把电话和方便的时间私信发我"
        return [first, delivery, validity]
    when = "今晚" if "当晚" in delivery or "今晚" in delivery else "1小时内" if "1小时" in delivery else "尽快"
    return [f"我{when}私发给你，收到回我一声"]


_AT_DONE = ((re.compile(r"^[^，,]*?(?:满|完成|结束)[^，,]*?后?(?:第二天|次日)"), "明天"),
            (re.compile(r"^[^，,]*?(?:满|完成|抢到)[^，,]*?当晚"), "今晚"),
            (re.compile(r"^[^，,]*?(?:满|完成)[^，,]*?当天"), "今天"),
            (re.compile(r"^[^，,]*?(?:满|完成)[^，,]*?后(?=[^，,]*?(?:内|马上|立刻|就))"), ""),
            (re.compile(r"^(?:群满|完成)后"), ""),
            (re.compile(r"^(?:抢到|领到)的(?:人|朋友)?[，,]?"), ""))  # 抢到的私聊报地址, said to the winner


def at_done(text: str) -> str:
    """The delivery line said at the moment it applies: 群满后第二天起到店领 → 明天起到店领, 完成当晚 → 今晚.
    A line that depends on the hour (下午4点前完成的当天送，之后的第二天送) is a rule, said as it is."""
    if re.search(r"\d{1,2}点(?:半)?(?:以)?前", text):  # to the one who just finished: 今天 / 明天
        return text.replace("当天", "今天").replace("第二天", "明天")
    for pattern, said in _AT_DONE:
        hit = pattern.match(text)
        if hit:  # 邀满2位后我当天打电话 → 我今天打电话: the subject stays
            who = "我" if "我" in hit.group(0) and said else ""
            return who + said + text[hit.end():]
    return text


# Said inside a private chat, "privately" is noise and the group may be gone by the time it applies.
_IN_PRIVATE = ((re.compile(r"私信发我|私聊发我"), "发我"), (re.compile(r"私聊发你|私发给你"), "发给你"),
               (re.compile(r"私聊(?:我)?报([^，,。；;]+)"), r"把\1发我"),  # 私聊我报孩子名字 → 把孩子名字发我
               (re.compile(r"(?<!我)私发([^，,。；;给你]+)"), r"我把\1发你"),  # 当晚私发核销码 → 当晚我把核销码发你
               (re.compile(r"我私发([^，,。；;给你]+)"), r"我把\1发你"),
               (re.compile(r"私聊你"), "跟你说"),
               # 单号晚上群里发: the group may be dissolved when the number comes
               (re.compile(r"((?:单号|名单|结果|链接|券码|核销码)?)(?:晚上|当晚|今晚)?(?:在)?群里(?:发|公布|说)"),
                r"\1出来我发你"))


def in_private(step: str) -> str:
    """A step said inside a private chat: 发我, not 私信发我; 我把核销码发你, not 私发核销码;
    单号出来我发你, never 单号晚上群里发."""
    for pattern, said in _IN_PRIVATE:
        step = pattern.sub(said, step)
    return step


def not_mine(text: str, name: str, brand: str = "") -> str:
    """The operator's words in someone else's mouth: 有事直接过来找我 → 找王姐; with ``brand`` (a
    member's post) also 今年没在我们这洗过牙的 → 没在美乐口腔洗过牙的."""
    if brand:
        text = re.sub(r"我们(?:这里|这儿|这|店里|店|家)?", brand, text)
    return re.sub(r"我(?!们)", name, text) if name else text


def _first_person(text: str, persona: str, brand: str = "") -> str:
    """The operator's own words about their role: 课程顾问打电话约课 → 我打电话约课 (never inside
    the brand's name: 阿青理发 stays)."""
    if len(persona) < 2:
        return text
    if brand and persona in brand:
        return brand.join(part.replace(persona, "我") for part in text.split(brand))
    return text.replace(persona, "我")


_COND_FRAME = re.compile(r"^(?:活动期间|这几天|活动里|期间)?[，,]?(?:在群里|群里)?")


def _act(condition: str) -> str:
    """What a member does, without the frame: 活动期间在群里下单满59元 → 下单满59元."""
    return _COND_FRAME.sub("", condition) or condition


_PREDICATE = ("能", "都", "是", "一样", "用", "有")


def _seed_said(relation: str, name: str) -> str:
    """The relation as a whole sentence in a member's mouth: the operator writes a noun phrase
    (店里卖得好的那款补水面膜) or a comparison (和店里38元的洗剪吹一样); a member says
    这次送的面膜，就是店里卖得好的那款…, never 听X说，<noun phrase>."""
    if not relation:
        return ""
    if relation.startswith(("和", "跟", "与", "比")):  # 这次送的和店里38元的洗剪吹一样 (the name is in it)
        return f"这次送的{relation}" if name in relation else f"这次送的{name}{relation}"
    first = re.split(r"[，,；;]", relation, maxsplit=1)[0]
    if "就是" in relation:  # 送的就是……就是同一份: said once
        return f"这次送的{name}，{relation}"
    if "的" in first and not any(w in first for w in _PREDICATE):
        # 这次送的就是店里这周主推的JJ级智利车厘子: the name is already in the relation
        shared = any(name[i:i + 2] in first for i in range(len(name) - 1))  # 纸尿裤试用装 / 那款纸尿裤
        return f"这次送的就是{relation}" if shared or first.endswith(("那款", "那批", "那种")) \
            else f"这次送的{name}，就是{relation}"
    return f"这次送的{name}，{relation}"


def _relation_line(relation: str, name: str) -> str:
    """The relation as a poster line: a noun phrase or a comparison gets its 送的 (送的就是团里卖的那批
    农家土鸡蛋); a clause that already says something stays as written."""
    said = _seed_said(relation, name)
    if said.startswith(f"这次送的{name}，") and not said.startswith(f"这次送的{name}，就是"):
        return relation
    return said.removeprefix("这次")


def _per(c: Campaign) -> str:
    """每户 when the campaign gives one per household (每户一次), else 每人."""
    return "每户" if "每户" in c.lure.claim.eligible else "每人"


def _mechanic(c: Campaign, thing: dict[str, str], days: list[dict[str, Any]]) -> dict[str, Any]:
    m = c.lure.mechanic
    base = {"kind": m.kind, "per": _per(c), "friends": None, "members": None, "condition": "", "quota": None,
            "per_person": m.kind in ("invite", "threshold"), "flash_at": "", "reply": ""}
    if m.kind == "invite":
        return {**base, "friends": m.friends, "task": f"拉{m.friends}位好友进群",
                "clause": f"拉{m.friends}位好友进群就送",
                "gets": f"拉{m.friends}位好友进群就送{thing['phrase']}",
                "when_done": f"拉满{m.friends}位好友",
                "short": f"拉{m.friends}人"}
    if m.kind == "group_goal":
        return {**base, "members": m.members, "task": f"群满{m.members}人",
                "clause": f"群满{m.members}人，{'每户' if '每户' in c.lure.claim.eligible else '每人'}都有",
                "gets": f"群满{m.members}人，全群{_per(c)}{thing['each']}",
                "when_done": f"群满{m.members}人", "short": f"满{m.members}人"}
    if m.kind == "threshold":
        cond = clean(m.condition)
        return {**base, "condition": cond, "task": cond, "clause": f"{cond}就送",
                "gets": f"{cond}就送{thing['phrase']}",
                # 已经连续打卡3天的朋友: the core act only, the how (每天发一张…) stays in the notice
                "when_done": re.split(r"[，,；;（(]", _act(cond), maxsplit=1)[0], "short": cond}
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
        return {"due": f"{deadline['full']}截止", "due_short": f"{deadline['short']}截止",
                # on day 1 nobody has it yet: the seed member is on the way, which is also the ask
                "mine": (f"我已经拉了{m['friends'] - 1}个朋友进群，再拉1个就能领{phrase}" if m["friends"] > 1
                         else f"我拉1个朋友进群就能领{phrase}"),
                "you": f"你拉{m['friends']}位好友进群就能领",
                "offer": f"{m['clause']}{due}", "offer_full": f"{m['gets']}{due}"}
    if kind == "group_goal":
        return {"due": f"{deadline['full']}截止", "due_short": f"{deadline['short']}截止",
                "mine": f"我已经进群了，群满{m['members']}人{_per(c)}送{thing['each']}",
                # never 进群就有份: nothing is given if the group does not fill
                "you": f"拉身边的朋友进群，凑满{m['members']}人{_per(c)}都有",
                "offer": f"{m['clause']}{due}", "offer_full": f"{m['gets']}{due}"}
    if kind == "threshold":
        cond = m["condition"]
        return {"due": f"{deadline['full']}截止", "due_short": f"{deadline['short']}截止",
                "mine": f"我在群里{_act(cond)}，完成就能领{phrase}" if "打卡" in cond else
                        f"群里{_act(cond)}就送{phrase}，我已经在群里了",
                "you": f"进群以后{_act(cond)}就能领",
                "offer": f"{m['clause']}{due}", "offer_full": f"{m['gets']}{due}"}
    return {"due": f"{m['flash_at']}开抢", "due_short": f"{m['flash_at']}开抢",
            "mine": f"{m['flash_at']}开抢，前{m['quota']}位送{phrase}，我已经定好闹钟了",
            "you": f"开抢时在群里回复「{m['reply']}」，前{m['quota']}位送",  # the time is said by `due`
            "offer": m["clause"], "offer_full": m["gets"]}


def _threshold_days(c: Campaign) -> int | None:
    m = c.lure.mechanic
    if m.kind != "threshold":
        return None
    # 21天里打卡满18天: 18 days of check-ins are needed, not 21 (the last number of days said)
    hits = re.findall(r"(\d+)\s*天", m.condition)
    return int(hits[-1]) if hits else None


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
    short = re.sub(f"{re.escape(c.brand.name)}的?", "", clean(v.intro), count=1) if v.intro else f"我是{role_name}"
    # 这里是麦香坊烘焙……我是麦香坊的芳姐: the welcome has just said the brand, its short name too
    prefixes = [c.brand.name[:k] for k in range(len(c.brand.name) - 1, 1, -1)]
    for head in prefixes:
        if f"{head}的" in short:
            short = short.replace(f"{head}的", "", 1)
            break
    if not v.intro and name in c.brand.name:  # 这里是周学姐考研……我就是周学姐
        short = f"我就是{name}"
    # who I am, in one clause: a recall to someone who knows us needs no sales line (约号、改时间都找我)
    name_only = re.split(r"[，,；;。]", intro, maxsplit=1)[0]
    short = short.replace("你们", "你")  # said to one person (the add-friend welcome)
    level = v.emoji_level
    if v.trade_emoji is not None:
        trade = v.trade_emoji if level != "none" else ""
    else:
        trade = ""
    e = {k: Emoji(val if level != "none" else "") for k, val in LEAD_EMOJI.items()}
    e.update({k: Emoji(val if level == "many" else "") for k, val in DECOR_EMOJI.items()})
    e["trade"] = Emoji(trade)
    return {"persona": persona, "name": name, "address": v.address, "me": me, "intro": intro, "intro_short": short, "intro_name": name_only,
            "emoji": level != "none", "emoji_level": level, "e": e}


# ------------------------------------------------------------------ build --

_DEFAULT_CLOSING = {"closing": "21:00"}

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
    services = [{"what": _label(s.what, s.when), "when": clean(s.when), "text": f"{clean(s.when)}{_label(s.what, s.when)}",
                 "said": f"{clean(s.when)}{_verb(_label(s.what, s.when))}{_label(s.what, s.when)}",
                 # 5月19日中午12点 is a one-off even if the operator did not say so
                 "recurring": s.recurring and not _DATE.search(s.when), "day": s.day, "time": s.time,
                 # as an option to choose (多一些高频词知识点): no 一个 / 第二天还能约的 in front
                 "thing": re.sub(r"^(?:一[个条份篇张]|当天|第二天|每天)", "", _label(s.what, s.when))}
                for s in g.services]
    regular = [s for s in services if s["recurring"]] or services
    dissolves = g.type in ("lead", "flash")
    # 寄出后群里公布快递单号: parcels leave after a dissolving group is gone, so numbers go one by one
    proof = [re.sub(r"(?:在)?群里(?:公布|发)", "我一个个私发", clean(p)) if dissolves and re.search(r"单号|快递", p)
             else clean(p) for p in lure.proof]
    # a proof said on its own needs a subject: 按近10年真题出现次数排的序 → 《…》按近10年…
    proof = [f"{thing['name']}{p}" if p.startswith(("按", "都", "全", "由", "从")) else p for p in proof]
    need = _threshold_days(c)
    k = deadline_day(c)
    mech["latest_start"] = days[k - need]["short"] if need and k - need >= 0 and g.start_date else ""
    if mech["latest_start"] and "打卡" in mech["condition"]:
        mech["offer"] = f"{mech['clause']}，最晚{mech['latest_start']}开始，{deadline['full']}截止"
        mech["due"] = f"最晚{mech['latest_start']}开始，{deadline['full']}截止"
    area = clean(c.brand.area)
    home_run = bool(re.search(r"当天[^，,。]*送到家|送上门|同城", c.lure.delivery))  # the shop's own van, not a courier
    local = (claim["method"] in ("booking", "pickup", "in_store") or home_run) and area and \
        bool(re.search(r"邻居|街坊|小区|业主|住在|社区|楼|附近", c.audience.identity + c.audience.who))
    return {
        "brand": {"name": c.brand.name, "sells": clean(c.brand.sells), "industry": c.brand.industry,
                  "industry_label": INDUSTRY_LABEL[c.brand.industry], "area": clean(c.brand.area),
                  **_trade(c)},
        "audience": {"identity": clean(c.audience.identity), "needs": [clean(n) for n in c.audience.needs]},
        "group": {
            "type": g.type, "type_label": GROUP_TYPE_LABEL[g.type], "is_lead": g.type == "lead",
            "dissolves": dissolves, "name": g.name, "number": number, "full_name": full_name,
            "duration_days": g.duration_days, "services": services, "regular": regular,
            "services_text": "；".join(s["said"] for s in services),
            # items that carry their own 、 or ， are listed with ；, or the list cannot be parsed
            "regular_text": "；".join(s["text"] for s in regular)
            if any(ch in s["text"] for s in regular for ch in "、，,") else join_cn([s["text"] for s in regular], "，还有"),
            "start": days[0]["label"], "end": days[-1]["label"], "end_short": days[-1]["short"],
            "has_dates": bool(g.start_date),
        },
        "lure": {
            "type": lure.kind, "item": lure.item, "unit": lure.unit, "quantity": fmt_num(lure.quantity),
            "phrase": thing["phrase"], "each": thing["each"], "name": thing["name"],
            # a headline: a group goal gives one to everybody, so no single "1袋" is on offer
            "headline": thing["name"] if lure.mechanic.kind in ("group_goal", "flash") else thing["phrase"],
            "value": f"{fmt_num(lure.value_yuan)}元" if lure.value_yuan else "",
            "value_note": thing["value_note"], "relation": clean(lure.relation),
            "mechanic": mech, "deadline": deadline["full"], "deadline_short": deadline["short"],
            "deadline_day": deadline_day(c), "delivery": _first_person(clean(lure.delivery), c.voice.persona), "claimed": lure.claimed or 0,
            "proof": proof, "claim": claim,
            # the relation in a member's mouth: 我们平时… is the shop speaking
            "relation_seed": _seed_said(clean(lure.relation).replace("我们", "店里"), thing["name"]),
            # the relation in the operator's own mouth: 阿青亲自剪 → 我亲自剪
            "relation_me": _first_person(clean(lure.relation), c.voice.name, c.brand.name),
            "relation_line": _relation_line(clean(lure.relation), thing["name"]),
            # a friend of a member does not know where 附近 is: the area, when it is short enough to say
            "nearby": (f"住{area}附近的朋友" if len(area) <= 6 else "住附近的朋友")
            if local else "朋友",
            "invite_who": "邻居" if local else "朋友",
            # a flash sale's reply word is for the group at the set time: the invite asks for nothing else
            "private_close_pool": "private_close_flash" if lure.mechanic.kind == "flash" else "private_close",
            # an offer for new customers only is not sent "because you are an old friend"
            "why_you": "想着你可能用得上" if re.search(r"没(?:在|来|上|办|买|用|洗)|新(?:客|顾客|用户|会员)|第一次",
                                                     lure.claim.eligible) else "想着你是老朋友",
        },
        "events": events(c),
        "invite": _invite(mech, thing, claim),
        "closing_time": {**_DEFAULT_CLOSING, **c.pack.times}.get("closing", "21:00"),
        "rules": {"banned": list(c.rules.banned), "dont": [as_dont(b) for b in c.rules.banned],
                  "dont_text": "、".join(as_dont(b) for b in c.rules.banned),
                  "penalty": [clean(p) for p in c.rules.penalty],
                  "penalty_text": "，".join(clean(p) for p in c.rules.penalty)},
        "voice": voice,
        "e": voice["e"],
        "ph": dict(PLACEHOLDERS),
        "closing": {"next_step": clean(c.closing.next_step),
                    "keep": _keep_doing(c),
                    "next_bare": clean(c.closing.next_step).replace("，以后", "，").removeprefix("以后"),
                    "next_line": clean(c.closing.next_step) if "以后" in c.closing.next_step
                    else f"以后{clean(c.closing.next_step)}"},
        "occasion": clean(c.occasion),
        "days": days,
        "has_topics": bool(c.topics),
    }


_FRESH_MADE = re.compile(r"^(?:现做|现烤|现炒|现切|手工|自家|当天)")


def _trade(c: Campaign) -> dict[str, Any]:
    """What the business is to its customers, from the campaign's own data: a place to eat
    (food served in the shop), a shop to visit, a service that is booked, a gym or studio, a
    course, or a seller people order from (it ships, it is online, it is a 团购).  The survey
    and the add-friend menu speak in these terms, never in one stock wording for every brand."""
    b, method, sells = c.brand, c.lure.claim_method, clean(c.brand.sells)
    if b.industry == "education":
        trade = "course"
    elif b.industry == "fitness":
        trade = "fitness"
    elif b.industry == "food" and method in ("in_store", "pickup"):
        trade = "food"
    elif method in ("ship", "online") or "团购" in sells:
        trade = "online"
    elif method == "booking" or c.lure.kind in ("service", "course"):
        trade = "service"
    else:
        trade = "shop"
    first = re.split(r"[、，,和及与/；;]", sells, maxsplit=1)[0]
    goods = _FRESH_MADE.sub("", re.sub(r"^社区|团购$", "", first)) or first
    drinks = bool(re.search(r"茶|咖啡|饮|奶昔|果汁", first))
    # a restaurant people sit down in (堂食, 订位, 包间): the menu offers a table
    dines = trade == "food" and bool(re.search(r"堂食|订位|包间|桌|用餐|火锅|菜",
                                               c.lure.claim.eligible + c.closing.next_step + sells)) and not drinks
    eat = "喝" if drinks else "吃"
    return {"trade": trade, "goods": goods, "eat": eat, "visit": "吃" if dines else eat if drinks else "买",
            "dines": dines}


def _invite(m: dict[str, Any], thing: dict[str, str], claim: dict[str, Any]) -> dict[str, str]:
    """The offer said to one person in a private invitation.  A group goal or a flash sale gives
    one to each member who gets there, never "1袋X" as if only one existed; the claim is said in
    private words, and a long phrase the offer already said (群满120人) is not said again."""
    how = in_private(claim["how"])
    kind = m["kind"]
    if kind == "group_goal":
        how = re.sub(rf"群满{m['members']}人后?", "满员后", how)
        offer = f"群满{m['members']}人，{m['per']}送{thing['each']}"
        what = f"群满{m['members']}人，{m['per']}{thing['each']}{thing['value_note']}"
        terms = f"群满{m['members']}人{m['per']}都有"  # the question has just named the item
        full = f"{m['you']}，{how}"
        short = f"{m['you']}，{how}"
    elif kind == "flash":
        offer = f"群里开抢时，前{m['quota']}位回复「{m['reply']}」的各送{thing['each']}"
        what, terms = f"前{m['quota']}位每人{thing['each']}{thing['value_note']}", m["you"]
        short, full = how, f"开抢时在群里回复「{m['reply']}」，{how}"
    else:
        offer, what, terms = f"群里在送{thing['phrase']}", f"{thing['phrase']}{thing['value_note']}", m["you"]
        short = full = f"{m['you']}，{how}"
    return {"offer": offer, "what": what, "terms": terms, "how": short, "how_full": full}


def _keep_doing(c: Campaign) -> str:
    """What the operator keeps doing one-to-one after the group (加林姐微信，每天朋友圈发当天特价 → 每天朋友圈发当天特价)."""
    nxt = clean(c.closing.next_step)
    hit = re.match(r"^(?:加[^，,]{1,12}(?:微信|好友)|关注[^，,]{1,12})[，,]?", nxt)
    rest = nxt[hit.end():].removeprefix("以后") if hit else ""
    return _first_person(rest, c.voice.name, c.brand.name)


def channel_context(ch: Channel) -> dict[str, Any]:
    return {"id": ch.id, "name": ch.name, "kind": ch.kind, "audience": clean(ch.audience)}


def _form_fits(form: str, t: Topic) -> bool:
    theme = t.theme
    if form == "vote":
        return len(t.options) >= 2
    if form == "photo":
        return any(h in theme for h in _PHOTO_HINTS)
    if form == "story":  # a story asks for an experience: 是哪天、在哪 makes no sense for 清洁小妙招
        return any(h in theme for h in _STORY_HINTS)
    if form == "game":
        return bool(t.answer)
    if form == "relay":  # somebody has to start: the first entry is the campaign's, never invented
        return bool(t.example or t.options or t.answer)
    if form == "auto-relay":
        return bool(t.example) or bool(t.options or t.answer) and any(h in theme for h in _RELAY_HINTS)
    return True


# A theme about what the campaign sends (收到橙子了晒一下, 开箱, 切开): only once someone can have it.
_RECEIVED = re.compile(r"收到|到手|开箱|拆箱|拆开|切开|领到")
_WISH = re.compile(r"^(?:想|希望|要是)")
# a need that names a body's trouble is a health topic: in a brand's group it reads as a claim
_SYMPTOM = re.compile(r"出血|疼|痛|痒|肿|过敏|发炎|咳|掉发|掉头发|脱发|长痘|痘痘|失眠|便秘|度数|视力")


def receipt_day(c: Campaign) -> int | None:
    """The first campaign day on which a member can hold what the campaign sends (the lure, or the
    order it ships with): the first day its condition can be met, plus the time it takes to reach them
    (下单后48小时内发顺丰: two days to send, a day in the post).  None when nobody can know: a group
    goal is met whenever the group fills."""
    m = c.lure.mechanic
    if m.kind == "group_goal":
        return None
    first = m.day if m.kind == "flash" else (_threshold_days(c) or 1) if m.kind == "threshold" else 1
    text = clean(c.lure.delivery) + clean(c.lure.claim.where)
    hours, days = re.search(r"(\d+)\s*个?小时", text), re.search(r"(\d+)\s*天内", text)
    if hours:
        lag = int(hours.group(1)) // 24
    elif days:
        lag = int(days.group(1))
    elif re.search(r"当天|今天|马上|立刻|当场", text):
        lag = 0
    else:  # 次日, 第二天, or nothing said: the next day
        lag = 1
    if re.search(r"当晚|今晚", text):  # sent in the evening: in hand the next day
        lag = max(lag, 1)
    if c.lure.claim_method == "ship" and not re.search(r"送到家|送上门|配送", text):
        lag += 1  # a courier takes a day more
    return first + lag


@lru_cache(maxsize=1)
def _disease_words() -> tuple[str, ...]:
    from .lexicons import load_dir
    from .resources import rules_dir

    return tuple(load_dir(rules_dir() / "lexicons").get("diseases", []))


def _derived_topics(c: Campaign, n: int) -> list[tuple[Topic, int, int]]:
    """Topics from the campaign's own data for the days its bank does not cover, with the days each
    can go out: what members want from a live or Q&A still ahead, the needs the operator wrote down
    (never one that names an illness: next to the product that is a health claim), and on the last
    day what the group gave them."""
    out: list[tuple[Topic, int, int]] = []
    evs = events(c)
    for s in c.group.services:
        label = _label(s.what, s.when)
        on = [e["day"] for e in evs if e["what"] == label and e["gathers"]]
        if not on or max(on) < 2:
            continue
        name = re.sub(r"^(?:一个|一份|一次|一本|每天|每晚|每周)", "", label)
        want = "问什么" if re.search(r"答疑|问", name) else f"让{c.voice.name}帮你看哪方面" if "点评" in name \
            else "听什么"
        out.append((Topic(theme=f"下次{name}，你最想{want}", form="question"), 1, max(on) - 1))  # one is still ahead
    for need in c.audience.needs:
        need = clean(need)
        if _WISH.match(need) or _SYMPTOM.search(need) or any(w in need for w in _disease_words()):
            continue
        who = "你家也这样吗" if re.search(r"孩子|娃|宝宝|家里", need) else "你也遇到过吗"
        out.append((Topic(theme=f"{need}，{who}？一般怎么办", form="question"), 1, n))
    if n >= 3:
        span = "几天" if n <= 7 else "两周" if 12 <= n <= 16 else "三周" if 19 <= n <= 23 else "段时间"
        out.append((Topic(theme=f"这{span}在群里，你最大的收获是什么", form="question"), n - 1, n))
    return out


def topic_plan(c: Campaign) -> list[dict[str, Any]]:
    """One distinct topic a day (never the same theme twice), each with its ``day``.

    The operator's themes go first, in their order; one about what the campaign sends waits until
    someone can have it (``receipt_day``) and is left out if nobody can while the group lives.  When
    the bank is shorter than the group, topics from the campaign's own data fill the days
    (``_derived_topics``); if even those run out, the days that already have a live or a Q&A members
    gather for are the ones without a topic.

    A theme without a form gets the least-used form that fits it and differs from
    yesterday's: photos only for what can be photographed, games only with an answer,
    relays only with a first entry from the campaign, votes only with options.  A form set by the
    operator that cannot work as written (a game with no answer, a relay with no first
    example) is replaced by one that fits the theme."""
    n = c.group.duration_days
    got = receipt_day(c)
    own: list[tuple[Topic, int, int]] = []
    for t in c.topics:
        if _RECEIVED.search(t.theme):
            if got is not None and got <= n:
                own.append((t, got, n))
        else:
            own.append((t, 1, n))
    extra = _derived_topics(c, n) if len(own) < n else []

    def assign(days: list[int]) -> list[tuple[int, Topic, int, int]]:
        """The operator's themes in their order; a derived one on the last day it can have (if the
        operator's left still fit after it), else on the days the operator's do not fill."""
        mine, more, out = list(own), list(extra), []
        for k, d in enumerate(days):
            fits = [x for x in mine if x[1] <= d <= x[2]]
            due = sorted((x for x in more if x[1] <= d == x[2]), key=lambda x: x[2] - x[1])  # the tightest first
            if due and len(mine) <= len(days) - k - 1:
                pick, pool = due[0], more
            elif fits:
                pick, pool = fits[0], mine
            else:
                pick, pool = next((x for x in more if x[1] <= d <= x[2]), None), more
            if pick:
                pool.remove(pick)
                out.append((d, *pick))
        return out

    seq = assign(list(range(1, n + 1)))
    if len(seq) < n:  # still short: the days members already gather for a live or a Q&A go without
        gathering = sorted({e["day"] for e in events(c) if e["gathers"]}, reverse=True)[: n - len(seq)]
        seq = assign([d for d in range(1, n + 1) if d not in gathering])
    seq.sort(key=lambda x: x[0])

    used = {f: 0 for f in TOPIC_FORMS}
    plan: list[dict[str, Any]] = []
    prev = None

    def allowed(t: Topic) -> list[str]:
        if t.form is not None and _form_fits(t.form, t):
            return [t.form]
        return [f for f in TOPIC_FORMS if _form_fits("auto-relay" if f == "relay" else f, t)]

    options = [allowed(t) for _, t, _, _ in seq]
    for i in range(len(seq)):
        if options[i] == [prev]:  # only yesterday's form fits: bring a later theme forward (if its days allow)
            d = seq[i][0]
            later = next((j for j in range(i + 1, len(seq)) if options[j] != [prev]
                          and seq[j][2] <= d <= seq[j][3] and seq[i][2] <= seq[j][0] <= seq[i][3]), None)
            if later is not None:
                dj = seq[later][0]
                seq[i], seq[later] = (d, *seq[later][1:]), (dj, *seq[i][1:])
                options[i], options[later] = options[later], options[i]
        day, t = seq[i][0], seq[i][1]
        nxt = options[i + 1] if i + 1 < len(seq) else []
        # the most specific form that fits, not yesterday's, and not the only one tomorrow can have
        form = min(options[i], key=lambda f: (f == prev, nxt == [f], used[f], _PREFERENCE.index(f)))
        used[form] += 1
        prev = form
        example = clean(t.example) or (t.options[0] if t.options else clean(t.answer))
        plan.append({"day": day, "theme": clean(t.theme), "options": list(t.options), "form": form,
                     "fits": list(dict.fromkeys(options[i] + ["question"])),
                     "form_label": TOPIC_FORM_LABEL[form], "answer": clean(t.answer), "clue": clean(t.clue),
                     "example": example,
                     "letters": [f"{chr(65 + k)} {o}" for k, o in enumerate(t.options)]})
    return plan


# Fixed-date public holidays when people are away (国庆, 元旦, 劳动节): a recall waits them out.
_HOLIDAYS = ((10, 1, 7), (1, 1, 1), (5, 1, 5))


def past_holidays(c: Campaign, offset: int) -> int:
    """Days after the campaign's end a recall goes out: ``offset``, or later if that is a holiday."""
    if not c.group.start_date:
        return offset
    end = c.group.start_date + dt.timedelta(days=c.group.duration_days - 1)
    while True:
        d = end + dt.timedelta(days=offset)
        if not any(d.month == mo and a <= d.day <= b for mo, a, b in _HOLIDAYS):
            return offset
        offset += 1


def recall_date(c: Campaign, segment: str) -> dt.date | None:
    """The day a lapsed member's message goes out (30 / 60 days after the end, past holidays)."""
    if not c.group.start_date:
        return None
    end = c.group.start_date + dt.timedelta(days=c.group.duration_days - 1)
    return end + dt.timedelta(days=past_holidays(c, 30 if segment == "lapsed_30" else 60))


# When a gift named after an occasion or a season still makes sense (month, day) – (month, day);
# the lunar festivals get the span of dates they can fall on.  A 春节 gift sent in April is stale.
_IN_SEASON: dict[str, tuple[tuple[tuple[int, int], tuple[int, int]], ...]] = {
    "春节": (((1, 5), (2, 28)),), "过年": (((1, 5), (2, 28)),), "年货": (((1, 1), (2, 20)),),
    "元宵": (((1, 25), (3, 5)),), "情人节": (((2, 1), (2, 14)),), "妇女节": (((3, 1), (3, 8)),),
    "女神节": (((3, 1), (3, 8)),), "清明": (((3, 25), (4, 6)),), "劳动节": (((4, 20), (5, 5)),),
    "五一": (((4, 20), (5, 5)),), "母亲节": (((5, 1), (5, 14)),), "端午": (((5, 20), (6, 25)),),
    "粽子": (((5, 15), (6, 25)),), "父亲节": (((6, 1), (6, 21)),), "七夕": (((7, 20), (8, 31)),),
    "中秋": (((9, 1), (10, 8)),), "月饼": (((8, 20), (10, 8)),), "国庆": (((9, 20), (10, 7)),),
    "双十一": (((10, 20), (11, 11)),), "双11": (((10, 20), (11, 11)),), "万圣": (((10, 20), (10, 31)),),
    "圣诞": (((12, 1), (12, 25)),), "元旦": (((12, 20), (12, 31)), ((1, 1), (1, 3))),
    "寒假": (((1, 5), (2, 28)),), "暑假": (((7, 1), (8, 31)),), "开学": (((8, 20), (9, 20)), ((2, 15), (3, 10))),
    "春季": (((3, 1), (5, 31)),), "夏季": (((6, 1), (8, 31)),), "秋季": (((9, 1), (11, 30)),),
    "冬季": (((12, 1), (12, 31)), ((1, 1), (2, 28))),
}


def stale_on(text: str, day: dt.date | None) -> str:
    """The occasion a gift is named after, if it is over (or not yet come) on ``day``; else ""."""
    if day is None:
        return ""
    md = (day.month, day.day)
    for word, spans in _IN_SEASON.items():
        if word in text and not any(a <= md <= b for a, b in spans):
            return word
    return ""


# How a recall's gift reaches someone who replies 1, by what it is and how the campaign hands
# things out: one reply, and they know what happens next.
_DIGITAL_GIFT = re.compile(r"录播|电子版|PDF|pdf|资料|课件|模板|链接|视频|涂色页|练习纸|清单|笔记")
_BOOKED_GIFT = re.compile(r"课|评估|检查|体验|清洗|护理|调整|调一下|保洁|洗牙|理发|剪|按摩|上门")


def gift_route(c: Campaign, thing: str) -> str:
    """送一盒草莓 for a shop that ships → 下次你下单，我随单寄给你; a 5元券 → 我把券发你，到…出示就能用."""
    method = c.lure.claim_method
    place = clean(c.lure.claim.where) if method in ("pickup", "in_store") else ""
    place = place or (c.brand.name if method in ("pickup", "in_store") else "")
    if re.search(r"券|红包|代金", thing):
        return f"我把券发你，到{place}出示就能用" if place else "我把券发你，下单时就能用"
    if _DIGITAL_GIFT.search(thing) or method == "online":
        return "我把链接发你" if re.search(r"录播|视频|链接", thing) else "我把电子版发你"
    if _BOOKED_GIFT.search(thing) or method == "booking":
        return "我跟你约个时间"
    if method == "ship":  # the shop's own van (当天下午送到家) brings it; a courier is 寄
        return "下次你下单，我随单给你送过去" if re.search(r"送到家|送上门|同城", c.lure.delivery) else "下次你下单，我随单寄给你"
    return f"我给你登记，下次到{place}报名字就能领"


def segment_context(c: Campaign, segment: str) -> dict[str, Any]:
    offer = clean(getattr(c.segments, segment).offer)
    if segment.startswith("lapsed") and stale_on(offer, recall_date(c, segment)):
        offer = ""  # a 春节 gift two months after 春节: the no-offer path (a survey, or no hello at all)
    if c.group.type != "fan" and segment.startswith("lapsed"):  # the group is gone: nobody can 回群
        offer = re.sub(r"^回群", "回来", offer)
    if segment == "lurker":  # said in the group, to several people at once
        offer = re.sub(r"你(?!们)", "你们", offer)
        # 回复「在」领…: thirty replies in the group are a flood the rules forbid, so they reply to me
        offer = re.sub(r"^(?:私聊我)?回(?:复)?", "私聊我回复", offer)
    # the gift alone (回来送一盒草莓 → 送一盒草莓), so a recall can say "你回来的话，送一盒草莓"
    gift = re.sub(r"^(?:老朋友)?回(?:来|群)(?:看看)?", "", offer) if segment.startswith("lapsed") else offer
    # replying 1 claims a gift (送一盒草莓); an offer that asks for something first (下单送一把小葱,
    # 补打卡也算数) is said as it is, with no second instruction on top
    m = c.lure.mechanic
    if segment.startswith("lapsed") and re.search(r"补打卡|补交|补上|断[^，,。]{0,6}也算|也算数", offer) \
            and m.kind == "threshold" and "打卡" in m.condition:
        offer = gift = ""  # 回群补打卡也算数, a month after the check-in closed: nothing to give
    gives = bool(re.match(r"^(?:送|领|免费|立减|减|赠|优先)", gift))
    thing = re.sub(r"^(?:送|领|赠)", "", gift)
    route = gift_route(c, thing) if gives else "我给你记上"
    if segment.startswith("lapsed"):
        # an offer on their next visit or order (补牙一颗减50元, 回来下单满99元再加送2斤) is kept for
        # them too: one reply, and they know it is noted
        cta = f"专门给你留的：{thing}，想要的话回我个1，{route}。" if gives and thing != gift else \
            f"{gift}，想要的话回我个1，{route}。" if gives else f"{offer}，想用的话回我个1，{route}。" if offer else ""
    else:
        cta = f"专门给你留的：{thing}，想要的话回我个1就行。" if gives and thing != gift else \
            f"{gift}，想要的话回我个1就行。" if gives else f"{offer}，有需要随时找我。" if offer else ""
    return {"id": segment, "offer": offer, "gift": gift, "cta": cta, "kept": thing if gives and thing != gift else "",
            "route": route if offer else "", "gives": gives and bool(offer)}


# ------------------------------------------------------------------ per piece --
# What one kind of piece needs beyond the base context: the sentences that depend on
# the day, the mechanic, the lure's type or the group's life are decided here.

_QUESTION_WORDS = ("吗", "什么", "怎么", "哪", "多少", "多大", "多久", "多长", "多远", "多高", "多重", "多深", "谁", "还是",
                   "要不要", "是不是", "？", "?")
_ASKING_JI = re.compile(r"(?<![这那好前后头])几")  # 你喝几分糖 asks; 这几天 does not
_IMPERATIVE = ("说说", "聊聊", "分享", "晒晒", "晒", "推荐", "讲讲")
_RELAY_HINTS = ("最爱", "最喜欢", "推荐", "目标", "一件事", "妙招", "清单", "一本", "一句", "接龙")
# What the operator is doing right now, by how the lure reaches people (never 师傅 for a gym card).
# (pools in phrases.yaml: scene_ship, scene_pickup, …; a pack uses each line once before repeating)
_SCENE = ("ship", "pickup", "in_store", "booking", "online", "goal", "checkin")
_GROUP_LIFE = {"lead": "福利群", "flash": "限时福利群", "fan": "长期交流群"}
# Only these kinds carry an emoji when the campaign asks for few.
FEW_EMOJI_KINDS = ("lure.poster", "lure.moments", "welcome.group", "lure.fulfilment", "closing")


def _is_question(theme: str) -> bool:
    return any(w in theme for w in _QUESTION_WORDS) or bool(_ASKING_JI.search(theme))


def _after(t: str, minutes: int) -> str:
    h, m = (int(x) for x in t.split(":"))
    total = h * 60 + m + minutes
    return f"{total // 60 % 24:02d}:{total % 60:02d}"


def _today(day: dict[str, Any], has_dates: bool) -> str:
    return f"今天是{day['label']}" if has_dates else f"今天是活动{day['label']}"


def _rotate(options: list[str], k: int) -> str:
    """The k-th of a few equivalent lines: consecutive days never say the same one."""
    return options[k % len(options)]


def nudge_facts(base: dict[str, Any]) -> list[str]:
    """One new fact per progress broadcast, so no two days say the same thing: how it is
    claimed, who may claim, how many, each proof once."""
    lure, cl = base["lure"], base["lure"]["claim"]
    facts: list[str] = []
    if cl["eligible"]:
        facts.append(f"再说一下谁能领：{cl['eligible']}。")
    delivery = lure["delivery"]
    facts.append(f"{lure['name']}{delivery}。" if delivery.startswith(("和", "跟", "随", "与")) else f"{delivery}。")
    group_goal = lure["mechanic"]["kind"] == "group_goal"
    bits = [b for b in ("" if group_goal else cl["limit"], cl["validity"], cl["stock"]) if b]
    if bits:
        facts.append("，".join(bits) + "。")
    facts += [f"{p}。" for p in lure["proof"]]
    return facts


def _part_of_day(time: str | None) -> str:
    h = int((time or "12:00")[:2])
    return "早上好" if h < 11 else "中午好" if h < 14 else "下午好" if h < 18 else "晚上好"


def _nudge(base: dict[str, Any], day: dict[str, Any], k: int, seed: int, time: str | None = None,
           say: Say | None = None) -> dict[str, str]:
    lure, m, v = base["lure"], base["lure"]["mechanic"], base["voice"]
    kind, n = m["kind"], len(base["days"])
    # news for today: an event that does not happen every day (a weekly live, a one-off talk)
    daily = {e["what"] for e in base["events"] if sum(x["what"] == e["what"] for x in base["events"]) >= n}
    events = [e for e in base["events"] if e["day"] == day["n"] and e["what"] not in daily
              and (time is None or e["time"] > time)]
    facts = nudge_facts(base)
    if day["is_first"]:
        fact = (f"前{m['quota']}位在群里回复「{m['reply']}」的送{lure['phrase']}。" if kind == "flash"
                else f"{m['gets']}。")
        if lure["claimed"]:
            fact += f"之前已经有{lure['claimed']}人领到了。"
        if kind == "threshold" and m["latest_start"]:
            fact += f"最晚{m['latest_start']}开始才赶得上。"
    elif day["is_deadline"] and kind == "flash":  # the time is in the deadline line; not day 1's words
        fact = f"{lure['name']}一共{m['quota']}份，按回复「{m['reply']}」的先后来。"
    elif day["is_deadline"]:  # "today" is said once, by the countdown or the deadline line; not day 1's words
        fact = {"invite": f"还差一两位的抓紧，拉满{m['friends']}位就有{lure['phrase']}。",
                "group_goal": f"就看今天了：满{m['members']}人，{m['per']}都能{'约' if lure['type'] in ('service', 'course') else '领'}{lure['each']}。",
                "threshold": f"今天打完最后一次卡的，{lure['phrase']}就是你的了。" if "打卡" in m["condition"]
                else f"还差一点的抓紧，{m['when_done']}就送{lure['phrase']}。"}[kind]
    elif events:
        ev, at = events[0], events[0]["at"]
        fact = say.fill("event_line", at=at, what=ev["what"]) if say is not None else f"今天{at}有{ev['what']}，别错过。"
    else:  # each fact once; a long campaign that has used them all just names the thing
        fact = facts[k - 1] if k - 1 < len(facts) else ""
    first_late = next((d["n"] for d in base["days"] if not d["reachable"]), None)
    if kind == "threshold" and not day["is_first"] and day["n"] == first_late and not day["is_deadline"]:
        fact = f"今天才开始打卡的，这次来不及了，打卡照常。" + fact  # it is the start that counts, not joining
    elif kind == "threshold" and first_late and day["n"] == first_late - 1 and not day["is_first"] \
            and "打卡" in m["condition"]:  # the last day one can still start
        fact = "今天是最晚能开始打卡的一天，还没开始的今天就打第一次。" + fact
    who = lure["invite_who"]
    help_lines = {
        "invite": ["拉了几位不清楚的，私聊我查", "还差几位的，私聊我帮你看", "想知道自己拉了几位，私聊我就行",
                   "拉满的我会私聊你怎么领", "有朋友想进群的，直接拉就行", "拉的朋友进群后我这边都有记录",
                   "转发群二维码给朋友就行"],
        "group_goal": [f"身边有需要的{who}拉进来，{lure['claim']['rush']}", f"帮忙拉一位{who}进来，我们{lure['claim']['rush']}",
                       f"认识的{who}拉一位进来就行", "群一满我就在群里通知", f"多一位{who}，就离群满近一步",
                       "群二维码转给朋友就行", f"家里人、身边的{who}都可以拉"],
        "threshold": (["漏了哪天不清楚的，私聊我查", "打卡记录我都记着，有疑问私聊我", "今天还没打卡的，记得在群里打一下",
                       "打满的我会私聊你", "坚持住，快到终点了", "每天打完记得发群里",
                       "打卡发群里就算，不用额外报名"]
                      if "打卡" in m["condition"] else
                      ["算没算上不清楚的，私聊我查", "记录我这边都有，有疑问私聊我", "还差一点的，私聊我帮你看看",
                       "加送的会跟你的订单一起到，不用另外领" if "下单" in m["condition"] and lure["claim"]["method"] == "ship"
                       else "满足条件的我会私聊你怎么领", "有疑问随时@我", "不清楚规则的，看群公告就行"]),
        "flash": [f"到点在群里回复「{m['reply']}」就行，我按回复顺序登记", "每人只算第一条回复", "到点再回就行，不用提前回",
                  "抢到的我会私聊你怎么领", "没抢到的别急，以后还有"],
    }[kind]
    if kind == "flash":
        at = hhmm_phrase(m["flash_time"])
        deadline_line = (f"今天{at}准时开抢" if day["is_deadline"] else f"明天{at}开抢" if day["deadline_left"] == 1
                         else f"{m['flash_at']}开抢")
    elif day["is_deadline"]:
        deadline_line = "今天截止"
    elif day["deadline_left"] == 1:
        deadline_line = "明天就截止了"
    else:
        deadline_line = f"{day['due']}截止"
    today = _today(day, base["group"]["has_dates"])
    if kind == "flash":
        countdown = f"{today}，{deadline_line}。"
    else:
        countdown = (f"{today}，福利今天截止。" if day["is_deadline"] else f"{today}，福利明天就截止了。"
                     if day["deadline_left"] == 1 else f"{today}，离截止还有{day['deadline_left']}天。")
    ask = _rotate({"invite": ["拉好友的进度怎么样了？", "好友都拉上了吗？"],
                   "group_goal": ["群里人数凑得怎么样了？", "身边的人都拉进来了吗？"],
                   "threshold": ["今天打卡了吗？", "今天的卡打了没？"] if "打卡" in m["condition"]
                   else ["下单了吗？", "这两天下单了吗？"] if "下单" in m["condition"]  # a purchase, not a task
                   else ["进度怎么样了？", "条件都满足了吗？"],  # never 领到了吗: nothing is claimed yet
                   "flash": ["开抢的闹钟定了吗？", "开抢时间都记住了吗？"]}[kind],
                  1 if day["is_deadline"] else k)  # the last day never asks like the first
    greet = choose(seed, f"greet|{day['n']}", [f"{v['address']}{_part_of_day(time)}～", f"跟{v['address']}说一声：",
                                               f"{v['address']}，"])
    if not day["is_first"] and not day["is_deadline"]:  # name the thing, briefly and differently each day
        short = {
            "invite": [f"拉满{m['friends']}位就有{lure['phrase']}", f"{lure['phrase']}还在送，拉{m['friends']}位好友就行",
                       f"拉{m['friends']}位好友还能领{lure['phrase']}", f"还没拉满{m['friends']}位的，{lure['phrase']}还等着你",
                       f"拉{m['friends']}位好友，{lure['phrase']}就到手"],
            "group_goal": [f"满{m['members']}人{m['per']}{lure['each']}", f"满{m['members']}人，{m['per']}{lure['each']}",
                           f"离{m['per']}{lure['each']}又近一步", f"群满{m['members']}人，{m['per']}都有{lure['phrase']}",
                           f"{m['per']}{lure['each']}，就等群满"],
            "threshold": [f"{m['when_done']}送{lure['phrase']}", f"{lure['phrase']}还在送",
                          f"坚持下来就有{lure['phrase']}" if "打卡" in m["condition"] else f"{m['when_done']}就有{lure['phrase']}",
                          f"{lure['phrase']}还等着大家",
                          f"{lure['phrase']}还有，领完为止" if lure["claim"]["stock"] else  # never 还有 of a PDF
                          f"坚持到最后的都有{lure['phrase']}"],
            "flash": [f"前{m['quota']}位送{lure['phrase']}", f"{lure['phrase']}限量{m['quota']}份",
                      f"到点回复「{m['reply']}」就行", f"{lure['phrase']}只有{m['quota']}份", "开抢时间别错过"],
        }[kind]
        said = _rotate(short, k)
        if lure["name"] in said and fact.startswith(lure["name"]):  # 就有X。X按…排的序 → 就有X，按…排的序
            fact = f"{said}，{fact[len(lure['name']):]}"
        else:
            fact = f"{said}。" + fact
    if kind == "group_goal":
        members = base["ph"]["members"]
        count = f"截至现在{members}人" if day["is_deadline"] else \
            _rotate([f"群里现在{members}人", f"现在已经{members}人了", f"人数到{members}了", f"目前{members}人"], k)
        fact = f"{count}，" + fact
    scene_pool = "goal" if kind == "group_goal" else \
        "checkin" if kind == "threshold" and "打卡" in m["condition"] else \
        "booking" if lure["type"] in ("service", "course") else lure["claim"]["method"]  # 约洗剪吹, not 洗剪吹领到以后
    where = _first_person(lure["claim"]["where"], v["persona"], base["brand"]["name"])  # 团长家门口 → 我家门口
    scene = say.fill(f"scene_{scene_pool}", item=lure["name"], where=where) if say is not None else \
        phrase_pools()[f"scene_{scene_pool}"][0].format(item=lure["name"], where=where)
    title = "福利进度"  # the deadline line says 今天截止: the title does not say it again
    # the last day never says "a few days to go": it says what happens to those who made it
    # and the first day never asks about days nobody has had yet (漏了哪天)
    first_help = {"invite": 4, "group_goal": 0, "threshold": 2 if "打卡" in m["condition"] else 4, "flash": 2}[kind]
    middle = [line for i, line in enumerate(help_lines) if i not in (first_help, 3)]
    help_line = help_lines[3] if day["is_deadline"] else help_lines[first_help] if day["is_first"] \
        else middle[(k - 1) % len(middle)]
    return {"fact": fact, "help": help_line, "deadline_line": deadline_line, "countdown": countdown,
            "ask": ask, "title": title, "scene": scene, "greet": greet}


# A condition the campaign puts on using the reward (not on who may claim it): it holds at the
# table or the counter, so the winner hears it again with the steps (2人及以上来店里堂食).
_USE_CONDITION = re.compile(r"(?:\d+|[两二三四五])人(?:及|或)?以上|堂食|消费满|满\d+元|同行|用餐")


def _rule_only(who: str) -> str:
    """2人及以上来店里堂食的朋友 → 2人及以上来店里堂食: the rule without the people it names."""
    return re.sub(r"的(?:朋友|顾客|客人|人|用户|会员)$", "", who)


def use_condition(eligible: str) -> str:
    """2人及以上来店里堂食的朋友 → 2人及以上来店里堂食才能用; "" when the rule is about who claims."""
    parts = [x for x in re.split(r"[，,；;、]", eligible) if _USE_CONDITION.search(x)]
    if not parts:
        return ""
    said = _rule_only(parts[0])
    return f"记得{said}才能用"


def _flash_open(base: dict[str, Any]) -> dict[str, str]:
    """The post at the minute a flash sale opens: 开抢, what to reply, how many, who may, what next.

    The winners list is promised only where the campaign promises it (a proof line about 名单) or
    where the pack posts it (the closing of the flash day carries %WINNERS%)."""
    lure, m, cl = base["lure"], base["lure"]["mechanic"], base["lure"]["claim"]
    verb = {"ship": "怎么寄", "pickup": "怎么领", "in_store": "怎么用", "booking": "怎么约", "online": "怎么发"}[cl["method"]]
    listed = any("名单" in p for p in lure["proof"]) or m["flash_day"] == len(base["days"])
    after = f"抢到的名单晚点在群里公布，我挨个私聊你们{verb}。" if listed else f"抢到的，我挨个私聊你们{verb}。"
    who = cl["eligible"]
    return {"at": hhmm_phrase(m["flash_time"]), "head": f"现在开抢，前{m['quota']}位在群里回复「{m['reply']}」的送{lure['name']}",
            "who": Opt(who if not who or who.startswith(("限", "仅", "每")) else f"限{who}"),
            "count": f"一共{m['quota']}份，送完就停。", "count_short": f"一共{m['quota']}份，送完就停", "after": after}


def _fulfil(base: dict[str, Any], slot_target: str) -> dict[str, Any]:
    lure, m, v, ph = base["lure"], base["lure"]["mechanic"], base["voice"], base["ph"]
    steps = [at_done(x) for x in lure["claim"]["next"]]
    cond = use_condition(lure["claim"]["eligible"])
    if cond:  # said where it applies: after how to use it, before how long it is valid
        at = next((i for i, x in enumerate(steps) if "有效" in x), len(steps))
        steps.insert(at, cond)
    if slot_target == "private":
        steps = [in_private(x) for x in steps]
    else:  # said to the whole group: what people send goes to a private chat, not into the group
        steps = [re.sub(r"(?<!私信)(?<!私聊)发我", "私信发我", x) for x in steps]
    if m["kind"] == "group_goal":
        opening = f"群满{m['members']}人啦！谢谢每一位拉朋友进来的{v['address'].removesuffix('们')}。"
        congrats = f"群满{m['members']}人啦，说到做到：{m['per']}{lure['each']}！"
        chat = f"{v['address']}，群满{m['members']}人了，{m['per']}{lure['each']}，接下来这样领："
        close = f"有问题私聊{v['name']}。"
        head = f"{m['per']}{lure['each']}{lure['value_note']}，接下来这样{'约' if lure['type'] in ('service', 'course') else '领'}："
    else:
        got = "抢到" if m["kind"] == "flash" else "领到"
        opening = f"{ph['nickname']}，恭喜你{got}了！"
        congrats = f"恭喜{ph['nickname']}，{lure['phrase']}是你的了！"
        chat = f"{ph['nickname']}，你的{lure['phrase']}我这边登记好了，接下来这样："
        close = "有问题直接回我。"
        head = f"{lure['phrase']}{lure['value_note']}，接下来这样："
    return {"opening": opening, "congrats": congrats, "chat": chat, "close": close, "head": head,
            "steps": steps, "steps_text": "；".join(steps)}


def _welcome(base: dict[str, Any], channel: dict[str, Any] | None) -> dict[str, str]:
    # channel names are the operator's labels (业主群转发, 地推): never read out to a newcomer
    lure, g = base["lure"], base["group"]
    offer = f"这几天在送{lure['headline']}：{lure['mechanic']['offer']}" if g["dissolves"] else ""
    if offer and lure["claim"]["eligible"]:
        offer += f"（{lure['claim']['who_can']}）"
    if offer and lure["mechanic"]["kind"] == "flash":  # a welcome goes out on join, also after the flash:
        offer += "，开抢前进群的都能参加"  # said so it holds either way, never as still to come
    # …but how the operator calls people from a channel (在门口排号时扫码的朋友) greets them: two
    # channels never get the same welcome, however few templates there are
    aud = (channel or {}).get("audience", "")
    return {"from": Opt(f"是{aud}吧？" if aud else ""), "offer": Opt(offer)}


# A calendar date in what the operator keeps doing (12月中旬第二批采摘): the add-friend welcome is
# sent whenever someone adds them, maybe after that date, so the date is left out there.
_CAL_DATE = re.compile(r"\d{1,2}月(?:\d{1,2}[日号])?(?:上旬|中旬|下旬|初|底|中|末)?(?:的|前|后)?|\d{1,2}[日号](?:前|后)?")


def keep_said(rest: str) -> str:
    """What the operator keeps doing, said as their own promise: 下雨后第二天朋友圈发洗车特价 →
    下雨后第二天，我会在朋友圈发洗车特价; 12月中旬第二批采摘会朋友圈说 → 第二批采摘我会在朋友圈说."""
    rest = _CAL_DATE.sub("", rest).lstrip("，, ")
    # a subjectless 朋友圈发 / 会朋友圈说 gets its speaker; 都在朋友圈发 already has one
    rest = re.sub(r"(?<![我在])(?:会)?朋友圈(发|说)", r"我会在朋友圈\1", rest, count=1)
    rest = re.sub(r"^([^，,]*后[^，,]*?)我会在", r"\1，我会在", rest, count=1)  # 下雨后第二天，我会在朋友圈发
    rest = re.sub(r"(?:直接|就)?私聊(?:我)?留?(?=$|[，,])", "直接跟我说", rest)  # we are in the private chat already
    return re.sub(r"(随时|直接)问$", r"\1问我", rest)  # 换季护肤问题随时问 → …随时问我


def _private(base: dict[str, Any], seed: int = 0) -> dict[str, Any]:
    lure, b = base["lure"], base["brand"]
    # After "加林姐微信，" the rest of the next step is what the operator keeps doing one-to-one; a
    # next step that stays in the group (留在群里，每周二直播照常) is nothing to tell a new friend.
    rest = keep_said(base["closing"]["keep"])
    ask = brand_says(base, seed, "menu_footer")
    # 以后 + 下雨后第二天 says 后 twice: a rest that starts from its own moment needs no 以后
    later = rest if re.match(r"^[^，,]{0,6}后", rest) or rest.startswith("以后") else f"以后{rest}"
    offer = f"{later}。" if rest and ("找我" in rest or "问" in rest) else \
        (f"{later}，{ask}" if rest else ask)
    t, goods = b["trade"], b["goods"]
    # 我们在南湖路加油站旁边 after 在南湖这边洗车干了6年: the place is said once
    short, area = base["voice"]["intro_short"], b["area"]
    area = "" if any(area[i:i + 2] in short for i in range(len(area) - 1)) else area
    sells = b["sells"]  # 主要做现做奶茶和果茶 after 店里每杯都是我们现做的: said once
    sells = "" if any(sells[i:i + 2] in short for i in range(len(sells) - 1)) else sells
    first = "menu_dine" if b["dines"] else f"menu_{t}"
    what = {"service": "服务", "fitness": "课程", "course": "课程"}.get(t, goods)
    book = t in ("service", "fitness") or lure["type"] in ("course", "service")
    return {
        "offer": offer, "later": Opt(f"{later}。" if rest else ""), "area": Opt(area), "sells": Opt(sells),
        "ask": brand_says(base, seed, "menu_ask"),
        "asks": [brand_says(base, seed, first, what=goods), brand_says(base, seed, "menu_news"),
                 brand_says(base, seed, "menu_browse")],
        "steps": [f"问{what}、问价格{'、约时间' if book else ''}，直接发消息就行", "想知道最近有什么活动，回我「活动」两个字",
                  "不方便打字就发语音，我看到都会回"],
    }


def _rules(base: dict[str, Any]) -> dict[str, str]:
    g, lure, b = base["group"], base["lure"], base["brand"]
    who = base["audience"]["identity"]
    purpose = f"这是{b['name']}开的{_GROUP_LIFE[g['type']]}" + (f"，群里都是{who}。" if who else "。")
    # one fact per sentence: what and how, who may claim, where and until when (never one run-on)
    lead = "这几天在送" if g["dissolves"] else "现在在送"
    said = [f"{lure['headline']}：{lure['mechanic']['offer']}"]
    cl = lure["claim"]
    if cl["eligible"]:
        said.append(cl["who_can"])
    # the notice is where people look up how to claim: where and when, in the operator's terms
    where = cl["next"][0] if cl["method"] == "pickup" else cl["how"] if cl["method"] in ("in_store", "booking") else ""
    if where and cl["validity"] and cl["method"] != "pickup":
        where += f"，{cl['validity']}"
    if where:
        said.append(where)
    # a proof that says the notice holds something (群公告里能先看前3页) points at what the operator attaches
    kept = [_attached(p) for p in lure["proof"] if p.startswith("群公告里")]
    if kept:
        said.append(f"另外，{kept[0]}")
    offer = lead + "。".join(said)
    if g["dissolves"]:
        life = f"群开到{g['end']}，之后解散；{base['closing']['next_line']}。"
    else:
        life = "这个群长期保留，不解散。"
    return {"purpose": purpose, "offer": offer, "life": life}


def _attached(proof: str) -> str:
    """群公告里能先看前3页 in the notice itself: 前3页附在这条公告后面，可以先看 (a notice is text;
    the operator attaches the pages)."""
    rest = re.sub(r"^群公告里(?:先)?(?:放了|附了|有)?", "", proof)
    look = re.match(r"^(?:能|可以)先看", rest)
    rest = rest[look.end():] if look else rest
    head, _, tail = rest.replace(",", "，").partition("，")
    return f"{head}附在这条公告后面" + ("，可以先看" if look else "") + (f"，{tail}" if tail else "")


def _closing(base: dict[str, Any], day: dict[str, Any], outcome: str, time: str | None = None) -> dict[str, str]:
    g, lure, m, cl = base["group"], base["lure"], base["lure"]["mechanic"], base["lure"]["claim"]
    later = [e for e in base["events"] if e["day"] == day["n"] and time and e["time"] > time
             and not e["what"].startswith("开抢")]
    today = f"{_today(day, g['has_dates'])}，活动最后一天"
    # The reward is told, not re-explained: how to claim went out in the fulfilment notice, and a
    # closing asks members for one thing at most (the poll, when it has one).
    if m["kind"] == "group_goal":
        if outcome == "unmet":
            # 群没满也送一个蛋挞 / 没满120人，进群的每人也送一个蛋挞 → what is given anyway
            cut = re.match(r"^(?:如果|要是)?(?:群)?(?:没|未)(?:满|凑满|达到|到)[^，,也]*(也|[，,])", cl["not_reached"])
            rest = cl["not_reached"][cut.end():] if cut else cl["not_reached"]
            also = "也" if cut and cut.group(1) == "也" else ""
            claim = cl["how"] if cl["method"] in ("pickup", "in_store") else "今晚我挨个私聊大家"
            fallback = f"不过{also}{rest}，{claim}" if cl["not_reached"] else "这次的福利就发不了了，抱歉"
            reward = f"群最后没满{m['members']}人，{fallback}"
        else:
            # the group is gone tomorrow: the steps are said again, not "scroll up"
            # the group is full now: steps said as of today (群满后3天内寄出 → 3天内寄出), in their own sentence
            # said on the last day whenever the group filled: the steps stay relative (群满后第二天起)
            reward = f"群满{m['members']}人了，{m['per']}{lure['each']}。{cl['next_text']}"
    else:
        done = "今晚抢到" if m["kind"] == "flash" else f"已经{m['when_done']}"
        if m["kind"] == "flash" and m["flash_day"] == day["n"]:  # the list is the proof people wait for
            done = f"今晚抢到的名单：{base['ph']['winners']}。抢到"
        elif m["kind"] == "flash":
            done = f"{m['flash_at'].split('日')[0]}日抢到" if "日" in m["flash_at"] else "抢到"
        with_order = cl["method"] == "ship" and m["kind"] == "threshold" and "下单" in m["condition"]
        sent = f"{lure['name']}我都私发给你了" if cl["method"] == "online" else \
            f"加送的{lure['name']}和订单装一箱一起发，不用另外领" if with_order else "接下来怎么领，我都私聊你了"
        reward = f"{done}的{v_or(base)}，{sent}"
    # a closing with a poll asks for nothing else
    note = reward if not _ASKS_BACK.search(reward) else \
        f"群满{m['members']}人了，{m['per']}{lure['each']}，" \
        f"{'约时间' if lure['type'] in ('course', 'service') else '领法'}我今晚挨个私聊确认"
    life = "这个群不解散，大家不用退群" if g["type"] == "fan" else "这个群明天解散，要存的图和消息今晚存好"
    short = life.removeprefix("这个群")
    if later:  # the closing went out before tonight's live: it is still on
        life = f"{later[0]['at']}的{later[0]['what']}照常，" + life
    # the poll asks about what members had in the group, not about a reward few have yet
    poll = [re.sub(r"^(?:一个|一份|一次|每天|每晚|每周)", "", s["what"]) for s in g["services"]][:4]
    return {"today": today, "reward": reward, "reward_note": note, "group": life, "group_short": short,
            "poll": poll + (["每天的话题"] if base["has_topics"] else [])}


_ASKS_BACK = re.compile(r"私信发我|发我|私聊我(?!了)|回我")


def v_or(base: dict[str, Any]) -> str:
    return base["voice"]["address"].removesuffix("们")


def _noun_question(theme: str) -> str:
    """A noun theme asked as a question: 车里最难搞干净的地方 → …是哪儿？, 孩子最喜欢的一本英文绘本 → …是哪本？"""
    if theme.endswith(("地方", "角落")):
        return f"{theme}是哪儿？"
    unit = re.search(r"一([本首部款家])[^一]*$", theme)
    if unit:
        return f"{theme}是哪{unit.group(1)}？"
    return f"{theme}是什么？"


def _reply_hint(topic: dict[str, Any]) -> str:
    """What a player replies, said as what it is: a letter (Ctrl+E), a number, a word, a title, a short guess.

    The clue names the shape when it can (一个元音字母, 8个字母, 四个字); else the answer's own shape."""
    clue, answer = topic["clue"], re.split(r"[（(]", topic["answer"], maxsplit=1)[0].strip()
    if re.search(r"\d+个字母", clue):
        return "回个英文单词就行。"
    if re.search(r"(?:一个|哪个)[^，,。\d]{0,3}字母", clue):
        return "回个字母就行。"
    if re.search(r"[一二三四五六七八九两\d]个字(?!母)", clue):
        return "回一个词就行。"
    if re.fullmatch(r"[A-Za-z]{2,}", answer):
        return "回个英文单词就行。"
    if re.fullmatch(r"[A-Za-z]", answer) or re.fullmatch(r"(?:Ctrl|Alt|Shift|Cmd)\s*[+＋]\s*[A-Za-z0-9]", answer, re.I):
        return "回个字母就行。"
    if answer and re.match(r"^\d", answer):
        return "回个数字就行。"
    if answer.startswith("《"):
        return "回个书名就行。"
    if len(answer) == 1 or topic["theme"].startswith("猜字"):
        return "回一个字就行。"
    return "回一个词就行。" if len(answer) <= 4 else "猜一句就行。"


def _options_line(theme: str, options: list[str]) -> tuple[str, str]:
    """A question's options: the ones the theme already names are not listed again (夏天你想剪短还是留着
    + 听理发师的 → …还是听理发师的？); 比如 and 回一个词 only for options that are single words."""
    named = [o for o in options if o in theme]
    if len(named) >= 2:
        rest = [o for o in options if o not in named]
        return (f"{theme.rstrip('？?')}{''.join('，还是' + o for o in rest)}？", "选一个回就行。")
    words = all(len(o) <= 4 and not re.search(r"[，,、的 ]", o) for o in options)
    said = join_cn(options, "还是")
    return ("", f"比如{said}，回一个词就行。" if words else f"{said}，选一个回就行。")


def _topic(topic: dict[str, Any], reveal: str) -> dict[str, Any]:
    theme = topic["theme"]
    if _is_question(theme):
        q = "" if theme.endswith(("？", "?")) else "？"
    elif theme.startswith(_IMPERATIVE):
        q = "～"
    elif topic["form"] == "vote":
        q = "是哪个？" if "你" in theme and theme.endswith("的") or theme.endswith(("一杯", "一个", "一款")) else "，你选哪个？"
    elif topic["form"] == "game":
        q = "，猜猜是什么？"
    else:
        q = "，你的答案是？" if theme.startswith("你") else ""
    # a theme that already says what to shoot (收到橙子了晒一下, 拍个侧面照) is said as it is, not as a label
    photo = theme + ("" if theme.endswith("）") else "！") if re.search(r"晒|拍", theme) else f"主题是「{theme}」"
    if _is_question(theme):
        line = f"{theme}{q}"  # a question needs no quotes
    elif theme.startswith(_IMPERATIVE):  # 说说你家清洁小妙招 is already an invitation
        line = f"{theme}～"
    else:  # a noun theme is asked, never 聊聊X吧，你的呢 after 有个小问题
        line = _noun_question(theme)
    asks = line.endswith(("？", "?"))
    options_hint = ""
    if topic["options"]:
        said, options_hint = _options_line(line if asks else theme, topic["options"])
        line = said or line
        asks = asks or bool(said)
    hint = _reply_hint(topic)
    # a spreadsheet or a screen is shared as a screenshot, not photographed (打码 first when asked)
    shot = ("打完码截个图发群里就行。" if "打码" in theme else "截个图发群里就行，不用整理。") \
        if re.search(r"表格|表|截图|屏|电脑|文件|PPT|ppt|页面", theme) else \
        "翻一张手机里的照片发群里就行。" if re.search(r"最满意|那一次|以前|小时候|最难忘|第一次", theme) else ""
    return {**topic, "q": Opt(q), "reveal": reveal, "photo_line": photo, "line": line, "reply_hint": hint,
            "asks": asks, "options_hint": options_hint, "shot": Opt(shot)}


def _wake(base: dict[str, Any], seed: int, slot_id: str, segment: dict[str, Any]) -> dict[str, str]:
    offer = segment.get("offer", "") if segment else ""
    cta = f"{offer}。" if offer and "回" in offer else ("回个1就行。" if not offer else f"回个1就行，{offer}。")
    return {"ask_active": choose(seed, f"{slot_id}|ask", ["新朋友进群时帮忙回一句欢迎", "每天的话题帮忙起个头",
                                                          "看到群友的问题，知道的帮忙答一句"]),
            "cta": cta}


def brand_says(base: dict[str, Any], seed: int, pool: str, **extra: str) -> str:
    """One phrasing of a pool, chosen per brand and seed: two brands' packs do not share it."""
    options = phrase_pools()[pool]
    return choose(seed, f"{base['brand']['name']}|{pool}", options).format(**extra)


def _survey(base: dict[str, Any], seed: int) -> dict[str, Any]:
    """Why someone stopped coming, asked in the brand's own terms (来店里吃 / 来练 / 再约 / 下单)."""
    b = base["brand"]
    t, eat = b["trade"], b["eat"]
    options = [brand_says(base, seed, f"survey_need_{t}", eat=eat, visit=b["visit"]), brand_says(base, seed, "survey_noise"),
               brand_says(base, seed, f"survey_cost_{t}", eat=eat), "别的原因"]
    return {"ask": brand_says(base, seed, f"survey_ask_{t}", eat=eat, visit=b["visit"]),
            "options": [f"{chr(65 + i)} {o}" for i, o in enumerate(options)],
            "close": brand_says(base, seed, "survey_close")}


def _recall(base: dict[str, Any], has_offer: bool, seed: int = 0) -> dict[str, Any]:
    """One reason to come back, taken from the campaign (never an invented 新活动), and one reply
    to give: never the brand's product list pasted as a question."""
    g = base["group"]
    if g["dissolves"]:
        return {"back": "之前群里的活动结束有一阵了。", "news": "好久没联系了，最近还好吗？",
                "asks_after": "最近还好吗？",  # after 两个多月没联系了: not 好久没联系了 again
                "survey": _survey(base, seed)}
    first = g["regular"][0]
    return {"back": f"群里还是{first['said']}，回群看看就行。", "news": f"群里还是{first['said']}。",
            "asks_after": f"群里还是{first['said']}。", "survey": _survey(base, seed)}


def piece_context(kind: str, base: dict[str, Any], extra: dict[str, Any], day: dict[str, Any] | None,
                  time: str | None, target: str, seed: int, slot_id: str, say: Say | None = None) -> dict[str, Any]:
    """The kind-specific part of one piece's context."""
    out: dict[str, Any] = {}
    if base["voice"]["emoji_level"] == "few" and kind not in FEW_EMOJI_KINDS:
        out["e"] = {k: Emoji("") for k in base["e"]}
    if kind == "lure.nudge" and day:
        out["nudge"] = _nudge(base, day, extra.get("nth", 0), seed, time, say)
    elif kind == "lure.flash":
        out["flash"] = _flash_open(base)
    elif kind == "lure.fulfilment":
        out["fulfil"] = _fulfil(base, target)
    elif kind == "welcome.group":
        out["welcome"] = _welcome(base, extra.get("channel"))
    elif kind == "welcome.private":
        out["private"] = _private(base, seed)
    elif kind == "rules":
        out["rules_ctx"] = _rules(base)
    elif kind == "closing" and day:
        out["closing_ctx"] = _closing(base, day, extra.get("outcome", "met"), time)
    elif kind == "topic":
        out["topic"] = _topic(extra["topic"], extra.get("reveal", ""))
    elif kind.startswith("wakeup."):
        out["wake"] = _wake(base, seed, slot_id, extra.get("segment", {}))
    elif kind.startswith("recall."):
        # 「这份是专门给老朋友留的」 points at a gift, not at an offer on the next order
        out["recall"] = _recall(base, bool(extra.get("segment", {}).get("gives")), seed)
    return out
