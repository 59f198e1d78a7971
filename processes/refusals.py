"""A refused edit that names the form field it is about, so a page can show the message
beside that field (and a command can print it)."""

from __future__ import annotations


class FieldRefused(ValueError):
    """An admin's edit that would leave the data inconsistent; the message says why, in
    Chinese. ``field`` is the form field at fault (``""``: the edit as a whole)."""

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.field = field

    @property
    def errors(self) -> dict[str, list[str]]:
        """The refusal as a form's field errors."""
        return {self.field: [str(self)]}
