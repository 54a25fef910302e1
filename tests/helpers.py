"""Shared test helpers: run the CLI in-process, load examples."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from copygen.cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def run(*args: str, input: str | None = None):
    """Invoke the CLI; a crash (anything but SystemExit) re-raises so it never passes as an exit code."""
    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


WAKEUPS = {"wakeup.active", "wakeup.lurker", "wakeup.dealhunter"}


def expected_kinds(c) -> set[str]:
    """The kinds a campaign's pack holds, by principle: wake-ups only in a fan group (a lead or
    flash group is gone before anyone can go quiet in it), nothing the campaign skips."""
    from copygen.slots import KINDS

    kinds = set(KINDS) - set(c.pack.skip)
    if c.group.type != "fan":
        kinds -= WAKEUPS
    # a wake-up speaks to a segment the campaign defined (it has an offer), never to an empty one
    kinds -= {k for k in WAKEUPS if not getattr(c.segments, k.split(".")[1]).offer.strip()}
    from copygen.context import segment_context

    if not segment_context(c, "lapsed_30")["offer"]:  # a month on, a hello with nothing to offer is not sent
        kinds.discard("recall.light")
    if c.lure.mechanic.kind != "flash":  # the post at the minute a flash sale opens
        kinds.discard("lure.flash")
    if c.lure.mechanic.kind != "invite":  # only an inviter has a progress of their own
        kinds.discard("lure.progress")
    return kinds
