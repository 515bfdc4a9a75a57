"""Errors the CLI turns into one clear line on stderr and exit status 2."""


class TmigrError(Exception):
    """Bad input or an impossible request: the message is shown to the user as is."""

    exit_code = 2
