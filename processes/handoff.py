"""The hand-off API's domain side (三调对接, 12345): senders, their pushes, their results.

An outside system (court, police, petition office, 12345 hotline) is a ``HandoffSender``
holding a bearer token of which only the SHA-256 is stored. A push carries the sender's
own id for the matter (``external_id``: 法院案号, 警情号, 信访件号, 工单号); the pair
(sender, external_id) is unique, so the same push twice is one case. Results owed to a
sender are outbox rows (``processes.outbox``), delivered by ``processes.delivery`` and
readable by polling here.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import Actor, Engine, FormInvalid
from engine.forms import validate_form

from .enums import Channel
from .intake import Received, intake_schema, receive_case
from .models import Case, HandoffInbound, HandoffSender, OutboxMessage, Region
from .reports.regions import descendants

SENDER_CHANNELS = (Channel.COURT, Channel.POLICE, Channel.PETITION, Channel.HOTLINE_12345)
"""The channels an outside system may push on: the 三调 hand-offs and 12345."""

TOKEN_PREFIX = "zzh_"
MAX_RESULTS_PAGE = 200


class HandoffError(ValueError):
    """A sender cannot be registered or changed as asked; the message says why (Chinese)."""


# -- senders and tokens -------------------------------------------------------------------
def hash_token(token: str) -> str:
    """The SHA-256 (hex) of a token: the only form in which it is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_sender(
    session: Session,
    *,
    code: str,
    name: str,
    channel: str,
    region_code: str,
    callback_url: str | None = None,
) -> tuple[HandoffSender, str]:
    """Register a sender; returns it and its token, which is shown once and never stored."""
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise HandoffError("来源单位代码和名称不能为空")
    if channel not in SENDER_CHANNELS:
        raise HandoffError(
            f"来源渠道 {channel!r} 无效，可选：" + "、".join(str(c) for c in SENDER_CHANNELS)
        )
    if session.get(Region, region_code) is None:
        raise HandoffError(f"区划代码 {region_code} 不存在")
    if find_sender(session, code) is not None:
        raise HandoffError(f"来源单位代码 {code} 已存在")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    sender = HandoffSender(
        code=code,
        name=name,
        channel=channel,
        region_code=region_code,
        token_hash=hash_token(token),
        callback_url=check_callback_url(callback_url),
        active=True,
    )
    session.add(sender)
    session.flush()
    return sender, token


def check_callback_url(url: str | None) -> str | None:
    """An http(s) URL, or ``None`` for a polling-only sender; raises ``HandoffError``."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise HandoffError(f"回调地址 {url!r} 无效：应为 http:// 或 https:// 开头的完整地址")
    return url


def find_sender(session: Session, code: str) -> HandoffSender | None:
    return session.execute(select(HandoffSender).where(HandoffSender.code == code)).scalar()


def list_senders(session: Session) -> list[HandoffSender]:
    return list(session.execute(select(HandoffSender).order_by(HandoffSender.code)).scalars())


def disable_sender(session: Session, code: str) -> HandoffSender:
    """Revoke a sender's token: it can push and poll no more; owed results stay queued."""
    sender = find_sender(session, code)
    if sender is None:
        raise HandoffError(f"来源单位 {code} 不存在")
    sender.active = False
    session.flush()
    return sender


def authenticate(session: Session, token: str | None) -> HandoffSender | None:
    """The active sender holding ``token``, or ``None``.

    Every active sender's hash is compared in constant time (there are a handful), so the
    time taken says nothing about how close a guess was.
    """
    if not token:
        return None
    presented = hash_token(token)
    found: int | None = None
    rows = session.execute(
        select(HandoffSender.id, HandoffSender.token_hash).where(HandoffSender.active.is_(True))
    ).all()
    for sender_id, token_hash in rows:
        if hmac.compare_digest(presented, token_hash) and found is None:
            found = sender_id
    return session.get(HandoffSender, found) if found is not None else None


# -- pushes ---------------------------------------------------------------------------------
@cache
def push_schema() -> dict[str, Any]:
    """The push body: the intake form without ``channel``/``source_ref`` (the sender fixes
    them), plus the sender's ``external_id``; ``region_code`` defaults to the sender's."""
    schema = copy.deepcopy(intake_schema())
    schema["title"] = "对接推送"
    properties = schema["properties"]
    properties.pop("channel")
    source_ref = properties.pop("source_ref")
    properties = {
        "external_id": {
            "title": "来源编号",
            "description": source_ref["description"] + "；同一编号重复推送视为同一案件",
            "type": "string",
            "minLength": 1,
            "maxLength": 120,
        },
        **properties,
    }
    schema["properties"] = properties
    schema["required"] = [
        "external_id",
        *(f for f in schema["required"] if f not in ("channel", "region_code")),
    ]
    return schema


def check_push(payload: Any) -> None:
    """Raise ``FormInvalid`` naming every bad field of a push (unknown fields included)."""
    check_body(push_schema(), payload)


def check_body(schema: Mapping[str, Any], payload: Any) -> None:
    """Raise ``FormInvalid`` naming every bad field of a request body against ``schema``,
    each unknown field by name (not as one "additional properties" message)."""
    if not isinstance(payload, Mapping):
        raise FormInvalid({"": ["请求体应为 JSON 对象"]})
    known = schema["properties"]
    errors: dict[str, list[str]] = {
        str(key): ["不是可接受的字段"] for key in payload if key not in known
    }
    try:
        validate_form(schema, {k: v for k, v in payload.items() if k in known})
    except FormInvalid as invalid:
        errors.update(invalid.errors)
    if errors:
        raise FormInvalid(errors)


