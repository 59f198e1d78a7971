"""排查: recording a screening round from the phone, and the findings it names.

A round carries the id the phone made (``client_id``): sent twice, it is recorded once.
A finding is named by its round's id and its position, so a report made from it offline,
before the round reached the server, still points at it once both have arrived.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import FormInvalid
from engine.forms import validate_form

from .enums import ScreeningKind
from .models import ScreeningFinding, ScreeningRound

UUID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
ROUND_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["client_id", "kind", "held_on", "region_code", "visited"],
    "properties": {
        "client_id": {"title": "排查编号", "type": "string", "pattern": UUID_PATTERN},
        "kind": {"title": "排查类型", "type": "string", "enum": [k.value for k in ScreeningKind]},
        "held_on": {"title": "排查日期", "type": "string", "format": "date", "maxLength": 10},
        "region_code": {"title": "网格", "type": "string", "minLength": 1, "maxLength": 20},
        "visited": {
            "title": "走访户数（场所数）",
            "type": "integer",
            "minimum": 0,
            "maximum": 100000,
        },
        "visited_note": {"title": "走访对象", "type": "string", "maxLength": 2000},
        "findings": {
            "title": "排查发现",
            "type": "array",
            "maxItems": 200,
            "items": {"type": "string", "minLength": 1, "maxLength": 2000},
        },
    },
    "additionalProperties": False,
}


def record_round(
    session: Session,
    payload: Mapping[str, Any],
    *,
    worker: str,
    scope: frozenset[str] | None,
    now: datetime,
) -> ScreeningRound:
    """Record a round (or return the one this id already recorded); raises ``FormInvalid``
    naming bad fields. The caller commits; a concurrent twin fails on ``client_id``."""
    if not isinstance(payload, Mapping):
        raise FormInvalid({"": ["请求体应为 JSON 对象"]})
    validate_form(ROUND_SCHEMA, payload)
    earlier = round_of(session, payload["client_id"])
    if earlier is not None:
        return earlier
    held_on = _day(payload["held_on"])
    if scope is not None and payload["region_code"] not in scope:
        raise FormInvalid({"region_code": ["所选网格不在您的辖区内"]})
    screening = ScreeningRound(
        client_id=payload["client_id"],
        worker=worker,
        region_code=payload["region_code"],
        kind=payload["kind"],
        held_on=held_on,
        visited=payload["visited"],
        visited_note=payload.get("visited_note", ""),
        recorded_at=now,
    )
    screening.findings = [
        ScreeningFinding(position=n, text=text)
        for n, text in enumerate(payload.get("findings", ()))
    ]
    session.add(screening)
    session.flush()
    return screening


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FormInvalid({"held_on": ["日期格式应为 2026-03-02"]}) from None


def round_of(session: Session, client_id: str) -> ScreeningRound | None:
    return session.execute(
        select(ScreeningRound).where(ScreeningRound.client_id == client_id)
    ).scalar_one_or_none()


def finding_of(session: Session, ref: Mapping[str, Any] | None) -> ScreeningFinding | None:
    """The finding at ``ref["position"]`` of the round whose phone id is ``ref["round"]``."""
    if not ref:
        return None
    return session.execute(
        select(ScreeningFinding)
        .join(ScreeningRound, ScreeningRound.id == ScreeningFinding.round_id)
        .where(
            ScreeningRound.client_id == ref["round"],
            ScreeningFinding.position == ref["position"],
        )
    ).scalar_one_or_none()


def round_json(screening: ScreeningRound) -> dict[str, Any]:
    return {
        "client_id": screening.client_id,
        "id": screening.id,
        "findings": [{"position": f.position, "text": f.text} for f in screening.findings],
    }
