"""A case's progress as its party may see it (the public 进度查询).

The citizen proves they are a party with the case code and the last four digits of their
phone. What they get is public by construction: the stage in plain words, the deadline,
the result and milestones built from a whitelist of history events. No names, phones,
notes, reasons, staff or departments: nothing is copied from a row unless listed here.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from engine.models import HistoryEvent

from .calendar import load_calendar
from .current_deadline import case_deadlines
from .deadlines import local
from .enums import CaseStatus, Route
from .models import Case, DisputeType

TAIL_DIGITS = 4
MAX_CODE_LENGTH = 40

LEVEL_WORDS: dict[str, str] = {
    "网格员": "村（社区）网格员",
    "村调委会": "村（社区）人民调解委员会",
    "镇综治中心": "乡镇（街道）综治中心",
    "镇党委政府": "乡镇（街道）党委、政府",
    "县综治中心": "县（区）综治中心",
    "中心吹哨": "综治中心牵头，相关部门联合",
    "部门": "相关职能部门",
    "调解员": "调解组织",
}
"""Who holds the case, in general terms (a level, never a person or a named unit)."""

ROUTE_WORDS: dict[str, str] = {
    Route.ON_THE_SPOT: "当场办理",
    Route.LADDER: "按“四级七天”逐级调处",
    Route.WHISTLE: "综治中心牵头、相关部门联合调处",
    Route.LEGAL_SERVICE: "转法律服务",
    Route.NOT_FOR_MEDIATION: "引导通过其他途径解决",
    Route.HANDOFF: "转人民调解（三调对接）",
}

STAGE_WORDS: dict[str, str] = {
    CaseStatus.RECEIVED: "已受理，正在研判分流",
    CaseStatus.HANDLING: "办理中",
    CaseStatus.RESOLVED: "已化解，等待回访",
    CaseStatus.GUIDED: "已引导通过其他途径解决",
    CaseStatus.RETURNED: "已退回来源单位",
    CaseStatus.CLOSED: "已结案",
    CaseStatus.CANCELLED: "已撤销",
}


@dataclass(frozen=True)
class Milestone:
    at: datetime
    """Local (China Standard) time."""
    title: str


@dataclass(frozen=True)
class PublicProgress:
    code: str
    received_on: date
    dispute_type: str
    status: str
    stage: str
    """The stage in plain words: 已受理…, 办理中（乡镇综治中心办理）, 已化解…"""
    due_on: date | None
    """The deadline now running, while the case is open."""
    due_provisional: bool
    """``due_on`` lies in a year whose holidays are not entered yet (暂定)."""
    result: str | None
    milestones: tuple[Milestone, ...]


def public_progress(session: Session, *, code: str, phone_tail: str) -> PublicProgress | None:
    """The progress of case ``code`` if one of its parties' phones ends in ``phone_tail``.

    ``None`` when the code is unknown or the digits do not match: the caller must not be
    able to tell which.
    """
    code = (code or "").strip()
    if not code or len(code) > MAX_CODE_LENGTH or not is_phone_tail(phone_tail):
        return None
    case = session.scalars(
        select(Case).where(Case.code == code).options(selectinload(Case.parties))
    ).one_or_none()
    if case is None or not _phone_matches((p.phone for p in case.parties), phone_tail):
        return None
    type_name = session.scalar(
        select(DisputeType.name).where(DisputeType.code == case.dispute_type)
    )
    deadline = case_deadlines(session, [case])[case.id]
    due_on = local(deadline.at).date() if deadline.at is not None else None
    return PublicProgress(
        code=case.code or "",
        received_on=local(case.received_at).date(),
        dispute_type=type_name or "其他",
        status=case.status,
        stage=_stage(case),
        due_on=due_on,
        due_provisional=due_on is not None and not load_calendar(session).covered(due_on.year),
        result=_result(case),
        milestones=tuple(_milestones(session, case)),
    )


def is_phone_tail(value: str | None) -> bool:
    return bool(value) and re.fullmatch(rf"[0-9]{{{TAIL_DIGITS}}}", value or "") is not None


def _phone_matches(phones: Iterable[str | None], tail: str) -> bool:
    found = False
    for phone in phones:
        digits = re.sub(r"[^0-9]", "", phone or "")
        if len(digits) >= TAIL_DIGITS and hmac.compare_digest(digits[-TAIL_DIGITS:], tail):
            found = True
    return found


def _stage(case: Case) -> str:
    if case.status == CaseStatus.HANDLING and case.level:
        return f"办理中（{LEVEL_WORDS.get(case.level, '相关单位')}办理）"
    return STAGE_WORDS.get(case.status, case.status)


def _result(case: Case) -> str | None:
    if case.status == CaseStatus.GUIDED and case.remedy:
        return f"引导通过{case.remedy}途径解决"
    if case.status == CaseStatus.RETURNED:
        return "已退回来源单位依法处理"
    return case.result


def _level(data: Mapping[str, Any]) -> str | None:
    level = data.get("to")
    return f"转由{LEVEL_WORDS.get(level, '相关单位')}办理" if level else None


def _route(data: Mapping[str, Any]) -> str | None:
    return f"分流：{ROUTE_WORDS.get(data.get('route'), '已分流')}"


def _guided(data: Mapping[str, Any]) -> str | None:
    remedy = data.get("remedy")
    return f"引导通过{remedy}途径解决" if remedy else "引导通过其他途径解决"


PUBLIC_EVENTS: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    "case_routed": _route,
    "case_level_changed": _level,
    "departments_summoned": lambda _data: "相关部门到场联合调处",
    "mediation_accepted": lambda _data: "调解开始",
    "case_resolved": lambda _data: "纠纷已化解",
    "case_guided": _guided,
    "case_returned": lambda _data: "退回来源单位",
    "case_called_back": lambda _data: "完成回访",
    "case_closed": lambda _data: "结案",
}
"""History events a party may see, each turned into a title from whitelisted data only."""


def _milestones(session: Session, case: Case) -> list[Milestone]:
    found = [Milestone(local(case.received_at), "受理登记")]
    if case.instance_id is None:
        return found
    events = session.execute(
        select(HistoryEvent.event_type, HistoryEvent.at, HistoryEvent.data)
        .where(
            HistoryEvent.instance_id == case.instance_id,
            HistoryEvent.event_type.in_(sorted(PUBLIC_EVENTS)),
        )
        .order_by(HistoryEvent.seq)
    )
    for event_type, at, data in events:
        title = PUBLIC_EVENTS[event_type](data or {})
        if title and title != found[-1].title:
            found.append(Milestone(local(at), title))
    return found
