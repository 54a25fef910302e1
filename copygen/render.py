"""Context → text: one strict, sandboxed Jinja environment and the template catalogue.

Templates live in ``templates/zh/<kind>/<variant>.j2``.  The environment is
sandboxed (user template folders are untrusted) and strict: an undefined name,
a ``None``, an empty string, a bool, a list or a dict printed into the copy
raises instead of leaking ``None``/``[]``/an empty slot to a customer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .context import Opt, fmt_num, join_cn
from .errors import TemplateError
from .resources import templates_dir

# ASCII look-arounds, never \b: in Chinese text every CJK character counts as a word character.
_LEAKS = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}|\[\]|\{'|'\}|(?<![A-Za-z])(?:None|null|True|False|undefined)(?![A-Za-z])")
_PLACEHOLDER = re.compile(r"%[A-Z][A-Z_]*%")


class _EmptySlot(Exception):
    pass


def _finalize(value: Any) -> Any:
    """Called on every ``{{ … }}``: only non-empty strings and numbers may reach the copy."""
    if value is None or isinstance(value, (bool, list, tuple, dict, set)):
        raise _EmptySlot(f"模板输出了不能给用户看的值：{value!r}")
    if isinstance(value, str) and not value.strip() and not isinstance(value, Opt):
        raise _EmptySlot("模板输出了空值（请用 {% if %} 包住可选内容）")
    if isinstance(value, float):
        return fmt_num(value)
    return value


def make_environment(search_path: list[Path]) -> jinja2.Environment:
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(p) for p in search_path], encoding="utf-8"),
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["join_cn"] = join_cn
    env.filters["num"] = fmt_num
    return env


def tidy(text: str) -> str:
    """Trailing spaces off every line, at most one blank line in a row, no outer blank lines."""
    lines = [ln.rstrip() for ln in text.strip().splitlines()]
    out: list[str] = []
    for ln in lines:
        if ln or (out and out[-1]):
            out.append(ln)
    return "\n".join(out).strip()


def placeholders(text: str) -> list[str]:
    """The bot-filled variables in a text, in order of first appearance."""
    seen: dict[str, None] = {}
    for m in _PLACEHOLDER.finditer(text):
        seen.setdefault(m.group(0))
    return list(seen)


def find_leak(text: str) -> str | None:
    m = _LEAKS.search(text)
    return m.group(0) if m else None


@dataclass(frozen=True)
class Template:
    kind: str
    variant: str
    name: str  # loader path, e.g. "lure.poster/story.j2"
    description: str


class Catalogue:
    """All templates under one or more roots; a user root overrides or extends the built-ins."""

    def __init__(self, extra_roots: tuple[Path, ...] = ()):
        roots = [*extra_roots, templates_dir()]
        for r in roots:
            if not r.is_dir():
                raise TemplateError(f"模板目录不存在：{r}")
        self.roots = roots
        self.env = make_environment(roots)
        found: dict[tuple[str, str], Template] = {}
        for root in reversed(roots):  # later roots (user) override earlier (built-in)
            for f in sorted(root.glob("*/*.j2")):
                kind, variant = f.parent.name, f.stem
                found[(kind, variant)] = Template(kind, variant, f"{kind}/{f.name}", _describe(f))
        self._by_kind: dict[str, list[Template]] = {}
        for (kind, _), t in sorted(found.items()):
            self._by_kind.setdefault(kind, []).append(t)

    def kinds(self) -> list[str]:
        return sorted(self._by_kind)

    def variants(self, kind: str) -> list[Template]:
        try:
            return self._by_kind[kind]
        except KeyError:
            raise TemplateError(f"没有 {kind} 类的模板（templates/zh/{kind}/*.j2）") from None

    def render(self, template: Template, context: dict[str, Any]) -> str:
        try:
            text = self.env.get_template(template.name).render(context)
        except jinja2.UndefinedError as exc:
            raise TemplateError(f"{template.name}: 缺少变量（{exc.message}）") from None
        except _EmptySlot as exc:
            raise TemplateError(f"{template.name}: {exc}") from None
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"{template.name}:{exc.lineno}: 模板语法错误：{exc.message}") from None
        except jinja2.exceptions.SecurityError as exc:
            raise TemplateError(f"{template.name}: 模板做了不允许的操作：{exc}") from None
        text = tidy(text)
        leak = find_leak(text)
        if leak:
            raise TemplateError(f"{template.name}: 输出里有模板残留「{leak}」")
        if not text:
            raise TemplateError(f"{template.name}: 输出为空")
        return text


@lru_cache(maxsize=8)
def default_catalogue(extra_roots: tuple[Path, ...] = ()) -> Catalogue:
    return Catalogue(extra_roots)


def _describe(path: Path) -> str:
    """A template's first ``{# … #}`` line is its human description."""
    head = path.read_text(encoding="utf-8").lstrip()
    m = re.match(r"\{#-?\s*(.+?)\s*-?#\}", head, re.S)
    return m.group(1).splitlines()[0].strip() if m else ""
