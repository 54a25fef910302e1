"""`copygen send`: deliver a pack's scheduled messages to a bot webhook, once each, in order."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli import SEND_CHOICE


@click.command("send")
@click.argument("pack_dir", type=click.Path(file_okay=False))
@click.option("--target", "-t", "target_name", required=True, type=SEND_CHOICE, help="哪种群机器人。")
@click.option("--webhook", envvar="COPYGEN_WEBHOOK", default=None, metavar="URL",
              help="机器人的 webhook 地址；建议用环境变量 COPYGEN_WEBHOOK 传入（命令行参数别人用 ps 看得到）。")
@click.option("--secret", envvar="COPYGEN_SECRET", default=None, metavar="SECRET",
              help="加签密钥（钉钉 SEC…、飞书签名校验）；建议用环境变量 COPYGEN_SECRET。")
@click.option("--until", "until", default=None, metavar="TIME",
              help="发完截至这个时间该发的消息就退出（给 cron 用）：now、2026-12-03、2026-12-03T20:00；默认 now。")
@click.option("--follow", is_flag=True, help="一直运行，每条消息到点就发，全部发完后退出。")
@click.option("--dry-run", is_flag=True, help="只列出会发什么，不发送、不写日志。")
@click.option("--journal", "journal_path", default=None, metavar="FILE",
              help="发送日志（SQLite），默认 PACK_DIR/.copygen-send.sqlite。")
@click.option("--tz", default="Asia/Shanghai", show_default=True, help="messages.jsonl 里日期和时间所在的时区。")
@click.option("--start", default=None, metavar="YYYY-MM-DD", help="活动第1天的日期（覆盖或补上活动文件的 start_date）。")
@click.option("--var", "var_items", multiple=True, metavar="NAME=VALUE", help="给占位符一个值，例如 --var MEMBERS=120。")
@click.option("--at", "at_items", multiple=True, metavar="WHO", help="@谁：all、手机号或用户ID；可重复。")
@click.option("--at-kinds", default=None, metavar="KIND,…", help="只在这些类型（或消息编号）的消息里 @。")
@click.option("--rate", "rate_items", multiple=True, metavar="N/SECONDS",
              help="限速，例如 20/60（默认按平台：企业微信、钉钉 20/60，飞书 5/1 和 100/60）；可重复。")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(0.01), help="每个请求的超时（秒）。")
@click.option("--retries", default=5, show_default=True, type=click.IntRange(0, 20), help="失败后最多重试几次。")
@click.option("--backoff", default=1.0, show_default=True, type=click.FloatRange(0), help="5xx/超时后第一次重试前等几秒（之后翻倍）。")
@click.option("--rate-pause", default=60.0, show_default=True, type=click.FloatRange(0),
              help="收到平台限流错误码后第一次重试前等几秒（之后翻倍）。")
def send_cmd(pack_dir, target_name, webhook, secret, until, follow, dry_run, journal_path, tz, start, var_items,
             at_items, at_kinds, rate_items, timeout, retries, backoff, rate_pause) -> None:
    """按 messages.jsonl 的日期和时间把群消息发到机器人 webhook；每条只发一次，按顺序。"""
    from ..errors import InputError
    from .compose import parse_vars, plan
    from .journal import JOURNAL_NAME, Journal
    from .sender import Clock, Options, Redactor, Sender, SendError, check_webhook, parse_rate, parse_until
    from .source import load_pack
    from .targets import Mentions, get_target

    if until and follow:
        raise click.UsageError("--until 和 --follow 只能选一个")
    redact = Redactor(webhook, secret)
    src = load_pack(pack_dir, tz=tz, start=start)
    target = get_target(target_name)
    at = Mentions.parse(at_items)
    target.check_mentions(at)
    kinds = {k.strip() for k in at_kinds.split(",") if k.strip()} if at_kinds else None
    p = plan(src, target, parse_vars(var_items), at, kinds, scheduled_only=True)
    clock = Clock()
    limit = None if follow else parse_until(until or "now", src.tz, clock)
    jpath = Path(journal_path) if journal_path else Path(pack_dir) / JOURNAL_NAME
    triggered = sum(1 for m in src.messages if m.due is None and target.accepts(m))
    if dry_run:
        states = Journal(jpath).states(src.pack_id, target.name) if jpath.exists() else {}
        shown = 0
        for part in p.parts:
            if limit is not None and part.message.due > limit:
                continue
            shown += 1
            state = {"sent": "已发送", "sending": "结果未知，会重发", "failed": "上次失败，会重发"}.get(
                states.get((part.message.id, part.index), ""), "待发送")
            click.echo(f"{part.message.due:%Y-%m-%d %H:%M}  {part.message.id}  {part.index}/{part.count}  "
                       f"{part.bytes} 字节  {state}")
        for m, why in p.skipped:
            click.echo(f"跳过 {m.id}：{why}")
        scope = "全部" if limit is None else f"截至 {limit:%Y-%m-%d %H:%M}"
        click.echo(f"（试运行，{scope}共 {shown} 个请求 → {target.label}；没有发送）", err=True)
        return
    if not webhook:
        raise InputError("缺少 webhook 地址：用环境变量 COPYGEN_WEBHOOK 或 --webhook URL 给出")
    check_webhook(webhook, redact)
    if target.signing is None and secret:
        click.echo(f"提示：{target.label}没有加签，忽略 --secret/COPYGEN_SECRET", err=True)
        secret = None
    journal = Journal(jpath)
    journal.lock()
    opts = Options(until=limit, follow=follow, timeout=timeout, retries=retries, backoff=backoff,
                   rate_pause=rate_pause, rate=parse_rate(rate_items))
    sender = Sender(target, src.pack_id, p.parts, journal, webhook, secret, opts, clock,
                    say=lambda s: click.echo(s, err=True))
    try:
        res = sender.run()
    except SendError as exc:  # a message could not be delivered: exit 1, like a finding at error severity
        click.echo(f"copygen: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("copygen: 已中断；发送日志已记下发到哪里，再次运行会接着发", err=True)
        sys.exit(130)
    except Exception as exc:  # never a traceback with a webhook URL in it
        raise InputError(redact(f"发送时出错：{type(exc).__name__}: {exc}")) from None
    finally:
        sender.close()
        journal.close()
    notes = []
    if p.skipped:
        notes.append(f"跳过 {len(p.skipped)} 条含每人占位符的消息（--dry-run 可看明细）")
    if triggered:
        notes.append(f"{triggered} 条事件触发的消息（入群、完成任务时）不按时间发")
    if res.waiting:
        notes.append(f"还有 {res.waiting} 个请求没到时间")
    click.echo(f"本次发送 {len(res.sent)} 个请求，之前已发送 {res.already} 个" + ("；" + "；".join(notes) if notes else ""),
               err=True)
