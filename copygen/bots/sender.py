"""Scheduled delivery to a bot webhook: due times, journal, rate limits, retries, signing.

One part at a time, in due order; a part is journaled ``sending`` before its request leaves and
``sent`` only after the vendor acknowledged it (errcode/code 0 in an HTTP 200 body).  A part that
cannot be delivered stops the run there (exit 1), so nothing later overtakes it: the order in the
group is always the order of the pack.

Retries (tenacity): 5xx, timeouts, refused connections and the vendor's "system busy" code back off
exponentially from ``backoff`` seconds (capped at 60 s); the vendor's rate-limit codes (WeCom 45009,
DingTalk 130101/410100, Feishu 11232, HTTP 429) back off from ``rate_pause`` seconds (default 60 s,
capped at 10 minutes — DingTalk blocks a robot for 10 minutes after 20/min).  Before every request
the rate limiter waits until the target's windows (e.g. 20 per 60 s) have room, counting the
attempts of earlier runs from the journal.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Callable

import httpx
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from ..errors import CopygenError, InputError
from .compose import Part
from .journal import Journal, Key
from .targets import Reply, Target, _json_bytes


class SendError(CopygenError):
    """A part could not be delivered; the run stops there (exit 1)."""

    exit_code = 1


class _Transient(Exception):
    def __init__(self, detail: str, uncertain: bool = False):
        super().__init__(detail)
        self.detail = detail
        self.uncertain = uncertain


class _RateLimited(_Transient):
    pass


class _Permanent(Exception):
    def __init__(self, reply: Reply):
        super().__init__(reply.detail)
        self.reply = reply


class Clock:
    """Real time; tests pass a virtual clock with the same three methods."""

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def now(self, tz: dt.tzinfo) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.time(), tz)


class Redactor:
    """Replaces the webhook URL, its key/token and the signing secret in anything shown to the user."""

    def __init__(self, *secrets: str | None):
        found: set[str] = set()
        for s in secrets:
            if not s:
                continue
            found.add(s)
            u = urllib.parse.urlsplit(s)
            if u.scheme in ("http", "https"):
                found.update(v for _, v in urllib.parse.parse_qsl(u.query))
                found.update(p for p in u.path.split("/") if len(p) >= 16)
                found.add(u.query)
        self.secrets = sorted((s for s in found if len(s) >= 6), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for s in self.secrets:
            text = text.replace(s, "***")
        return text


def dingtalk_sign(secret: str, timestamp_ms: str) -> str:
    """base64(HmacSHA256(key=secret, msg=timestamp + "\\n" + secret)); URL-encoding is left to the query encoder."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(mac).decode("ascii")


def feishu_sign(secret: str, timestamp_s: str) -> str:
    """base64(HmacSHA256(key=timestamp + "\\n" + secret, msg=empty)) — key and message swapped vs DingTalk."""
    mac = hmac.new(f"{timestamp_s}\n{secret}".encode("utf-8"), b"", hashlib.sha256).digest()
    return base64.b64encode(mac).decode("ascii")


def signed_request(target: Target, webhook: str, payload: dict, secret: str | None, now: float,
                   idempotency_key: str) -> tuple[str, bytes]:
    """The URL and body for one attempt (signatures are made per attempt: they expire after an hour)."""
    url = webhook
    body = dict(payload)
    if target.signing == "dingtalk":
        body["msgUuid"] = idempotency_key  # DingTalk drops a retry that repeats a msgUuid
        if secret:
            ts = str(int(now * 1000))
            sep = "&" if urllib.parse.urlsplit(webhook).query else "?"
            url = webhook + sep + urllib.parse.urlencode({"timestamp": ts, "sign": dingtalk_sign(secret, ts)})
    elif target.signing == "feishu" and secret:
        ts = str(int(now))
        body = {"timestamp": ts, "sign": feishu_sign(secret, ts), **payload}
    return url, _json_bytes(body)


def digest(payload: dict) -> str:
    return hashlib.sha256(_json_bytes(payload)).hexdigest()[:16]


