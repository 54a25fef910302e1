"""Delivery targets: one class per vendor API — payload shape, byte budget, mentions, rate limit, replies.

Facts (../shared/research/bots.md, checked against the vendors' pages):

- WeCom group robot (企业微信群机器人, document 91770): ``text.content`` ≤ 2048 bytes, ``markdown.content``
  ≤ 4096 bytes, UTF-8; 20 messages/minute per robot; failures arrive as HTTP 200 with ``errcode``
  (45009 = over the rate limit).  Mentions: ``mentioned_list`` / ``mentioned_mobile_list`` in text,
  ``<@userid>`` in markdown (no @all, no mobiles there).
- WeCom 客户联系: 入群欢迎语素材 ``group_welcome_template/add`` (text ≤ 3000 bytes; ``%NICKNAME%``,
  case-sensitive, is replaced by WeCom itself — the only server-side placeholder); 新客户欢迎语
  ``send_welcome_msg`` (text ≤ 4000 bytes, one call per ``welcome_code`` within 20 s); 企业群发
  ``add_msg_template`` (text ≤ 4000 bytes; a member confirms before it goes out).
- DingTalk custom robot: 20 messages/minute (then blocked 10 minutes); errcode 130101 / 410100 =
  too fast; ``at.atMobiles`` / ``atUserIds`` / ``isAtAll`` and the ``@mobile`` must also appear in
  the text to ping.  No text limit is documented (one client maps an error "exceed 20000 bytes"),
  so the budget here is a conservative 4000 bytes.
- Feishu custom bot: request body ≤ 20 KB (20000 vs 20480 unconfirmed: budget 19000 bytes for the
  whole signed body); 100 requests/minute and 5/second per bot; ``code`` 11232 = rate limited,
  9499 = bad request (malformed or too large, not retryable).  Mentions: ``<at user_id="…">``
  with an open_id or ``all``; Feishu cannot @ by mobile number.

A target turns one text (placeholders already filled) into one or more payloads and reads the
vendor's reply into ``ok`` / ``retry`` / ``rate_limited`` / ``fail``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from ..errors import InputError
from .source import Message
from .split import split_text, utf8_len

_MOBILE = re.compile(r"1\d{10}")


@dataclass(frozen=True)
class Mentions:
    """Who a message @s: everyone, user ids (WeCom userid / DingTalk userId / Feishu open_id), mobiles."""

    all: bool = False
    users: tuple[str, ...] = ()
    mobiles: tuple[str, ...] = ()

    @classmethod
    def parse(cls, values: list[str] | tuple[str, ...]) -> "Mentions":
        """``all``, an 11-digit mainland mobile number, or a user id (WeCom userid, Feishu ou_…)."""
        everyone, users, mobiles = False, [], []
        for v in values:
            v = v.strip()
            if not v:
                continue
            if v.lower() in {"all", "@all", "所有人"}:
                everyone = True
            elif _MOBILE.fullmatch(v):
                mobiles.append(v)
            else:
                users.append(v.removeprefix("@"))
        return cls(everyone, tuple(users), tuple(mobiles))

    def __bool__(self) -> bool:
        return self.all or bool(self.users) or bool(self.mobiles)


NONE = Mentions()


@dataclass(frozen=True)
class Reply:
    """The vendor's answer, classified.  ``status``: ok | retry | rate_limited | fail."""

    status: str
    code: int | None
    detail: str


