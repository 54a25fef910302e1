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


# pydantic's error types, said in Chinese ({ctx} fields filled in); anything else keeps pydantic's text.
_ZH = {
    "missing": "缺少这一项", "extra_forbidden": "不认识的字段（拼写错了？）",
    "string_type": "应是文字", "int_type": "应是整数", "int_parsing": "应是整数", "int_from_float": "应是整数",
    "float_type": "应是数字", "float_parsing": "应是数字", "finite_number": "应是有限的数字",
    "bool_type": "应是 true 或 false", "bool_parsing": "应是 true 或 false",
    "list_type": "应是列表", "dict_type": "应是映射（键: 值）", "model_type": "应是映射（键: 值）",
    "model_attributes_type": "应是映射（键: 值）",
    "greater_than": "应大于 {gt}", "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}", "less_than_equal": "应不大于 {le}",
    "string_too_short": "至少 {min_length} 个字", "string_too_long": "最多 {max_length} 个字",
    "too_short": "至少要有 {min_length} 项", "too_long": "最多 {max_length} 项",
    "literal_error": "只能是 {expected}", "string_pattern_mismatch": "格式不对",
    "date_type": "应是日期，如 2026-12-03", "date_parsing": "应是日期，如 2026-12-03",
    "date_from_datetime_parsing": "应是日期，如 2026-12-03", "date_from_datetime_inexact": "应是日期，不带时间",
    "union_tag_invalid": "kind 只能是 {expected_tags}", "union_tag_not_found": "缺少 kind",
    "enum": "只能是 {expected}",
}


_LINE_BREAKS = {ord(c): "⏎" for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}  # what str.splitlines splits on


def one_line(s: str) -> str:
    """A message as one line: every line break (\\n, \\r, \\x1e, U+2028…) shown as ⏎."""
    return s.translate(_LINE_BREAKS)


_flat = one_line


def field_errors(err) -> list[str]:
    """A pydantic ValidationError as "field.path: what is wrong" lines (one line each)."""
    out = []
    for e in err.errors():
        loc = ".".join(_flat(str(p)) for p in e["loc"] if not str(p).startswith("function-after")) or "(根)"
        zh = _ZH.get(e["type"])
        if zh is not None:
            try:
                msg = zh.format(**{k: v for k, v in (e.get("ctx") or {}).items()})
            except (KeyError, IndexError):
                msg = e["msg"]
        else:
            msg = e["msg"].removeprefix("Value error, ")
        out.append(f"{loc}: {_flat(msg)}")
    return out