@dataclass
class Options:
    until: dt.datetime | None = None  # send what is due up to then; None with follow
    follow: bool = False
    timeout: float = 10.0
    retries: int = 5
    backoff: float = 1.0
    rate_pause: float = 60.0
    rate: tuple[tuple[int, float], ...] | None = None  # overrides the target's windows
    poll: float = 30.0  # longest single sleep while following


@dataclass
class Result:
    sent: list[Part] = field(default_factory=list)
    already: int = 0
    resent_uncertain: list[str] = field(default_factory=list)
    waiting: int = 0  # parts not yet due when the run ended


class Sender:
    def __init__(self, target: Target, pack_id: str, parts: list[Part], journal: Journal, webhook: str,
                 secret: str | None, options: Options, clock: Clock | None = None,
                 say: Callable[[str], None] = print, transport: httpx.BaseTransport | None = None):
        self.target, self.pack_id, self.parts, self.journal = target, pack_id, parts, journal
        self.webhook, self.secret, self.opt = webhook, secret, options
        self.clock = clock or Clock()
        self.redact = Redactor(webhook, secret)
        self._say = say
        self.client = httpx.Client(timeout=httpx.Timeout(options.timeout), transport=transport,
                                   headers={"Content-Type": "application/json; charset=utf-8"})

    def say(self, text: str) -> None:
        self._say(self.redact(text))

    def close(self) -> None:
        self.client.close()

    def key(self, part: Part) -> Key:
        return Key(self.pack_id, part.message.id, part.index, self.target.name)

    # -- the loop ---------------------------------------------------------------
    def run(self) -> Result:
        res = Result()
        states = self.journal.states(self.pack_id, self.target.name)
        todo = []
        for part in self.parts:
            if states.get((part.message.id, part.index)) == "sent":
                res.already += 1
            else:
                todo.append(part)
        for n, part in enumerate(todo):
            due = part.message.due
            assert due is not None
            if not self.opt.follow and self.opt.until is not None and due > self.opt.until:
                res.waiting = len(todo) - n
                break
            while self.opt.follow:
                left = (due - self.clock.now(due.tzinfo)).total_seconds()
                if left <= 0:
                    break
                self.clock.sleep(min(left, self.opt.poll))
            self.deliver(part, res)
        return res

    # -- one part -------------------------------------------------------------
    def deliver(self, part: Part, res: Result) -> None:
        key = self.key(part)
        label = f"{part.message.id}（{part.index}/{part.count}）" if part.count > 1 else part.message.id
        before = self.journal.begin(key, part.count, digest(part.payload),
                                    part.message.due.isoformat() if part.message.due else None)
        if before.state == "sent":
            res.already += 1
            return
        if before.state == "sending":
            how = "钉钉按 msgUuid 去重" if self.target.signing == "dingtalk" else "若上次其实已送达，群里会多一条"
            self.say(f"注意：{label} 上次发送时进程中断，结果未知，现在重发（{how}）")
            res.resent_uncertain.append(label)
        idem = self.journal.idempotency_key(key)
        uncertain = False

        def attempt() -> Reply:
            nonlocal uncertain
            self._wait_for_slot()
            now = self.clock.time()
            url, body = signed_request(self.target, self.webhook, part.payload, self.secret, now, idem)
            try:
                resp = self.client.post(url, content=body)
            except httpx.TimeoutException as exc:
                sent_maybe = not isinstance(exc, (httpx.ConnectTimeout, httpx.PoolTimeout))
                uncertain = uncertain or sent_maybe
                self.journal.attempt(key, "timeout", None, type(exc).__name__, at=now)
                raise _Transient(f"超时（{type(exc).__name__}）", sent_maybe) from None
            except httpx.TransportError as exc:
                self.journal.attempt(key, "error", None, self.redact(type(exc).__name__), at=now)
                raise _Transient(f"连接失败（{type(exc).__name__}）") from None
            reply = self.target.classify(resp.status_code, resp.content)
            self.journal.attempt(key, reply.status, reply.code, self.redact(reply.detail), at=now)
            if reply.status == "ok":
                return reply
            if reply.status == "rate_limited":
                self.say(f"{label}：{self.target.label}限流（{reply.code or reply.detail}），稍后重试")
                raise _RateLimited(self._describe(reply))
            if reply.status == "retry":
                raise _Transient(self._describe(reply))
            raise _Permanent(reply)

        exp = wait_exponential(multiplier=self.opt.backoff, min=self.opt.backoff, max=max(60.0, self.opt.backoff))
        pause = wait_exponential(multiplier=self.opt.rate_pause, min=self.opt.rate_pause,
                                 max=max(600.0, self.opt.rate_pause))

        def wait(state) -> float:
            return (pause if isinstance(state.outcome.exception(), _RateLimited) else exp)(state)

        retrying = Retrying(stop=stop_after_attempt(self.opt.retries + 1), wait=wait, sleep=self.clock.sleep,
                            retry=retry_if_exception_type(_Transient), reraise=True)
        try:
            reply = retrying(attempt)
        except _Permanent as exc:
            self.journal.failed(key, self._describe(exc.reply))
            raise SendError(self.redact(f"{label} 发送失败：{self._describe(exc.reply)}；后面的消息没有发（重跑会从这条接着发）")) from None
        except _Transient as exc:
            if not uncertain:
                self.journal.failed(key, exc.detail)
            raise SendError(self.redact(f"{label} 重试 {self.opt.retries} 次仍未成功：{exc.detail}；"
                                        "后面的消息没有发（稍后重跑会从这条接着发）")) from None
        self.journal.sent(key, self.redact(reply.detail or "ok"))
        res.sent.append(part)
        when = part.message.due.strftime("%m-%d %H:%M") if part.message.due else ""
        self.say(f"已发送 {label} → {self.target.label}（{part.bytes} 字节，{when} 的消息）"
                 + ("；期间有请求超时，若对方其实已收到，可能重复一条" if uncertain and self.target.signing != "dingtalk" else ""))

    def _describe(self, reply: Reply) -> str:
        code = f"错误码 {reply.code}" if reply.code is not None else ""
        return "，".join(x for x in (code, reply.detail) if x) or "未知错误"

    def _wait_for_slot(self) -> None:
        for count, seconds in self.opt.rate or self.target.rate:
            while True:
                now = self.clock.time()
                recent = self.journal.recent(self.target.robot, now - seconds)
                if len(recent) < count:
                    break
                self.clock.sleep(recent[len(recent) - count] + seconds - now + 0.001)