def intake_fields(sender: HandoffSender, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The intake form's fields for a (checked) push from ``sender``."""
    fields = {k: v for k, v in payload.items() if k != "external_id"}
    fields["channel"] = sender.channel
    fields["source_ref"] = payload["external_id"]
    fields.setdefault("region_code", sender.region_code)
    return fields


def receive_push(
    engine: Engine, sender: HandoffSender, payload: Mapping[str, Any]
) -> tuple[Received, bool]:
    """Register a push as a case, or find the case an earlier identical push made.

    Returns ``(received, created)``. Raises ``FormInvalid`` naming the bad fields (then
    nothing is stored). A concurrent double push loses on the unique (sender,
    external_id) constraint; its transaction rolls back whole and the winner's case is
    returned.
    """
    check_push(payload)
    check_push_region(engine, sender, payload.get("region_code"))
    external_id: str = payload["external_id"]
    existing = _existing(engine, sender.id, external_id)
    if existing is not None:
        return existing, False

    def record_inbound(session: Session, case: Case) -> None:
        session.add(
            HandoffInbound(
                sender_id=sender.id,
                external_id=external_id,
                case_id=case.id,
                received_at=engine.clock.now(),
            )
        )
        session.flush()

    actor = Actor.of(f"handoff:{sender.code}")
    try:
        received = receive_case(
            engine,
            intake_fields(sender, payload),
            actor=actor,
            sender_id=sender.id,
            on_created=record_inbound,
        )
    except FormInvalid as invalid:
        raise FormInvalid(_api_field_names(invalid.errors)) from None
    except IntegrityError:
        existing = _existing(engine, sender.id, external_id)
        if existing is None:
            raise
        return existing, False
    return received, True


def check_push_region(engine: Engine, sender: HandoffSender, region_code: str | None) -> None:
    """Raise ``FormInvalid`` when a push names a region outside the sender's own area (a
    township's police station cannot register cases in the next township). An unknown
    code is left to the intake, which names it with the other bad references."""
    if not region_code:
        return
    with engine.session_factory() as session:
        if session.get(Region, region_code) is None:
            return
        if region_code not in descendants(session, sender.region_code):
            raise FormInvalid({"region_code": [f"区划代码 {region_code} 不在本来源单位的辖区内"]})


def _api_field_names(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    renamed = {"source_ref": "external_id", "channel": ""}
    return {renamed.get(field, field): messages for field, messages in errors.items()}


def sender_case(session: Session, sender_id: int, external_id: str) -> Case | None:
    """The case made by the sender's push ``external_id``, or ``None``."""
    return session.execute(
        select(Case)
        .join(HandoffInbound, HandoffInbound.case_id == Case.id)
        .where(HandoffInbound.sender_id == sender_id)
        .where(HandoffInbound.external_id == external_id)
    ).scalar()


def _existing(engine: Engine, sender_id: int, external_id: str) -> Received | None:
    with engine.session_factory() as session:
        row = session.execute(
            select(Case.id, Case.instance_id, Case.code)
            .join(HandoffInbound, HandoffInbound.case_id == Case.id)
            .where(HandoffInbound.sender_id == sender_id)
            .where(HandoffInbound.external_id == external_id)
        ).first()
    if row is None:
        return None
    return Received(row.id, row.instance_id or 0, row.code or "")


# -- what a sender may read back ----------------------------------------------------------------
def case_status_for(session: Session, sender: HandoffSender, external_id: str) -> dict | None:
    """The state of the sender's matter ``external_id`` (no personal data), or ``None``."""
    row = session.execute(
        select(Case, HandoffInbound)
        .join(HandoffInbound, HandoffInbound.case_id == Case.id)
        .where(HandoffInbound.sender_id == sender.id)
        .where(HandoffInbound.external_id == external_id)
    ).first()
    if row is None:
        return None
    case, inbound = row
    return {
        "external_id": inbound.external_id,
        "case_id": case.id,
        "code": case.code,
        "status": case.status,
        "result": case.result,
        "result_note": case.result_note,
        "remedy": case.remedy,
        "received_at": _iso(inbound.received_at),
        "resolved_at": _iso(case.resolved_at),
        "closed_at": _iso(case.closed_at),
    }


def results_for(
    session: Session, sender: HandoffSender, after_id: int = 0, limit: int = 50
) -> list[dict[str, Any]]:
    """The sender's outbox messages with id > ``after_id``, oldest first (polling).

    At most ``MAX_RESULTS_PAGE + 1`` rows (a caller asks one more to know if there are more).
    """
    limit = max(1, min(limit, MAX_RESULTS_PAGE + 1))
    rows = session.execute(
        select(OutboxMessage, HandoffInbound.external_id)
        .outerjoin(
            HandoffInbound,
            (HandoffInbound.case_id == OutboxMessage.case_id)
            & (HandoffInbound.sender_id == OutboxMessage.sender_id),
        )
        .where(OutboxMessage.sender_id == sender.id)
        .where(OutboxMessage.id > after_id)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    return [message_body(message, external_id) for message, external_id in rows]


def message_body(message: OutboxMessage, external_id: str | None) -> dict[str, Any]:
    """One result as a sender sees it, by polling or in a delivery's request body."""
    payload = dict(message.payload or {})
    return {
        "id": message.id,
        "kind": message.kind,
        "external_id": external_id or payload.get("source_ref"),
        "case_code": payload.get("case_code"),
        "created_at": _iso(message.created_at),
        "delivery_status": message.status,
        "payload": payload,
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