def _json_bytes(payload: dict) -> bytes:
    """The exact bytes sent: compact UTF-8 JSON (not \\u escapes, which would triple the size of 汉字)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class Target:
    name: str
    label: str  # Chinese, for messages to the user
    api: str  # what the payload is for, e.g. "POST …/webhook/send?key=KEY"
    limit: int  # bytes
    limit_of: str  # what the limit applies to
    audience: str = "group"  # group: a broadcast to a whole group; member: one person per call
    splittable: bool = True
    native: dict[str, str] = field(default_factory=dict)  # copygen placeholder → the target's own
    mention_kinds: frozenset[str] = frozenset()  # subset of {"all", "user", "mobile"}
    rate: tuple[tuple[int, float], ...] = ()  # (requests, seconds) windows
    webhook: bool = False  # can `copygen send` post it to a webhook URL
    signing: str | None = None
    rate_codes: frozenset[int] = frozenset()
    retry_codes: frozenset[int] = frozenset({-1})
    hints: dict[int, str] = field(default_factory=dict)  # error code → what the operator should fix

    @property
    def robot(self) -> str:
        """Targets posting to the same robot share its rate limit (wecom and wecom-markdown)."""
        return self.name.split("-")[0]

    # -- selection ------------------------------------------------------------
    def accepts(self, m: Message) -> bool:
        return m.target == "group"

    def native_for(self, m: Message | None) -> dict[str, str]:
        return self.native

    def api_for(self, m: Message) -> str:
        return self.api

    # -- payloads -------------------------------------------------------------
    def check_mentions(self, at: Mentions) -> None:
        wanted = {k for k, on in (("all", at.all), ("user", at.users), ("mobile", at.mobiles)) if on}
        missing = wanted - self.mention_kinds
        if missing:
            names = {"all": "@所有人", "user": "按用户 ID @人", "mobile": "按手机号 @人"}
            raise InputError(f"{self.label}不支持{'、'.join(names[k] for k in sorted(missing))}")

    def build(self, text: str, at: Mentions = NONE, message: Message | None = None) -> dict:
        raise NotImplementedError

    def measure(self, text: str, at: Mentions = NONE) -> int:
        """Bytes the vendor counts against ``limit`` for this text."""
        return utf8_len(self.content(text, at))

    def content(self, text: str, at: Mentions) -> str:
        return text

    def payloads(self, text: str, at: Mentions = NONE, message: Message | None = None) -> list[dict]:
        """One payload per part; only the first part carries the mentions."""
        self.check_mentions(at)
        if not self.splittable:
            if self.measure(text, at) > self.limit:
                raise InputError(f"{message.id if message else '这条消息'}有 {self.measure(text, at)} 字节，超过"
                                 f"{self.label}的上限 {self.limit} 字节（{self.limit_of}），这里不能拆成几条发，请缩短")
            return [self.build(text, at, message)]
        parts = split_text(text, self.limit, measure=lambda t: self.measure(t), first_measure=lambda t: self.measure(t, at))
        return [self.build(p, at if i == 0 else NONE, message) for i, p in enumerate(parts)]

    def size(self, payload: dict) -> int:
        """Bytes of ``payload`` that count against the limit (for reports and tests)."""
        raise NotImplementedError

    # -- replies --------------------------------------------------------------
    def classify(self, http_status: int, body: bytes) -> Reply:
        if http_status == 429:
            return Reply("rate_limited", None, "HTTP 429")
        if http_status >= 500:
            return Reply("retry", None, f"HTTP {http_status}")
        if http_status >= 400:
            return Reply("fail", None, f"HTTP {http_status}")
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return Reply("retry", None, f"HTTP {http_status}，回复不是 JSON")
        if not isinstance(data, dict):
            return Reply("retry", None, "回复不是 JSON 对象")
        code, msg = self.code_of(data)
        if code == 0:
            return Reply("ok", 0, msg)
        if code is None:
            return Reply("retry", None, f"回复里没有错误码：{str(data)[:120]}")
        if code in self.rate_codes:
            return Reply("rate_limited", code, msg)
        if code in self.retry_codes:
            return Reply("retry", code, msg)
        hint = self.hints.get(code)
        return Reply("fail", code, f"{msg}（{hint}）" if hint else msg)

    def code_of(self, data: dict) -> tuple[int | None, str]:
        code = data.get("errcode")
        return (int(code) if isinstance(code, (int, str)) and str(code).lstrip("-").isdigit() else None,
                str(data.get("errmsg", "")))


# ------------------------------------------------------------------ WeCom robot --

class WeComText(Target):
    def content(self, text: str, at: Mentions) -> str:
        return text

    def build(self, text: str, at: Mentions = NONE, message: Message | None = None) -> dict:
        body: dict = {"content": text}
        users = list(at.users) + (["@all"] if at.all else [])
        if users:
            body["mentioned_list"] = users
        if at.mobiles:
            body["mentioned_mobile_list"] = list(at.mobiles)
        return {"msgtype": "text", "text": body}

    def size(self, payload: dict) -> int:
        return utf8_len(payload["text"]["content"])


class WeComMarkdown(Target):
    def content(self, text: str, at: Mentions) -> str:
        if at.users:
            return text + "\n" + " ".join(f"<@{u}>" for u in at.users)
        return text

    def build(self, text: str, at: Mentions = NONE, message: Message | None = None) -> dict:
        return {"msgtype": "markdown", "markdown": {"content": self.content(text, at)}}

    def size(self, payload: dict) -> int:
        return utf8_len(payload["markdown"]["content"])


# ---------------------------------------------------------------- WeCom 客户联系 --

class WeComWelcome(Target):
    """入群欢迎语素材 (welcome.group) and 新客户欢迎语 (welcome.private)."""

    def accepts(self, m: Message) -> bool:
        return m.kind in ("welcome.group", "welcome.private")

    def limit_for(self, m: Message | None) -> int:
        return 3000 if m is None or m.kind == "welcome.group" else 4000

    def native_for(self, m: Message | None) -> dict[str, str]:
        return self.native if m is None or m.kind == "welcome.group" else {}

    def payloads(self, text: str, at: Mentions = NONE, message: Message | None = None) -> list[dict]:
        self.check_mentions(at)
        limit = self.limit_for(message)
        n = utf8_len(text)
        if n > limit:
            raise InputError(f"{message.id if message else '欢迎语'}有 {n} 字节，超过{self.label}的上限 {limit} 字节"
                             "（text.content），欢迎语只能是一条，请缩短")
        return [self.build(text, at, message)]

    def build(self, text: str, at: Mentions = NONE, message: Message | None = None) -> dict:
        if message is not None and message.kind == "welcome.private":
            # welcome_code arrives with the add_external_contact callback and is valid 20 s, once.
            return {"welcome_code": "WELCOME_CODE", "text": {"content": text}}
        return {"text": {"content": text}}

    def api_for(self, m: Message) -> str:
        if m.kind == "welcome.private":
            return "POST https://qyapi.weixin.qq.com/cgi-bin/externalcontact/send_welcome_msg?access_token=ACCESS_TOKEN"
        return "POST https://qyapi.weixin.qq.com/cgi-bin/externalcontact/group_welcome_template/add?access_token=ACCESS_TOKEN"

    def size(self, payload: dict) -> int:
        return utf8_len(payload["text"]["content"])


class WeComGroupMsg(Target):
    """企业群发 add_msg_template to customers (chat_type single): the scheduled private messages."""

    def accepts(self, m: Message) -> bool:
        return m.target == "private" and m.scheduled

    def build(self, text: str, at: Mentions = NONE, message: Message | None = None) -> dict:
        # "sender" (the member whose customers receive it) is added by the caller: compose.plan(sender=…).
        return {"chat_type": "single", "text": {"content": text}}

    def size(self, payload: dict) -> int:
        return utf8_len(payload["text"]["content"])


# -------------------------------------------------------------------- DingTalk --

class DingTalk(Target):
    def content(self, text: str, at: Mentions) -> str:
        # A mobile or userId pings only when "@<it>" is also in the text.
        tags = [f"@{x}" for x in (*at.mobiles, *at.users)]
        return text + ("\n" + " ".join(tags) if tags else "")

    def build(self, text: str, at: Mentions = NONE, message: Message | None = None) -> dict:
        payload: dict = {"msgtype": "text", "text": {"content": self.content(text, at)}}
        if at:
            payload["at"] = {"atMobiles": list(at.mobiles), "atUserIds": list(at.users), "isAtAll": at.all}
        return payload

    def size(self, payload: dict) -> int:
        return utf8_len(payload["text"]["content"])


# ---------------------------------------------------------------------- Feishu --

# What signing adds to the body: ,"timestamp":"<10 digits>","sign":"<44 base64 chars>"
FEISHU_SIGN_BYTES = len(',"timestamp":"1700000000","sign":""') + 44


class Feishu(Target):
    def content(self, text: str, at: Mentions) -> str:
        tags = (['<at user_id="all">所有人</at>'] if at.all else []) + [f'<at user_id="{u}"></at>' for u in at.users]
        return (" ".join(tags) + " " + text) if tags else text

    def build(self, text: str, at: Mentions = NONE, message: Message | None = None) -> dict:
        return {"msg_type": "text", "content": {"text": self.content(text, at)}}

    def measure(self, text: str, at: Mentions = NONE) -> int:
        return len(_json_bytes(self.build(text, at))) + FEISHU_SIGN_BYTES

    def size(self, payload: dict) -> int:
        return len(_json_bytes(payload)) + (0 if "sign" in payload else FEISHU_SIGN_BYTES)

    def code_of(self, data: dict) -> tuple[int | None, str]:
        for key, msg in (("code", "msg"), ("StatusCode", "StatusMessage")):
            code = data.get(key)
            if isinstance(code, int):
                return code, str(data.get(msg, ""))
        return None, ""


WECOM_RATE = ((20, 60.0),)
WECOM_HINTS = {93000: "webhook 地址无效，或机器人已被移出群", 93004: "机器人已被停用", 93008: "机器人不在群里",
               40058: "内容超长或参数不合法", 45002: "内容超过长度上限", 44004: "内容为空"}
DINGTALK_HINTS = {310000: "安全设置没通过：关键词、加签密钥或 IP 白名单", 300005: "access_token 不存在或机器人已删除",
                  400101: "access_token 不存在", 400102: "机器人已停用", 400106: "机器人不存在", 400013: "群已解散"}
FEISHU_HINTS = {19021: "签名校验失败：加签密钥不对，或本机时间偏差超过 1 小时", 19022: "IP 不在白名单里",
                19024: "消息里没有机器人设置的关键词", 19001: "webhook 地址无效", 9499: "请求格式不对或超过 20 KB"}
TARGETS: dict[str, Target] = {t.name: t for t in (
    WeComText("wecom", "企业微信群机器人文本消息", "POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY",
              2048, "text.content", mention_kinds=frozenset({"all", "user", "mobile"}), rate=WECOM_RATE,
              webhook=True, rate_codes=frozenset({45009}), hints=WECOM_HINTS),
    WeComMarkdown("wecom-markdown", "企业微信群机器人 markdown 消息",
                  "POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY", 4096, "markdown.content",
                  mention_kinds=frozenset({"user"}), rate=WECOM_RATE, webhook=True, rate_codes=frozenset({45009}),
                  hints=WECOM_HINTS),
    WeComWelcome("wecom-welcome", "企业微信欢迎语", "group_welcome_template/add（入群欢迎语）或 send_welcome_msg（加好友欢迎语）",
                 3000, "text.content；入群欢迎语 3000 字节，加好友欢迎语 4000 字节", audience="member", splittable=False,
                 native={"%NICKNAME%": "%NICKNAME%"}),
    WeComGroupMsg("wecom-groupmsg", "企业微信群发（客户联系）",
                  "POST https://qyapi.weixin.qq.com/cgi-bin/externalcontact/add_msg_template?access_token=ACCESS_TOKEN",
                  4000, "text.content", audience="member", splittable=False),
    DingTalk("dingtalk", "钉钉自定义机器人", "POST https://oapi.dingtalk.com/robot/send?access_token=TOKEN", 4000,
             "text.content（钉钉未公开上限，保守取 4000 字节）", mention_kinds=frozenset({"all", "user", "mobile"}),
             rate=((20, 60.0),), webhook=True, signing="dingtalk", rate_codes=frozenset({130101, 410100}),
             hints=DINGTALK_HINTS),
    Feishu("feishu", "飞书自定义机器人", "POST https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN", 19000,
           "整个请求体（飞书上限 20 KB，留出余量）", mention_kinds=frozenset({"all", "user"}),
           rate=((5, 1.0), (100, 60.0)), webhook=True, signing="feishu",
           rate_codes=frozenset({11232, 99991400}), hints=FEISHU_HINTS),
)}


def get_target(name: str) -> Target:
    try:
        return TARGETS[name]
    except KeyError:
        raise InputError(f"不认识的目标 {name}（可选：{'、'.join(TARGETS)}）") from None
