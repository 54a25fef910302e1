"""The send journal: SQLite beside the pack (PACK_DIR/.copygen-send.sqlite by default).

One row per (pack, message, part, target).  The state machine:

    (none) ──begin──▶ sending ──ack──▶ sent
                        │  ▲
        certain failure │  │ begin (rerun)
                        ▼  │
                       failed

- ``sending`` is written and committed *before* the request leaves.  A row still ``sending`` when a
  run starts means the previous run died with that request in flight: the endpoint may or may not
  have accepted it.  It is sent again (with the same idempotency key, ``msgUuid`` on DingTalk), so
  a crash never loses a message; where the vendor has no idempotency key (WeCom, Feishu) the one
  case that can double a message is a crash in the instant between the vendor's acknowledgement and
  the commit of ``sent`` (see README, "Exactly once").
- ``sent`` is written only after the endpoint acknowledged (errcode/code 0).
- ``failed``: every attempt got a definite rejection (an error code, a 5xx, a refused connection),
  so the message was not delivered; a rerun tries it again.

Every HTTP attempt is also logged (table ``attempts``): the rate limiter reads it, so the vendor's
per-minute limit holds across runs (cron starts a new process every few minutes).
Nothing secret is stored: no webhook URL, no key, no signing secret.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

JOURNAL_NAME = ".copygen-send.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
  pack TEXT NOT NULL, message TEXT NOT NULL, part INTEGER NOT NULL, target TEXT NOT NULL,
  parts INTEGER NOT NULL, state TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'failed')),
  idempotency_key TEXT NOT NULL, digest TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  runs INTEGER NOT NULL DEFAULT 1, due TEXT, first_tried TEXT NOT NULL, acked_at TEXT, detail TEXT,
  seq INTEGER,
  PRIMARY KEY (pack, message, part, target)
);
CREATE TABLE IF NOT EXISTS attempts (
  id INTEGER PRIMARY KEY, at REAL NOT NULL, pack TEXT NOT NULL, message TEXT NOT NULL, part INTEGER NOT NULL,
  target TEXT NOT NULL, outcome TEXT NOT NULL, code INTEGER, detail TEXT
);
CREATE INDEX IF NOT EXISTS attempts_by_target ON attempts (target, at);
"""


@dataclass(frozen=True)
class Key:
    pack: str
    message: str
    part: int
    target: str

    def __str__(self) -> str:
        return f"{self.message}#{self.part}"


@dataclass(frozen=True)
class Row:
    state: str
    idempotency_key: str
    digest: str
    attempts: int
    runs: int
    detail: str | None


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


class Journal:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock_fd: int | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")  # a committed 'sent' survives power loss too
            self.db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise InputError(f"{self.path}: 无法打开发送日志（{exc}）") from None

    # -- one sender at a time -------------------------------------------------
    def lock(self) -> None:
        """An exclusive lock for this run; a second `copygen send` on the same journal stops at once.

        flock is released by the kernel when the process dies (even on SIGKILL)."""
        fd = os.open(str(self.path) + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise InputError(f"另一个 copygen send 正在使用发送日志 {self.path}，本次不发送") from None
        self._lock_fd = fd

    def close(self) -> None:
        self.db.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    # -- rows -----------------------------------------------------------------
    def row(self, key: Key) -> Row | None:
        r = self.db.execute(
            "SELECT state, idempotency_key, digest, attempts, runs, detail FROM deliveries "
            "WHERE pack=? AND message=? AND part=? AND target=?",
            (key.pack, key.message, key.part, key.target)).fetchone()
        return Row(*r) if r else None

    def states(self, pack: str, target: str) -> dict[tuple[str, int], str]:
        return {(m, p): s for m, p, s in self.db.execute(
            "SELECT message, part, state FROM deliveries WHERE pack=? AND target=?", (pack, target))}

    def begin(self, key: Key, parts: int, digest: str, due: str | None) -> Row:
        """Mark ``key`` as in flight (committed before the request leaves); returns the row as it was before."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            before = self.row(key)
            if before is None:
                seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM deliveries").fetchone()[0]
                self.db.execute(
                    "INSERT INTO deliveries (pack, message, part, target, parts, state, idempotency_key, digest, "
                    "due, first_tried, seq) VALUES (?, ?, ?, ?, ?, 'sending', ?, ?, ?, ?, ?)",
                    (key.pack, key.message, key.part, key.target, parts, uuid.uuid4().hex, digest, due, _now(), seq))
                return Row("new", "", digest, 0, 0, None)
            if before.state == "sent":
                return before
            self.db.execute(
                "UPDATE deliveries SET state='sending', runs=runs+1 WHERE pack=? AND message=? AND part=? AND target=?",
                (key.pack, key.message, key.part, key.target))
            return before

    def idempotency_key(self, key: Key) -> str:
        r = self.row(key)
        assert r is not None
        return r.idempotency_key

    def sent(self, key: Key, detail: str) -> None:
        self._finish(key, "sent", detail)

    def failed(self, key: Key, detail: str) -> None:
        self._finish(key, "failed", detail)

    def _finish(self, key: Key, state: str, detail: str) -> None:
        with self.db:
            self.db.execute(
                "UPDATE deliveries SET state=?, detail=?, acked_at=? WHERE pack=? AND message=? AND part=? AND target=?",
                (state, detail[:500], _now() if state == "sent" else None, key.pack, key.message, key.part, key.target))

    # -- attempts (rate limiting, audit) ---------------------------------------
    def attempt(self, key: Key, outcome: str, code: int | None, detail: str, at: float | None = None) -> None:
        with self.db:
            self.db.execute(
                "INSERT INTO attempts (at, pack, message, part, target, outcome, code, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (time.time() if at is None else at, key.pack, key.message, key.part, key.target, outcome, code,
                 detail[:500]))
            self.db.execute("UPDATE deliveries SET attempts=attempts+1 WHERE pack=? AND message=? AND part=? AND target=?",
                            (key.pack, key.message, key.part, key.target))

    def recent(self, robot: str, since: float) -> list[float]:
        """Times of the attempts to ``robot``'s targets (wecom: wecom and wecom-markdown) since ``since``."""
        return [r[0] for r in self.db.execute(
            "SELECT at FROM attempts WHERE (target=? OR target LIKE ?) AND at>=? ORDER BY at",
            (robot, robot + "-%", since))]

    def sent_in_order(self, pack: str, target: str) -> list[tuple[str, int]]:
        return [(m, p) for m, p in self.db.execute(
            "SELECT message, part FROM deliveries WHERE pack=? AND target=? AND state='sent' ORDER BY acked_at, seq",
            (pack, target))]
