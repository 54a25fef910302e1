"""`copygen export` and `copygen send`: thin click wrappers over copygen.bots."""

from __future__ import annotations

import sys

import click

from .targets import TARGETS

TARGET_CHOICE = click.Choice(list(TARGETS))
SEND_CHOICE = click.Choice([n for n, t in TARGETS.items() if t.webhook])


def _common(f):
    for opt in reversed([
        click.option("--target", "-t", "target_name", required=True, type=TARGET_CHOICE, help="发到哪里。"),
        click.option("--var", "var_items", multiple=True, metavar="NAME=VALUE",
                     help="给占位符一个值，例如 --var MEMBERS=120；可重复。"),
        click.option("--at", "at_items", multiple=True, metavar="WHO",
                     help="@谁：all（所有人）、手机号或用户ID（企业微信 userid、钉钉 userId、飞书 open_id）；可重复。"),
        click.option("--at-kinds", default=None, metavar="KIND,…",
                     help="只在这些类型（或消息编号）的消息里 @，例如 rules,closing；默认 --at 对每条消息都生效。"),
        click.option("--tz", default="Asia/Shanghai", show_default=True, help="messages.jsonl 里日期和时间所在的时区。"),
        click.option("--start", default=None, metavar="YYYY-MM-DD", help="活动第1天的日期（覆盖或补上活动文件的 start_date）。"),
    ]):
        f = opt(f)
    return f


def _inputs(pack_dir, target_name, var_items, at_items, at_kinds, tz, start):
    from .compose import parse_vars
    from .source import load_pack
    from .targets import Mentions, get_target

    src = load_pack(pack_dir, tz=tz, start=start)
    target = get_target(target_name)
    at = Mentions.parse(at_items)
    target.check_mentions(at)
    kinds = {k.strip() for k in at_kinds.split(",") if k.strip()} if at_kinds else None
    return src, target, parse_vars(var_items), at, kinds


@click.command("export")
@click.argument("pack_dir", type=click.Path(file_okay=False))
@_common
@click.option("-o", "--out", "out", required=True, metavar="FILE", help="输出的 JSON 文件（- 为标准输出）。")
@click.option("--sender", default=None, metavar="USERID", help="wecom-groupmsg：由哪位成员的客户接收（成员 userid）。")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件。")
def export_cmd(pack_dir, target_name, var_items, at_items, at_kinds, tz, start, out, sender, force) -> None:
    """把文案包转成某个机器人/接口能直接发送的消息体（按字节上限拆分）。"""
    from .compose import plan
    from .export import document, write_export

    src, target, values, at, kinds = _inputs(pack_dir, target_name, var_items, at_items, at_kinds, tz, start)
    p = plan(src, target, values, at, kinds, sender=sender)
    doc = document(src, p)
    text = write_export(doc, out, force=force)
    if text:
        click.echo(text, nl=False)
    for m, why in p.skipped:
        click.echo(f"跳过 {m.id}：{why}", err=True)
    biggest = max((part.bytes for part in p.parts), default=0)
    messages = len({part.message.id for part in p.parts})
    click.echo(f"已导出 {messages} 条消息、{len(p.parts)} 个请求（最大 {biggest}/{target.limit} 字节）→ {target.label}"
               + (f"；跳过 {len(p.skipped)} 条" if p.skipped else "")
               + (f"；{p.not_for_target} 条不是发给{target.label}的" if p.not_for_target else "")
               + ("" if out == "-" else f" → {out}"), err=True)


def register(cli: click.Group) -> None:
    cli.add_command(export_cmd)
    from .sendcli import send_cmd

    cli.add_command(send_cmd)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(export_cmd())
