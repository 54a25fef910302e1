"""The closed set of rule kinds: one module per kind, found by this registry.

A kind module (``copygen/kinds/NAME.py``) defines three things:

``Spec``      the rule's schema: a ``rulespec.RuleSpec`` subclass whose ``kind``
              field is ``Literal["NAME"]`` (its other fields are the kind's data);
``compile``   ``compile(spec, ctx) -> compiled``: build matchers once per checker
              (``ctx`` is a ``matching.Context``: ``ctx.matcher(patterns)``,
              ``ctx.words(tokens)``, ``ctx.regex(pattern)`` resolve lexicons);
``run``       ``run(compiled, doc) -> (hits, score)``: the rule on one draft
              (``doc`` is a ``matching.Doc``); ``score`` is a 0–100 figure for
              kinds that grade a dimension, else ``None``.
``inert``     optional, ``inert(compiled) -> Matcher | None``: a matcher such that
              when it can find nothing in a draft, ``run`` gives no hits and no
              score; the engine then skips the rule on drafts where the prefilter
              shows none of that matcher's needles.

Adding a kind is adding one such file (plus rules that use it, with examples).
Modules in this package are registered on first use; ``load_file`` registers
one from elsewhere (a test, a plug-in).
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
class Kind:
    name: str
    spec: type
    compile: Callable[[Any, Any], Any]
    run: Callable[[Any, Any], Any]
    inert: Callable[[Any], Any] | None = None


_KINDS: dict[str, Kind] = {}
_discovered = False


def register(module: ModuleType) -> Kind:
    """Register a kind module (``Spec`` + ``compile`` + ``run``); its name comes from ``Spec.kind``."""
    from ..rulespec import RuleSpec

    spec = getattr(module, "Spec", None)
    if not (isinstance(spec, type) and issubclass(spec, RuleSpec)):
        raise TypeError(f"{module.__name__}: a kind module needs Spec, a RuleSpec subclass")
    args = typing.get_args(spec.model_fields["kind"].annotation)
    if len(args) != 1 or not isinstance(args[0], str):
        raise TypeError(f"{module.__name__}: Spec.kind must be Literal['<name>']")
    for fn in ("compile", "run"):
        if not callable(getattr(module, fn, None)):
            raise TypeError(f"{module.__name__}: a kind module needs {fn}()")
    kind = Kind(args[0], spec, module.compile, module.run, getattr(module, "inert", None))
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


def load_file(path: str | Path) -> Kind:
    """Import a kind module from a file and register it."""
    p = Path(path)
    spec = importlib.util.spec_from_file_location(f"copygen_kind_{p.stem}", p)
    if spec is None or spec.loader is None:
        raise InputError(f"{p}: 不是 Python 模块")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return register(module)


def get(name: object) -> Kind | None:
    _discover()
    return _KINDS.get(name) if isinstance(name, str) else None


def names() -> list[str]:
    _discover()
    return sorted(_KINDS)


def unregister(name: str) -> None:
    """Drop a kind registered by ``load_file`` (tests)."""
    _KINDS.pop(name, None)
