"""The command line: thin wrappers over the library.

Exit codes: 0 clean, 1 a finding at error severity (or a pack piece that cannot
pass), 2 usage or input error — always one short message, never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .errors import CopygenError


class _Fail(click.ClickException):
    exit_code = 2

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        click.echo(f"copygen: {self.format_message()}", err=True)


class _Group(click.Group):
    def invoke(self, ctx: click.Context):  # noqa: ANN201
        try:
            return super().invoke(ctx)
        except CopygenError as exc:
            raise _Fail(str(exc)) from None
        except BrokenPipeError:  # `copygen check … | head`
            sys.stderr.close()
            sys.exit(0)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="copygen")
def cli() -> None:
    """copygen：私域社群活动文案生成与检查。"""


# --------------------------------------------------------------------- check --

KIND_CHOICE = click.Choice(["lure", "welcome", "rules", "topic"])


@cli.command()
@click.argument("files", nargs=-1)
@click.option("--kind", type=KIND_CHOICE, default=None,
              help="文案类型；不填时按文件名猜（welcome/欢迎、rules/群规/公告、topic/话题），否则按 lure。")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl", "github", "sarif"]), default="text",
              show_default=True, help="输出格式。")
@click.option("--jsonl", "jsonl_path", metavar="FILE", help='批量输入：每行 {"id", "kind", "text"}（- 为标准输入）。')
@click.option("--config", "config_path", metavar="FILE", help="配置文件（默认当前目录的 copygen.yaml）。")
@click.option("--fix", is_flag=True, help="只做安全的排版修正，结果输出到标准输出。")
@click.option("--write", is_flag=True, help="与 --fix 一起用：直接改写文件（原文件备份为 FILE.orig）。")
@click.option("--nofail", is_flag=True, help="有错误也以 0 退出（逐步上线时用）。")
def check(files: tuple[str, ...], kind: str | None, fmt: str, jsonl_path: str | None, config_path: str | None,
          fix: bool, write: bool, nofail: bool) -> None:
    """检查文案草稿：FILE 每个文件一篇，- 为标准输入。"""
    from . import checker as ck
    from .exporters import render_github, render_json, render_jsonl, render_sarif, render_text

    if not files and not jsonl_path:
        raise click.UsageError("请给出要检查的文件、- 或 --jsonl FILE")
    if write and not fix:
        raise click.UsageError("--write 只能和 --fix 一起用")
    cfg = ck.load_config(config_path)
    engine = ck.build_checker(cfg)
    drafts = [ck.read_file(f, kind) for f in files]
    if jsonl_path:
        drafts += list(ck.read_jsonl(jsonl_path, kind or "lure"))
    if fix:
        from .fixer import apply_fixes

        apply_fixes(drafts, engine, write=write)
        return
    reports = [engine.check(d.text, d.kind, d.id) for d in drafts]
    render = {"text": render_text, "json": render_json, "jsonl": render_jsonl, "github": render_github,
              "sarif": lambda rs: render_sarif(rs, engine.rules)}[fmt]
    out = render(reports)
    if out:
        click.echo(out)
    if not nofail and any(r.has_errors for r in reports):
        sys.exit(1)


# --------------------------------------------------------------------- rules --

@cli.command("rules")
@click.option("--config", "config_path", metavar="FILE", help="配置文件。")
@click.option("--kind", default=None, help="只列出适用于这个类型的规则。")
def list_rules(config_path: str | None, kind: str | None) -> None:
    """列出所有规则。"""
    from .config import build_checker, load_config
    from .exporters import dim_label

    engine = build_checker(load_config(config_path))
    rules = engine.rules_for(kind) if kind else engine.rules
    for cr in rules:
        kinds = ",".join(sorted(cr.kinds))
        click.echo(f"{cr.id}  {cr.spec.severity:<7} {dim_label(cr.dimension):<5} {cr.spec.name}  [{kinds}]")
        click.echo(f"      {cr.spec.message}")
    click.echo(f"共 {len(rules)} 条规则")


@cli.command()
@click.argument("rule_id")
@click.option("--config", "config_path", metavar="FILE", help="配置文件。")
def explain(rule_id: str, config_path: str | None) -> None:
    """解释一条规则：为什么、依据、怎么改、正反例。"""
    from .config import build_checker, load_config
    from .exporters import dim_label

    engine = build_checker(load_config(config_path))
    cr = engine.rule(rule_id.upper()) or engine.rule(rule_id)
    if cr is None:
        raise _Fail(f"没有规则 {rule_id}（copygen rules 可列出全部）")
    s = cr.spec
    click.echo(f"{s.id} {s.name}（{dim_label(cr.dimension)}，{s.severity}，{s.kind}）")
    click.echo(f"适用：{'、'.join(sorted(cr.kinds))}")
    click.echo(f"提示：{s.message}")
    click.echo(f"依据：{s.principle or cr.module.principle}")
    if s.suggestion:
        click.echo(f"建议：{s.suggestion}")
    if s.link:
        click.echo(f"参考：{s.link}")
    if s.examples.fail:
        click.echo("不合格的写法：")
        for e in s.examples.fail:
            click.echo(f"  ✗ {e}")
    if s.examples.pass_:
        click.echo("合格的写法：")
        for e in s.examples.pass_:
            click.echo(f"  ✓ {e}")


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


def main() -> None:
    cli(prog_name="copygen")


if __name__ == "__main__":
    main()
