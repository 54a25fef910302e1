"""A closed set of rule kinds, one module per kind: what the draft-rule kinds (``copygen.kinds``)
and the pack-rule kinds (``copygen.packkinds``) share.

A kind module defines ``Spec`` (a subclass of the registry's base spec whose ``kind`` field is
``Literal["NAME"]``), ``compile`` and ``run``, and optionally the functions the registry lists
as ``optional``.  The modules of the registry's own package are registered on first use;
``load_file`` registers one from elsewhere (a test, a plug-in).
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import typing
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterable

from .errors import InputError


class KindRegistry:
    """The kinds of one package.  ``make(name, spec, compile, run, *optional)`` builds the entry
    (a small frozen record); ``base()`` gives the spec base class (imported lazily, since the
    schemas import the registry)."""

    def __init__(self, package: str, path: Iterable[str], base: Callable[[], type], make: Callable[..., Any],
                 label: str, file_prefix: str, optional: tuple[str, ...] = ()):
        self.package = package
        self.path = list(path)
        self.base = base
        self.make = make
        self.label = label  # "a kind module", "a pack kind module"
        self.file_prefix = file_prefix
        self.optional = optional
        self.kinds: dict[str, Any] = {}
        self._discovered = False

    def register(self, module: ModuleType) -> Any:
        """Register a kind module; its name comes from ``Spec.kind``."""
        base = self.base()
        spec = getattr(module, "Spec", None)
        if not (isinstance(spec, type) and issubclass(spec, base)):
            raise TypeError(f"{module.__name__}: {self.label} needs Spec, a {base.__name__} subclass")
        args = typing.get_args(spec.model_fields["kind"].annotation)
        if len(args) != 1 or not isinstance(args[0], str):
            raise TypeError(f"{module.__name__}: Spec.kind must be Literal['<name>']")
        for fn in ("compile", "run"):
            if not callable(getattr(module, fn, None)):
                raise TypeError(f"{module.__name__}: {self.label} needs {fn}()")
        kind = self.make(args[0], spec, module.compile, module.run,
                         *(getattr(module, fn, None) for fn in self.optional))
        self.kinds[kind.name] = kind
        return kind

    def _discover(self) -> None:
        if self._discovered:
            return
        self._discovered = True
        for info in sorted(pkgutil.iter_modules(self.path), key=lambda i: i.name):
            if not info.name.startswith("_"):
                self.register(importlib.import_module(f"{self.package}.{info.name}"))

    def load_file(self, path: str | Path) -> Any:
        """Import a kind module from a file and register it."""
        p = Path(path)
        spec = importlib.util.spec_from_file_location(f"{self.file_prefix}{p.stem}", p)
        if spec is None or spec.loader is None:
            raise InputError(f"{p}: 不是 Python 模块")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return self.register(module)

    def get(self, name: object) -> Any | None:
        self._discover()
        return self.kinds.get(name) if isinstance(name, str) else None

    def names(self) -> list[str]:
        self._discover()
        return sorted(self.kinds)

    def unregister(self, name: str) -> None:
        """Drop a kind registered by ``load_file`` (tests)."""
        self.kinds.pop(name, None)
