"""Exit codes, and errors that reach the user as one short line (exit code 2), never a traceback."""

from enum import IntEnum


class Exit(IntEnum):
    """Every exit code copygen uses, in one place."""

    CLEAN = 0  # nothing at error severity (warnings may remain)
    FINDINGS = 1  # a finding at error severity, or a pack slot with no passing variant
    USAGE = 2  # usage or input error: one line on stderr, never a traceback


class CopygenError(Exception):
    """Base class: the message is shown to the user as-is."""

    exit_code = Exit.USAGE


class InputError(CopygenError):
    """The user's file or arguments are wrong (campaign, draft, config, rule pack)."""


class TemplateError(CopygenError):
    """A template failed to render: a missing value, an empty slot or a syntax error."""


def read_data(path, what: str) -> object:
    """Load a user's YAML (or, by suffix, JSON) file; any problem is one InputError line."""
    from pathlib import Path

    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{p}: {what}不存在") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: {what}无法读取（{exc.__class__.__name__}）") from None
    return parse_data(raw, str(p), is_json=p.suffix.lower() == ".json")


def parse_data(raw: str, source: str, is_json: bool, loader=None) -> object:
    """Parse YAML or JSON text a user wrote; any problem is one InputError line naming ``source``."""
    import json

    import yaml

    try:
        # libyaml's safe loader when PyYAML has it (same documents, several times faster)
        loader = loader or getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return json.loads(raw) if is_json else yaml.load(raw, Loader=loader)  # noqa: S506
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行" if mark is not None else (f"第{exc.lineno}行" if is_json else "")
        raise InputError(f"{source}: {where}格式错误，不是合法的 {'JSON' if is_json else 'YAML'}") from None
    except RecursionError:
        raise InputError(f"{source}: 嵌套太深，不是合法的 {'JSON' if is_json else 'YAML'}") from None


# pydantic's error types in plain Chinese: what is expected ({} filled from the error's ctx).
_EXPECTED = {
    "missing": "缺少这一项",
    "extra_forbidden": "没有这一项（拼错了？）",
    "int_type": "应为整数", "int_parsing": "应为整数", "int_from_float": "应为整数",
    "float_type": "应为数字", "float_parsing": "应为数字", "finite_number": "应为有限的数字",
    "bool_type": "应为 true 或 false", "bool_parsing": "应为 true 或 false",
    "string_type": "应为文字", "list_type": "应为列表（- 开头的多行，或 [a, b]）",
    "dict_type": "应为键: 值的映射", "model_type": "应为键: 值的映射", "model_attributes_type": "应为键: 值的映射",
    "tuple_type": "应为列表", "too_short": "至少要 {min_length} 项", "too_long": "最多 {max_length} 项",
    "string_too_short": "不能为空", "string_too_long": "最多 {max_length} 个字",
    "greater_than": "应大于 {gt}", "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}", "less_than_equal": "应不大于 {le}",
    "literal_error": "只能是 {expected} 之一", "enum": "只能是 {expected} 之一",
    "date_type": "应为日期 YYYY-MM-DD", "date_parsing": "应为日期 YYYY-MM-DD",
    "date_from_datetime_parsing": "应为日期 YYYY-MM-DD", "date_from_datetime_inexact": "应为日期 YYYY-MM-DD（不带时间）",
    "string_pattern_mismatch": "格式不对",
    "union_tag_invalid": "kind 只能是 {expected_tags} 之一", "union_tag_not_found": "缺少 kind（如 kind: invite）",
}


def _hint(model, loc: tuple) -> str:
    """The field's own description (it carries an example: 如「…」), found by walking the models."""
    from typing import get_args

    from pydantic import BaseModel

    desc = ""
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        fields = getattr(model, "model_fields", {})
        if part not in fields:
            model = next((a for a in _members(model) if part in getattr(a, "model_fields", {})), None)
            if model is None:
                return ""
        f = model.model_fields[part]
        desc = f.description or ""
        nxt = [a for a in _flatten(f.annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
        model = nxt[0] if len(nxt) == 1 else (nxt or None) and _Union(nxt)
    del get_args
    return desc


class _Union:
    """Several models a field may hold (a discriminated union): look a name up in any of them."""

    def __init__(self, models):
        self.models = models

    @property
    def model_fields(self):
        out = {}
        for m in self.models:
            out.update(m.model_fields)
        return out


def _members(model):
    return getattr(model, "models", [])


def _flatten(tp):
    from typing import get_args

    out, todo = [], [tp]
    while todo:
        t = todo.pop()
        args = get_args(t)
        if args:
            todo += list(args)
        else:
            out.append(t)
    return out


def fmt_plain(v):
    return int(v) if isinstance(v, float) and v.is_integer() else v


def field_errors(err, model=None) -> list[str]:
    """A pydantic ValidationError as "field.path: what is expected（you wrote …）; the field's help" lines."""
    out = []
    for e in err.errors():
        loc = tuple(p for p in e["loc"] if not str(p).startswith(("function-after", "function-wrap")))
        path = ".".join(str(p) for p in loc) or "(根)"
        typ = e["type"]
        if typ == "value_error":
            out.append(f"{path}: {e['msg'].removeprefix('Value error, ')}")
            continue
        ctx = {k: (" / ".join(v.replace("'", "").replace(" or ", ", ").split(", ")) if isinstance(v, str)
                   else fmt_plain(v)) for k, v in (e.get("ctx") or {}).items()}
        try:
            what = _EXPECTED[typ].format(**ctx) if typ in _EXPECTED else e["msg"]
        except (KeyError, IndexError):
            what = e["msg"]
        got = e.get("input")
        wrote = f"（现在写的是「{got}」）" if isinstance(got, (str, int, float)) and typ != "missing" and len(str(got)) <= 30 else ""
        hint = _hint(model, loc) if model is not None and not out else ""  # the first error carries the help
        out.append(f"{path}: {what}{wrote}" + (f"（{hint}）" if hint else ""))
    return out


_LINE_BREAKS = {ord(c): "⏎" for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}  # what str.splitlines splits on


def one_line(s: str) -> str:
    """A message as one line: every line break (\\n, \\r, \\x1e, U+2028…) shown as ⏎."""
    return s.translate(_LINE_BREAKS)
