"""Results owed to the outside system a case came from, kept in an outbox table.

A row is written in the same transaction as the step that produced the result, so a
crash never loses one; delivery (with retries and backoff) and polling read the table.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from .enums import OutboxStatus
from .models import Case, OutboxMessage


def enqueue_result(
    session: Session, case: Case, *, kind: str, payload: dict[str, Any], now: datetime
) -> OutboxMessage | None:
    """Queue ``payload`` for the case's sender; ``None`` when the case has no sender."""
    if case.sender_id is None:
        return None
    message = OutboxMessage(
        sender_id=case.sender_id,
        case_id=case.id,
        kind=kind,
        payload={"case_code": case.code, "source_ref": case.source_ref, **payload},
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(message)
    session.flush()
    return message
