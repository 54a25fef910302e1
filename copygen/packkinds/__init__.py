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

from dataclasses import dataclass
from typing import Any, Callable

from ..registry import KindRegistry


@dataclass(frozen=True)
class PackKind:
    name: str
    spec: type
    compile: Callable[[Any, Any], Any]
    run: Callable[[Any, Any], Any]


def _base() -> type:
    from ..packspec import PackRuleSpec

    return PackRuleSpec


_registry = KindRegistry(__name__, __path__, _base, PackKind, "a pack kind module", "copygen_packkind_")
register = _registry.register
load_file = _registry.load_file
get = _registry.get
names = _registry.names
unregister = _registry.unregister
