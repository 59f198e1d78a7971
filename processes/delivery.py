"""Delivering the outbox: POST each result to its sender's callback URL, with retries.

Each message is claimed on its own before it is sent: its ``next_attempt_at`` moves a
lease ahead, in a short transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, and a
conditional update everywhere), so two schedulers never send one message at the same
time and a scheduler that dies mid-send leaves the message due again once the lease ends.
Delivery is at least once: a sender may see a message twice and should key on its ``id``.

A 2xx answer marks the message delivered. Anything else (an error status, a timeout, a
refused connection) counts an attempt and schedules the next one after an exponential
backoff; after the last attempt the message is failed (still readable by polling).
Senders without a callback URL are polling-only: their messages are never attempted.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .enums import OutboxStatus
from .handoff import message_body
from .models import HandoffInbound, HandoffSender, OutboxMessage

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Zongzhi-Signature"
MESSAGE_ID_HEADER = "X-Zongzhi-Message-Id"
ERROR_TEXT_LIMIT = 500


@dataclass(frozen=True)
class Response:
    """What a POST came back with: the HTTP status, and a short text for the log."""

    status: int
    text: str = ""


Post = Callable[[str, bytes, Mapping[str, str], float], Response]
"""``post(url, body, headers, timeout)``; raises on a transport error (refused, timeout)."""


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: ``base_delay × 2^(attempts-1)`` between tries, capped."""

    max_attempts: int = 10
    base_delay: timedelta = timedelta(minutes=1)
    max_delay: timedelta = timedelta(hours=6)
    timeout_seconds: float = 10.0

    def delay(self, attempts: int) -> timedelta:
        """The wait after the ``attempts``-th failed try (1 → base, 2 → 2×base, …)."""
        return min(self.base_delay * (2 ** max(attempts - 1, 0)), self.max_delay)

    @property
    def lease(self) -> timedelta:
        """How long a claimed message stays invisible to other schedulers."""
        return timedelta(seconds=self.timeout_seconds * 3 + 60)


@dataclass(frozen=True)
class _Claimed:
    id: int
    url: str
    body: bytes
    key: str
    attempts: int


def requests_post(url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> Response:
    """The default ``post``: ``requests``, no redirects followed."""
    answer = requests.post(
        url, data=body, headers=dict(headers), timeout=timeout, allow_redirects=False
    )
    return Response(answer.status_code, answer.text[:ERROR_TEXT_LIMIT])


def sign(key: str, body: bytes) -> str:
    """The signature header's value: HMAC-SHA256 of the body keyed by the token's hash.

    A sender holds its token, so it computes the key as ``sha256(token)`` (hex) itself.
    """
    digest = hmac.new(key.encode("ascii"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def deliver_due(
    session_factory: Callable[[], Session],
    *,
    now: datetime,
    post: Post = requests_post,
    limit: int = 50,
    policy: RetryPolicy | None = None,
) -> int:
    """Send up to ``limit`` due messages; returns how many were delivered."""
    policy = policy or RetryPolicy()
    delivered = 0
    for _ in range(limit):
        claimed = _claim_next(session_factory, now=now, lease=policy.lease)
        if claimed is None:
            break
        error = _send(claimed, post, policy.timeout_seconds)
        _record(session_factory, claimed, error=error, now=now, policy=policy)
        delivered += error is None
    return delivered


def _send(claimed: _Claimed, post: Post, timeout: float) -> str | None:
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        MESSAGE_ID_HEADER: str(claimed.id),
        SIGNATURE_HEADER: sign(claimed.key, claimed.body),
    }
    try:
        answer = post(claimed.url, claimed.body, headers, timeout)
    except Exception as exc:  # any transport failure is one failed attempt
        return f"{type(exc).__name__}: {exc}"[:ERROR_TEXT_LIMIT]
    if 200 <= answer.status < 300:
        return None
    return f"HTTP {answer.status}: {answer.text}"[:ERROR_TEXT_LIMIT]


def _due_query(now: datetime):
    return (
        select(OutboxMessage, HandoffSender.callback_url, HandoffSender.token_hash)
        .join(HandoffSender, HandoffSender.id == OutboxMessage.sender_id)
        .where(OutboxMessage.status == OutboxStatus.PENDING)
        .where(OutboxMessage.next_attempt_at <= now)
        .where(HandoffSender.callback_url.is_not(None))
        .where(HandoffSender.callback_url != "")
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
    )


def _claim_next(
    session_factory: Callable[[], Session], *, now: datetime, lease: timedelta
) -> _Claimed | None:
    """Claim the most overdue deliverable message, or ``None`` when there is none."""
    with session_factory() as session:
        for _ in range(5):  # lost a race on SQLite: look again
            query = _due_query(now)
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(of=OutboxMessage, skip_locked=True)
            row = session.execute(query).first()
            if row is None:
                session.rollback()
                return None
            message, url, key = row
            taken = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message.id)
                .where(OutboxMessage.status == OutboxStatus.PENDING)
                .where(OutboxMessage.next_attempt_at <= now)
                .values(next_attempt_at=now + lease)
                .execution_options(synchronize_session=False)
            ).rowcount
            if taken == 1:
                claimed = _Claimed(message.id, url, _body(session, message), key, message.attempts)
                session.commit()
                return claimed
            session.rollback()
    return None


def _body(session: Session, message: OutboxMessage) -> bytes:
    external_id = session.execute(
        select(HandoffInbound.external_id)
        .where(HandoffInbound.sender_id == message.sender_id)
        .where(HandoffInbound.case_id == message.case_id)
    ).scalar()
    body: dict[str, Any] = message_body(message, external_id)
    body.pop("delivery_status")
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _record(
    session_factory: Callable[[], Session],
    claimed: _Claimed,
    *,
    error: str | None,
    now: datetime,
    policy: RetryPolicy,
) -> None:
    with session_factory() as session:
        message = session.get(OutboxMessage, claimed.id)
        if message is None or message.status != OutboxStatus.PENDING:
            return
        message.attempts = claimed.attempts + 1
        if error is None:
            message.status, message.delivered_at = OutboxStatus.DELIVERED, now
            message.next_attempt_at, message.last_error = None, None
        elif message.attempts >= policy.max_attempts:
            message.status, message.next_attempt_at = OutboxStatus.FAILED, None
            message.last_error = error
            log.warning("outbox message %s failed for good: %s", message.id, error)
        else:
            message.next_attempt_at = now + policy.delay(message.attempts)
            message.last_error = error
            log.info("outbox message %s not delivered (%s); retry later", message.id, error)
        session.commit()
