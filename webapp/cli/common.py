"""What every command shares: failing with a Chinese message and exit code 1."""

from __future__ import annotations

import getpass
from typing import IO

import click


class CliFailure(click.ClickException):
    """The command could not do its job; shown as ``错误：…`` on stderr, exit code 1."""

    exit_code = 1

    def show(self, file: IO | None = None) -> None:
        click.echo(f"错误：{self.format_message()}", err=True, file=file)


def os_user() -> str:
    """The operating-system account running the command, for the audit trail."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"
