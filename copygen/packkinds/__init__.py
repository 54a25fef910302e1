"""The closed set of pack-rule kinds: one module per kind, found by this registry
(the same layout as the draft-rule kinds in ``copygen/kinds/``).

A pack kind module (``copygen/packkinds/NAME.py``) defines:

``Spec``      the rule's schema: a ``packspec.PackRuleSpec`` subclass whose ``kind``
              field is ``Literal["NAME"]``;
``compile``   ``compile(spec, ctx) -> compiled``: matchers built once per checker
              (``ctx`` is a ``matching.Context``);
``run``       ``run(compiled, view) -> hits``: the rule on one pack (``view`` is a
              ``packmatch.View``), yielding ``packmatch.Hit``.

Adding a kind is adding one such file (plus rules that use it, with example packs).
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import typing
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

from ..errors import InputError


@dataclass(frozen=True)
class PackKind:
    name: str
    spec: type
    compile: Callable[[Any, Any], Any]
    run: Callable[[Any, Any], Any]


_KINDS: dict[str, PackKind] = {}
_discovered = False


def register(module: ModuleType) -> PackKind:
    from ..packspec import PackRuleSpec

    spec = getattr(module, "Spec", None)
    if not (isinstance(spec, type) and issubclass(spec, PackRuleSpec)):
        raise TypeError(f"{module.__name__}: a pack kind module needs Spec, a PackRuleSpec subclass")
    args = typing.get_args(spec.model_fields["kind"].annotation)
    if len(args) != 1 or not isinstance(args[0], str):
        raise TypeError(f"{module.__name__}: Spec.kind must be Literal['<name>']")
    for fn in ("compile", "run"):
        if not callable(getattr(module, fn, None)):
            raise TypeError(f"{module.__name__}: a pack kind module needs {fn}()")
    kind = PackKind(args[0], spec, module.compile, module.run)
    _KINDS[kind.name] = kind
    return kind


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    _discovered = True
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            register(importlib.import_module(f"{__name__}.{info.name}"))


def load_file(path: str | Path) -> PackKind:
    """Import a pack kind module from a file and register it."""
    p = Path(path)
    spec = importlib.util.spec_from_file_location(f"copygen_packkind_{p.stem}", p)
    if spec is None or spec.loader is None:
        raise InputError(f"{p}: 不是 Python 模块")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return register(module)


def unregister(name: str) -> None:
    """Drop a kind registered by ``load_file`` (tests)."""
    _KINDS.pop(name, None)


def get(name: object) -> PackKind | None:
    _discover()
    return _KINDS.get(name) if isinstance(name, str) else None


def names() -> list[str]:
    _discover()
    return sorted(_KINDS)
