"""What the checker says about one draft: findings, and a verdict per dimension."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Finding:
    rule: str
    name: str
    dimension: str
    severity: str
    message: str
    start: int  # character offsets into the raw draft
    end: int
    line: int
    column: int
    excerpt: str
    suggestion: str = ""
    fix: str | None = None  # replacement for [start, end) when the rule knows a safe one

    def public(self) -> dict:
        """The finding as --format json/jsonl shows it (no internal name or fix)."""
        return {"rule": self.rule, "dimension": self.dimension, "severity": self.severity,
                "message": self.message, "start": self.start, "end": self.end, "line": self.line,
                "column": self.column, "excerpt": self.excerpt, "suggestion": self.suggestion}


@dataclass(frozen=True)
class Dimension:
    passed: bool
    score: int


@dataclass
class DraftReport:
    id: str
    kind: str
    text: str
    dimensions: dict[str, Dimension]
    findings: list[Finding] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Every dimension passes: no finding at warning or error severity."""
        return all(d.passed for d in self.dimensions.values())

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "passed": self.passed,
            "dimensions": {k: {"passed": v.passed, "score": v.score} for k, v in self.dimensions.items()},
            "findings": [f.public() for f in self.findings],
        }
