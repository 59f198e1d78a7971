"""What a process keeps per database between requests, while a version read from the
database says it still holds (the work calendar by its revision, the region tree by its
stamp): one small statement per request instead of reading the whole thing."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

T = TypeVar("T")

_EVERY: list[KeptPerDatabase] = []


class KeptPerDatabase(Generic[T]):
    """The last value read per database (its ``Engine``), with the version it was read
    under. The version must never come again with other content (a revision raised by
    every change; a stamp from a sequence): a value read inside a transaction that later
    rolls back is then kept under a version no one else reads."""

    def __init__(self) -> None:
        self._kept: weakref.WeakKeyDictionary[Any, tuple[Any, T]] = weakref.WeakKeyDictionary()
        _EVERY.append(self)

    def get(self, session: Session, version: Any, read: Callable[[], T]) -> T:
        """The kept value if it was read under ``version``, else ``read()`` kept under it
        (``None``: no version to trust, read and keep nothing)."""
        database = session.get_bind()
        kept = self._kept.get(database)
        if kept is not None and version is not None and kept[0] == version:
            return kept[1]
        value = read()
        if version is not None:
            self._kept[database] = (version, value)
        return value

    def forget(self) -> None:
        self._kept.clear()


def forget_everything_kept() -> None:
    """Read everything whole next time: for a database put back to an earlier state under a
    running process (a backup restored, the tests emptying their tables), where a version
    comes again with other content."""
    for kept in _EVERY:
        kept.forget()