def parse_rate(items: tuple[str, ...]) -> tuple[tuple[int, float], ...] | None:
    """``--rate 20/60`` (requests per seconds), repeatable; None when not given."""
    out = []
    for item in items:
        n, sep, s = item.partition("/")
        try:
            count, secs = int(n), float(s)
        except ValueError:
            count, secs = 0, 0.0
        if not sep or count < 1 or secs <= 0:
            raise InputError(f"--rate 应写成 条数/秒数，例如 --rate 20/60（收到：{item}）")
        out.append((count, secs))
    return tuple(out) or None


def parse_until(value: str, tz: dt.tzinfo, clock: Clock) -> dt.datetime:
    """``now``, ``YYYY-MM-DD`` (the end of that day) or ``YYYY-MM-DD HH:MM[:SS]`` / ISO 8601, in ``tz``."""
    v = value.strip()
    if v.lower() == "now":
        return clock.now(tz)
    try:
        if len(v) == 10:
            d = dt.date.fromisoformat(v)
            return dt.datetime.combine(d, dt.time(23, 59, 59), tz)
        t = dt.datetime.fromisoformat(v.replace(" ", "T"))
    except ValueError:
        raise InputError(f"--until 不是合法时间：{value}（例如 now、2026-12-03、2026-12-03T20:00）") from None
    return t if t.tzinfo else t.replace(tzinfo=tz)


def check_webhook(url: str, redact: Redactor) -> None:
    u = urllib.parse.urlsplit(url)
    if u.scheme not in ("http", "https") or not u.netloc:
        raise InputError(redact(f"webhook 地址不是 http(s) 地址：{url}"))

