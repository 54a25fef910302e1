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

from dataclasses import dataclass
from typing import Any, Callable

from ..registry import KindRegistry


@dataclass(frozen=True)
class Kind:
    name: str
    spec: type
    compile: Callable[[Any, Any], Any]
    run: Callable[[Any, Any], Any]
    inert: Callable[[Any], Any] | None = None


def _base() -> type:
    from ..rulespec import RuleSpec

    return RuleSpec


_registry = KindRegistry(__name__, __path__, _base, Kind, "a kind module", "copygen_kind_", optional=("inert",))
register = _registry.register
load_file = _registry.load_file
get = _registry.get
names = _registry.names
unregister = _registry.unregister
