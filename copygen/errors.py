"""Errors that reach the user as one short line (exit code 2), never a traceback."""


class CopygenError(Exception):
    """Base class: the message is shown to the user as-is."""

    exit_code = 2


class InputError(CopygenError):
    """The user's file or arguments are wrong (campaign, draft, config, rule pack)."""


class TemplateError(CopygenError):
    """A template failed to render: a missing value, an empty slot or a syntax error."""
