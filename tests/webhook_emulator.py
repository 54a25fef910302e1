"""A local emulator of the WeCom, DingTalk and Feishu robot webhooks (a real HTTP server on 127.0.0.1).

It behaves as the vendors document: HTTP 200 with an error code for every refusal, the vendor's
own rate-limit codes, byte limits, access-token checks, and — written here independently of
copygen's sender, from the vendors' signing docs — DingTalk's query signature (timestamp in ms,
HMAC-SHA256 keyed by the secret, URL-encoded) and Feishu's body signature (timestamp in seconds,
HMAC-SHA256 keyed by "timestamp\\nsecret" over an empty message).  DingTalk drops a request whose
``msgUuid`` it has already accepted, as its doc promises for retries.

Faults are scripted per request number (1-based, counting every request that reaches it):

    "5xx"          HTTP 502, nothing delivered
    "ratelimit"    HTTP 200 with the vendor's rate-limit code, nothing delivered
    "slow:S"       wait S seconds, then behave normally (delivers even if the client gave up)
    "hang:S"       wait S seconds, then close without an answer, nothing delivered
    "kill-before"  call ``on_kill`` (the test SIGKILLs the sender), close; nothing delivered
    "kill-after"   deliver, call ``on_kill``, close without an answer (the ack-vs-journal window)
    "kill-later:S" answer 502, then call ``on_kill`` S seconds later (the sender is backing off)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

RATE_REPLY = {
    "wecom": {"errcode": 45009, "errmsg": "api freq out of limit"},
    "dingtalk": {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"},
    "feishu": {"code": 11232, "msg": "frequency limited"},
}
OK_REPLY = {
    "wecom": {"errcode": 0, "errmsg": "ok"},
    "dingtalk": {"errcode": 0, "errmsg": "ok"},
    "feishu": {"code": 0, "msg": "success", "data": {}, "StatusCode": 0, "StatusMessage": "success"},
}


@dataclass
class Delivered:
    n: int  # request number
    vendor: str
    text: str
    payload: dict


@dataclass
class Emulator:
    key: str = "wk-3f1c9a7e-0d2b-4c55-9e61-5b2f7d8a1c00"  # WeCom key / DingTalk and Feishu token
    secret: str | None = None  # DingTalk SEC… / Feishu signing secret; None: no signature required
    rate: tuple[int, float] | None = None  # (requests, seconds) enforced like the vendor
    script: dict[int, str] = field(default_factory=dict)
    on_kill: Callable[[], None] | None = None
    delivered: list[Delivered] = field(default_factory=list)
    log: list[tuple[int, str, str]] = field(default_factory=list)  # (n, vendor, outcome)

    def __post_init__(self):
        self._lock = threading.Lock()
        self._n = 0
        self._times: list[float] = []
        self._uuids: set[str] = set()
        self.server: ThreadingHTTPServer | None = None

    # -- lifecycle ------------------------------------------------------------
    def __enter__(self) -> "Emulator":
        emu = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                emu._handle(self)

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()

    @property
    def requests(self) -> int:
        """Requests that have reached the emulator so far (counted on arrival)."""
        return self._n

    @property
    def base(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, vendor: str) -> str:
        return {
            "wecom": f"{self.base}/cgi-bin/webhook/send?key={self.key}",
            "dingtalk": f"{self.base}/robot/send?access_token={self.key}",
            "feishu": f"{self.base}/open-apis/bot/v2/hook/{self.key}",
        }[vendor]

    def texts(self) -> list[str]:
        return [d.text for d in self.delivered]

    # -- one request ----------------------------------------------------------
    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self._n += 1
            n = self._n
        fault = self.script.get(n, "")
        u = urllib.parse.urlsplit(h.path)
        query = dict(urllib.parse.parse_qsl(u.query))
        raw = h.rfile.read(int(h.headers.get("Content-Length") or 0))
        vendor = ("wecom" if u.path == "/cgi-bin/webhook/send" else "dingtalk" if u.path == "/robot/send"
                  else "feishu" if u.path.startswith("/open-apis/bot/v2/hook/") else "")

        def answer(obj: dict, status: int = 200, outcome: str = "") -> None:
            self.log.append((n, vendor, outcome or json.dumps(obj, ensure_ascii=False)))
            data = json.dumps(obj, ensure_ascii=False).encode("utf-8")
            try:
                h.send_response(status)
                h.send_header("Content-Type", "application/json")
                h.send_header("Content-Length", str(len(data)))
                h.end_headers()
                h.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout) or was killed
                pass

        def drop(outcome: str) -> None:
            self.log.append((n, vendor, outcome))
            h.close_connection = True

        if fault.startswith("slow:"):
            time.sleep(float(fault.split(":")[1]))
        if fault.startswith("hang:"):
            time.sleep(float(fault.split(":")[1]))
            return drop("hang")
        if fault == "5xx":
            return answer({"error": "bad gateway"}, 502, "5xx")
        if fault.startswith("kill-later:"):
            delay = float(fault.split(":")[1])
            threading.Timer(delay, self._kill).start()
            return answer({"error": "bad gateway"}, 502, "5xx, kill later")
        if fault == "kill-before":
            self._kill()
            return drop("killed before delivery")
        if not vendor:
            return answer({"error": "not found"}, 404, "404")
        if fault == "ratelimit":
            return answer(RATE_REPLY[vendor], outcome="ratelimit (injected)")

        # -- what the vendor checks -----------------------------------------
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return answer({"code": 9499, "msg": "Bad Request"} if vendor == "feishu"
                          else {"errcode": 40035, "errmsg": "invalid json"}, outcome="bad json")
        refusal = self._refuse(vendor, u.path, query, body, raw)
        if refusal:
            return answer(refusal, outcome="refused: " + json.dumps(refusal, ensure_ascii=False))
        if self.rate:
            count, secs = self.rate
            now = time.monotonic()
            with self._lock:
                self._times = [t for t in self._times if t > now - secs]
                over = len(self._times) >= count
                self._times.append(now)
            if over:
                return answer(RATE_REPLY[vendor], outcome="ratelimit (over the window)")
        if vendor == "dingtalk" and body.get("msgUuid"):
            with self._lock:
                dup = body["msgUuid"] in self._uuids
                self._uuids.add(body["msgUuid"])
            if dup:
                return answer(OK_REPLY[vendor], outcome="duplicate msgUuid dropped")
        text = (body.get("text") or {}).get("content") if vendor == "dingtalk" else \
            (body.get("content") or {}).get("text") if vendor == "feishu" else \
            (body.get(body.get("msgtype"), {}) or {}).get("content")
        with self._lock:
            self.delivered.append(Delivered(n, vendor, text, body))
        if fault == "kill-after":
            self._kill()
            return drop("delivered, then killed before the answer")
        answer(OK_REPLY[vendor], outcome="delivered")

    def _refuse(self, vendor: str, path: str, query: dict, body: dict, raw: bytes) -> dict | None:
        if vendor == "wecom":
            if query.get("key") != self.key:
                return {"errcode": 93000, "errmsg": "invalid webhook url"}
            kind = body.get("msgtype")
            if kind not in ("text", "markdown"):
                return {"errcode": 40008, "errmsg": "invalid message type"}
            content = (body.get(kind) or {}).get("content") or ""
            if not content:
                return {"errcode": 44004, "errmsg": "empty content"}
            limit = 2048 if kind == "text" else 4096
            if len(content.encode("utf-8")) > limit:
                return {"errcode": 40058, "errmsg": f"{kind}.content exceed max length {limit}"}
            return None
        if vendor == "dingtalk":
            if query.get("access_token") != self.key:
                return {"errcode": 300005, "errmsg": "token is not exist"}
            if self.secret is not None:
                ts, sign = query.get("timestamp", ""), query.get("sign", "")
                if not ts.isdigit() or abs(time.time() * 1000 - int(ts)) > 3600 * 1000:
                    return {"errcode": 310000, "errmsg": "invalid timestamp"}
                want = base64.b64encode(hmac.new(self.secret.encode(), f"{ts}\n{self.secret}".encode(),
                                                 hashlib.sha256).digest()).decode()
                if not hmac.compare_digest(want, sign):  # parse_qsl already undid the URL-encoding
                    return {"errcode": 310000, "errmsg": "sign not match"}
            if body.get("msgtype") != "text" or not (body.get("text") or {}).get("content"):
                return {"errcode": 40035, "errmsg": "缺少参数 json"}
            if len(raw) > 20000:
                return {"errcode": 460101, "errmsg": "message too long, exceed 20000 bytes"}
            return None
        # feishu
        if path.rsplit("/", 1)[-1] != self.key:
            return {"code": 19001, "msg": "param invalid: incoming webhook access token invalid"}
        if len(raw) > 20000:
            return {"code": 9499, "msg": "Bad Request"}
        if self.secret is not None:
            ts, sign = str(body.get("timestamp", "")), str(body.get("sign", ""))
            if not ts.isdigit() or abs(time.time() - int(ts)) > 3600:
                return {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"}
            want = base64.b64encode(hmac.new(f"{ts}\n{self.secret}".encode(), b"", hashlib.sha256).digest()).decode()
            if not hmac.compare_digest(want, sign):
                return {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"}
        if body.get("msg_type") != "text" or not (body.get("content") or {}).get("text"):
            return {"code": 9499, "msg": "Bad Request"}
        return None

    def _kill(self) -> None:
        if self.on_kill:
            self.on_kill()
