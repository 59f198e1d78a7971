"""One database transaction per engine step: everything written, or nothing."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from sqlalchemy.orm import Session

from . import history
from .history import PendingEvent

BeforeCommitHook = Callable[[Session], None]


class UnitOfWork:
    """Opens a session; ``commit()`` chains the recorded events and commits.

    Leaving the block without ``commit()`` (or with an exception) rolls everything back.
    ``before_commit`` hooks run after all writes are flushed and just before the commit:
    the place where tests inject a failure to prove nothing half-done is stored.
    """

    def __init__(
        self, session_factory: Callable[[], Session], before_commit: list[BeforeCommitHook]
    ):
        self._session_factory = session_factory
        self._before_commit = before_commit
        self.events: list[PendingEvent] = []
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        return self

    def record(self, event: PendingEvent) -> None:
        self.events.append(event)

    def commit(self) -> None:
        self.session.flush()
        history.append(self.session, self.events)
        for hook in self._before_commit:
            hook(self.session)
        self.session.commit()
        self.events = []

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.close()
