"""The command line: thin wrappers over the library.

Exit codes are ``errors.Exit``: 0 clean, 1 a finding at error severity (or a pack
piece that cannot pass), 2 usage or input error — always one short message, never
a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .errors import CopygenError, Exit


class _Fail(click.ClickException):
    exit_code = Exit.USAGE

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        from .errors import one_line  # the promise: exactly one line, whatever the message holds

        click.echo(f"copygen: {one_line(self.format_message())}", err=True)


class _Group(click.Group):
    """Commands that live in their own modules are imported only when run or listed (click's
    LazyGroup pattern), so `copygen check` does not pay for loading the bot exporters."""

    lazy = {"export": "copygen.bots.cli:export_cmd", "send": "copygen.bots.sendcli:send_cmd"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, name: str):  # noqa: ANN201
        if name in self.lazy and name not in self.commands:
            import importlib

            module, attr = self.lazy[name].split(":")
            self.add_command(getattr(importlib.import_module(module), attr), name)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context):  # noqa: ANN201
        try:
            return super().invoke(ctx)
        except CopygenError as exc:
            raise _Fail(str(exc)) from None
        except BrokenPipeError:  # `copygen check … | head`
            sys.stderr.close()
            sys.exit(Exit.CLEAN)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="copygen")
def cli() -> None:
    """copygen：私域社群活动文案生成与检查。"""


# --------------------------------------------------------------------- pack --

@cli.command()
@click.argument("campaign", type=click.Path(dir_okay=False))
@click.option("-o", "--out", "out_dir", default="out", show_default=True, type=click.Path(file_okay=False),
              help="输出目录：pack.json、pack.md、messages.jsonl。")
@click.option("--seed", default=0, show_default=True, type=int, help="选模板的随机种子；同一种子输出完全相同。")
@click.option("--variants", default=1, show_default=True, type=click.IntRange(1, 10), help="每个位置出几条不同写法。")
@click.option("--templates", "template_dir", type=click.Path(file_okay=False, exists=True),
              help="自己的模板目录（<kind>/<variant>.j2），同名覆盖内置模板。")
@click.option("--config", "config_path", metavar="FILE", help="检查用的配置文件（默认当前目录的 copygen.yaml）。")
@click.option("--no-check", is_flag=True, help="只生成，不检查。")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件。")
@click.option("--nofail", is_flag=True, help="有没通过检查的文案也以 0 退出。")
@click.option("--html", is_flag=True, help="同时写出 pack.html（聊天气泡预览，copygen preview）。")
def pack(campaign: str, out_dir: str, seed: int, variants: int, template_dir: str | None, config_path: str | None,
         no_check: bool, force: bool, nofail: bool, html: bool) -> None:
    """根据活动文件生成整套文案，并逐条检查。"""
    import time

    from .campaign import load_campaign
    from .config import build_checker, load_config
    from .pack import build_pack
    from .packout import write_pack
    from .render import default_catalogue

    t0 = time.perf_counter()
    c = load_campaign(campaign)
    extra = (Path(template_dir).resolve(),) if template_dir else ()
    cfg = load_config(config_path)
    checker = None if no_check else build_checker(cfg)
    from .packrules import build_pack_checker

    doc = build_pack(c, default_catalogue(extra), checker, seed=seed, variants=variants,
                     pack_checker=None if no_check else build_pack_checker(cfg))
    extra = {}
    if html:
        from .preview import render_html

        extra["pack.html"] = render_html(doc)
    written = write_pack(doc, Path(out_dir), force=force, extra=extra)
    s = doc.summary
    judged = f"，通过检查 {s['passed']}/{s['judged']}" if checker else "（未检查）"
    click.echo(f"已生成 {s['pieces']} 条文案{judged}，用时 {time.perf_counter() - t0:.2f} 秒 → "
               + "、".join(str(p) for p in written), err=True)
    pc = s.get("pack_check")
    if pc and (pc["error"] or pc["warning"]):
        click.echo(f"整包检查：错误 {pc['error']} 条，警告 {pc['warning']} 条（详见 pack.md）", err=True)
    if s["unresolved"]:
        click.echo(f"没能通过检查：{'、'.join(s['unresolved'])}（详见 pack.md）", err=True)
    if (s["unresolved"] or (pc and pc["error"])) and not nofail:
        sys.exit(Exit.FINDINGS)


# --------------------------------------------------------------------- preview / serve --

@cli.command()
@click.argument("pack_dir", type=click.Path())
@click.option("-o", "--out", default=None, type=click.Path(dir_okay=False), help="输出的 HTML 文件（默认 PACK_DIR/pack.html）。")
@click.option("--force", is_flag=True, help="覆盖已存在的文件。")
def preview(pack_dir: str, out: str | None, force: bool) -> None:
    """把文案包画成手机上的聊天气泡（一个离线可看的 HTML 文件）。"""
    from .preview import preview_command

    click.echo(preview_command(pack_dir, out, force), err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址；默认只有本机能访问。")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="端口。")
@click.option("--config", "config_path", metavar="FILE", help="检查用的配置文件（默认当前目录的 copygen.yaml）。")
@click.option("--max-body", default=1_000_000, show_default=True, type=click.IntRange(1024), help="请求体最大字节数。")
def serve(host: str, port: int, config_path: str | None, max_body: int) -> None:
    """启动本地网页和 HTTP API（/check、/pack、/schema、/docs）。"""
    try:
        from .server import serve as run_server
    except ImportError as exc:
        raise _Fail(f"copygen serve 需要 FastAPI 和 uvicorn（缺少 {exc.name}）：pip install 'copygen[serve]'") from None

    run_server(host, port, config_path, max_body)


# --------------------------------------------------------------------- init --

@cli.command()
@click.argument("path", default="campaign.yaml", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="覆盖已存在的文件。")
def init(path: str, force: bool) -> None:
    """写一份带中文注释的活动文件模板。"""
    from .resources import starter_campaign

    target = Path(path)
    if target.exists() and not force:
        raise _Fail(f"{target} 已存在（要覆盖请加 --force）")
    target.write_text(starter_campaign(), encoding="utf-8")
    click.echo(f"已写入 {target}：改好后运行 copygen pack {target} -o out/", err=True)


# --------------------------------------------------------------------- check --

KIND_CHOICE = click.Choice(["lure", "welcome", "rules", "topic"])


@cli.command()
@click.argument("files", nargs=-1)
@click.option("--kind", type=KIND_CHOICE, default=None,
              help="文案类型；不填时按文件名猜（welcome/欢迎、rules/群规/公告、topic/话题），否则按 lure。")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl", "github", "sarif"]), default="text",
              show_default=True, help="输出格式。")
@click.option("--jsonl", "jsonl_path", metavar="FILE", help='批量输入：每行 {"id", "kind", "text"}（- 为标准输入）。')
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="并行检查的进程数（默认：全部 CPU 核）；输出顺序和结果与 --jobs 1 相同。")
@click.option("--config", "config_path", metavar="FILE", help="配置文件（默认当前目录的 copygen.yaml）。")
@click.option("--fix", is_flag=True, help="只做安全的排版修正，结果输出到标准输出。")
@click.option("--write", is_flag=True, help="与 --fix 一起用：直接改写文件（原文件备份为 FILE.orig）。")
@click.option("--nofail", is_flag=True, help="有错误也以 0 退出（逐步上线时用）。")
@click.option("--encoding", metavar="NAME", help="草稿的编码（默认自动：看 BOM，再试 UTF-8、GB18030）。")
@click.option("--paragraphs", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="密度类规则（官方腔、表情）按段落判：auto 为3段及以上的长文，always 为每篇有多段的。")
@click.option("--pack", "pack_path", metavar="DIR",
              help="整包检查：DIR 里的 pack.json 或 messages.jsonl（也可直接给文件）。")
def check(files: tuple[str, ...], kind: str | None, fmt: str, jsonl_path: str | None, jobs: int | None,
          config_path: str | None, fix: bool, write: bool, nofail: bool, encoding: str | None, paragraphs: str,
          pack_path: str | None) -> None:
    """检查文案草稿：FILE 每个文件一篇，目录里每个 .txt/.md 一篇，- 为标准输入；--pack 检查整个文案包。"""
    from itertools import chain

    from . import checker as ck
    from .exporters import stream_for
    from .parallel import check_stream

    if pack_path is not None:
        from .packcheck import check_pack_cli

        if files or jsonl_path or fix or kind:
            raise click.UsageError("--pack 不能和 FILE、--jsonl、--kind、--fix 一起用")
        out, errors = check_pack_cli(pack_path, fmt, ck.load_config(config_path))
        if out:  # jsonl with no findings: no line at all
            click.echo(out)
        if errors and not nofail:
            sys.exit(Exit.FINDINGS)
        return
    if not files and not jsonl_path:
        raise click.UsageError("请给出要检查的文件、目录、- 或 --jsonl FILE")
    if write and not fix:
        raise click.UsageError("--write 只能和 --fix 一起用")
    from .textio import check_encoding

    encoding = check_encoding(encoding)
    cfg = ck.load_config(config_path)
    engine = ck.build_checker(cfg)  # a bad config or rule pack fails here, before any draft is read
    import gc

    gc.freeze()  # the loaded rules live as long as the process: keep them out of every GC pass
    drafts = ck.read_paths(files, kind, encoding)
    if jsonl_path:
        drafts = chain(drafts, ck.read_jsonl(jsonl_path, kind or "lure", encoding))
    if fix:
        from .fixer import apply_fixes

        apply_fixes(drafts, engine, write=write)
        return
    out = stream_for(fmt, engine.rules)
    for report in check_stream(drafts, cfg, jobs, paragraphs=paragraphs):  # lazily read, written as results arrive, in order
        chunk = out.add(report)
        if chunk:
            click.echo(chunk, nl=False)
    chunk = out.end()
    if chunk:
        click.echo(chunk, nl=False)
    if not nofail and out.failed:
        sys.exit(Exit.FINDINGS)


# --------------------------------------------------------------------- rules --

@cli.command("rules")
@click.option("--config", "config_path", metavar="FILE", help="配置文件。")
@click.option("--kind", default=None, help="只列出适用于这个类型的规则。")
def list_rules(config_path: str | None, kind: str | None) -> None:
    """列出所有规则。"""
    from .config import build_checker, load_config
    from .exporters import dim_label

    cfg = load_config(config_path)
    engine = build_checker(cfg)
    rules = engine.rules_for(kind) if kind else engine.rules
    for cr in rules:
        kinds = ",".join(sorted(cr.kinds))
        click.echo(f"{cr.id}  {cr.spec.severity:<7} {dim_label(cr.dimension):<5} {cr.spec.name}  [{kinds}]")
        click.echo(f"      {_unfilled(cr.spec.message)}")
    pack_rules = []
    if not kind:  # pack rules judge a whole pack (copygen check --pack), not one kind of draft
        from .packrules import build_pack_checker

        pack_rules = build_pack_checker(cfg).rules
        for pr in pack_rules:
            click.echo(f"{pr.spec.id}  {pr.spec.severity:<7} {dim_label('pack'):<5} {pr.spec.name}  [{pr.spec.kind}]")
            click.echo(f"      {_unfilled(pr.spec.message)}")
    click.echo(f"共 {len(rules) + len(pack_rules)} 条规则")


def _unfilled(text: str) -> str:
    """A rule message outside a finding: its {match}-style slots read as ….."""
    import re

    return re.sub(r"\{\w+\}", "…", text)


def _short(example: str, limit: int = 80) -> str:
    """One line per example; byte-limit rules carry kilobyte-long examples."""
    flat = example.replace("\n", "⏎")
    return flat if len(flat) <= limit else f"{flat[:limit]}…（共{len(example)}字）"


@cli.command()
@click.argument("rule_id")
@click.option("--config", "config_path", metavar="FILE", help="配置文件。")
def explain(rule_id: str, config_path: str | None) -> None:
    """解释一条规则：为什么、依据、怎么改、正反例。"""
    from .config import build_checker, load_config
    from .exporters import dim_label

    cfg = load_config(config_path)
    engine = build_checker(cfg)
    cr = engine.rule(rule_id.upper()) or engine.rule(rule_id)
    if cr is None:
        from .packrules import build_pack_checker

        pr = build_pack_checker(cfg)
        cr = pr.rule(rule_id.upper()) or pr.rule(rule_id)
        if cr is None:
            raise _Fail(f"没有规则 {rule_id}（copygen rules 可列出全部）")
        _explain_pack_rule(cr)
        return
    s = cr.spec
    click.echo(f"{s.id} {s.name}（{dim_label(cr.dimension)}，{s.severity}，{s.kind}）")
    click.echo(f"适用：{'、'.join(sorted(cr.kinds))}")
    click.echo(f"提示：{_unfilled(s.message)}")
    click.echo(f"依据：{s.principle or cr.module.principle}")
    if s.suggestion:
        click.echo(f"建议：{_unfilled(s.suggestion)}")
    if s.link:
        click.echo(f"参考：{s.link}")
    if s.examples.fail:
        click.echo("不合格的写法：")
        for e in s.examples.fail:
            click.echo(f"  ✗ {_short(e)}")
    if s.examples.pass_:
        click.echo("合格的写法：")
        for e in s.examples.pass_:
            click.echo(f"  ✓ {_short(e)}")


def _explain_pack_rule(cr) -> None:  # noqa: ANN001 - a packrules.CompiledPackRule
    s = cr.spec
    click.echo(f"{s.id} {s.name}（整包检查，{s.severity}，{s.kind}）")
    click.echo("适用：整个文案包（copygen check --pack DIR）")
    click.echo(f"提示：{_unfilled(s.message)}")
    click.echo(f"依据：{s.principle or cr.module.principle}")
    if s.suggestion:
        click.echo(f"建议：{_unfilled(s.suggestion)}")
    for head, mark, exs in (("不合格的包：", "✗", s.examples.fail), ("合格的包：", "✓", s.examples.pass_)):
        if exs:
            click.echo(head)
        for ex in exs:
            click.echo(f"  {mark} " + " ｜ ".join(_short(p.get("text", ""), 40) for p in ex.pieces))


# --------------------------------------------------------------------- schema --

@cli.command()
@click.argument("what", type=click.Choice(["campaign", "pack"]))
def schema(what: str) -> None:
    """打印 JSON Schema：campaign 活动文件，pack 输出的 pack.json。"""
    if what == "campaign":
        from .campaign import campaign_schema

        click.echo(json.dumps(campaign_schema(), ensure_ascii=False, indent=2))
    else:
        from .pack import pack_schema

        click.echo(json.dumps(pack_schema(), ensure_ascii=False, indent=2))


# ------------------------------------------------------------ export / send --
# Feeding bots lives in copygen/bots/ (export payloads, scheduled sending with a journal),
# registered lazily in _Group.lazy.


def main() -> None:
    cli(prog_name="copygen")


if __name__ == "__main__":
    main()
