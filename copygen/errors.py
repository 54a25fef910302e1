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


def field_errors(err) -> list[str]:
    """A pydantic ValidationError as "field.path: what is wrong" lines."""
    out = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"] if not str(p).startswith("function-after")) or "(根)"
        out.append(f"{loc}: {e['msg'].removeprefix('Value error, ')}")
    return out
