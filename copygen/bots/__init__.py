"""Feeding bots: payloads for WeCom, DingTalk and Feishu, and scheduled delivery that never double-sends.

source (messages.jsonl → due messages) → compose (placeholders, mentions) → targets (payloads,
byte budgets, split) → export (a file) / sender (webhook, journal, rate limits, retries).
"""

from .api import BotPack, Member, Message  # noqa: E402

__all__ = ["BotPack", "Member", "Message"]
