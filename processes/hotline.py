"""The 12345 hotline's verdict on a reply to its work order (``bpmn/hotline.bpmn``).

The center answers a work order (答复工单) through the outbox; the hotline calls the
citizen back and posts its verdict: 认可 (the work order is done) or 退回 (退回再办). A
verdict carries the hotline's own id for it, so the same verdict posted twice is one. It
is delivered to the case's instance as the BPMN message ``VERDICT_MESSAGE``; the
diagram's ``handoff.verdict`` step stores it, in that step's transaction. A verdict
the case is not waiting for is refused, saying so.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import Actor, ConflictError, Engine, NotFound

from .enums import Evaluation, Verdict
from .handoff import check_body, sender_case
from .models import HandoffSender, HandoffVerdict

VERDICT_MESSAGE = "热线回访结果"
"""The message ``bpmn/hotline.bpmn`` waits for after each reply (``wait_verdict``)."""

VERDICT_FIELDS = ("verdict_id", "verdict", "reason", "evaluation")

VERDICT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "热线回访结果",
    "type": "object",
    "properties": {
        "verdict_id": {
            "title": "回访结果编号",
            "description": "热线自己的回访记录编号；同一编号重复提交视为同一结果",
            "type": "string",
            "minLength": 1,
            "maxLength": 120,
        },
        "verdict": {
            "title": "回访结论",
            "description": "认可：答复被接受，工单办结；退回：回访不满意或答复不符合要求，退回再办",
            "type": "string",
            "enum": [v.value for v in Verdict],
        },
        "reason": {
            "title": "理由",
            "description": "退回时必填：群众不满意的原因或答复的不足",
            "type": "string",
            "maxLength": 2000,
        },
        "evaluation": {
            "title": "群众评价",
            "description": "热线回访时群众的评价（可不填）",
            "type": "string",
            "enum": [e.value for e in Evaluation],
        },
    },
    "required": ["verdict_id", "verdict"],
    "if": {"properties": {"verdict": {"const": Verdict.REJECTED.value}}, "required": ["verdict"]},
    "then": {"required": ["reason"], "properties": {"reason": {"minLength": 2}}},
    "additionalProperties": False,
}
"""The body of ``POST /api/v1/matters/<external_id>/verdicts``."""


class VerdictRefused(Exception):
    """A well-formed verdict that cannot be taken now; ``code`` names why, the message
    says it in Chinese."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def receive_verdict(
    engine: Engine, sender: HandoffSender, external_id: str, payload: Any
) -> tuple[dict[str, Any], bool]:
    """Deliver the sender's verdict on its work order ``external_id``.

    Returns ``(verdict, created)``: ``created`` is False when the same ``verdict_id`` was
    taken before (the stored verdict is returned, whatever this body says). Raises
    ``FormInvalid`` naming the bad fields, ``NotFound`` for a work order the sender never
    pushed, ``VerdictRefused`` when no reply awaits a verdict or the id judged another
    work order.
    """
    check_body(VERDICT_SCHEMA, payload)
    verdict = {field: payload.get(field, "") for field in VERDICT_FIELDS}
    with engine.session_factory() as session:
        case = sender_case(session, sender.id, external_id)
        if case is None:
            raise NotFound(f"未找到来源编号为 {external_id} 的推送")
        case_id, instance_id, code = case.id, case.instance_id, case.code
        known = _taken(session, sender.id, verdict["verdict_id"], case_id)
    if known is not None:
        return _body(known, external_id, code), False
    try:
        engine.send_message(
            instance_id or 0, VERDICT_MESSAGE, verdict, actor=Actor.of(f"handoff:{sender.code}")
        )
    except (ConflictError, NotFound):
        # Not waiting, or a concurrent post of the same verdict got there first.
        with engine.session_factory() as session:
            known = _taken(session, sender.id, verdict["verdict_id"], case_id)
        if known is None:
            raise VerdictRefused(
                "not_awaited",
                f"工单 {external_id} 当前没有等待热线回访结果的答复："
                "答复推送热线之后、回访结果反馈之前才能提交认可或退回",
            ) from None
        return _body(known, external_id, code), False
    with engine.session_factory() as session:
        stored = _taken(session, sender.id, verdict["verdict_id"], case_id)
    if stored is None:  # a diagram that does not store verdicts: echo what was delivered
        return {**verdict, "external_id": external_id, "case_code": code}, True
    return _body(stored, external_id, code), True


def _taken(
    session: Session, sender_id: int, verdict_id: str, case_id: int
) -> HandoffVerdict | None:
    row = session.execute(
        select(HandoffVerdict)
        .where(HandoffVerdict.sender_id == sender_id)
        .where(HandoffVerdict.verdict_id == verdict_id)
    ).scalar()
    if row is not None and row.case_id != case_id:
        raise VerdictRefused(
            "verdict_id_taken", f"回访结果编号 {verdict_id} 已用于另一工单，请使用新的编号"
        )
    return row


def _body(row: HandoffVerdict, external_id: str, case_code: str | None) -> dict[str, Any]:
    return {
        "verdict_id": row.verdict_id,
        "verdict": row.verdict,
        "reason": row.reason,
        "evaluation": row.evaluation,
        "round": row.round,
        "external_id": external_id,
        "case_code": case_code,
        "received_at": _iso(row.received_at),
    }


def _iso(value: datetime) -> str:
    return value.isoformat()
