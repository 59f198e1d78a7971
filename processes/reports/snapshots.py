"""Report snapshots: a region's report for a period, frozen as issued.

``issue_snapshot`` builds the report (``report.build_report``) and stores it with the
SHA-256 of its canonical JSON; the row is never updated, so what was issued stays what
it was whatever happens to the cases later. ``issue_due`` issues every scheduled report
that is due (``schedule.due_periods``), each in its own transaction: when two schedulers
race for one, the unique index on (kind, region, first day) of scheduled rows lets one
win and the other skip it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..calendar import OperationRecorder
from ..models import ReportSnapshot
from .periods import Period, PeriodKind
from .report import build_report
from .schedule import Due, due_periods

__all__ = [
    "REPORT_ISSUED",
    "SCHEDULER_NAME",
    "AfterIssue",
    "Due",
    "canonical_json",
    "content_hash",
    "due_periods",
    "is_intact",
    "issue_due",
    "issue_snapshot",
]

log = logging.getLogger(__name__)

SCHEDULER_NAME = "定时任务"
"""``issued_by`` of the reports the scheduler issues."""
REPORT_ISSUED = "report_issued"
"""The history event of an issued report; it carries the content hash, so the hash chain
vouches for the snapshot's figures."""

AfterIssue = Callable[[Session, ReportSnapshot], object]
"""Called in a scheduled snapshot's transaction once it is stored (e.g. to raise alerts)."""


def canonical_json(content: Mapping[str, Any]) -> bytes:
    """The content as canonical JSON: keys sorted, no spaces, UTF-8."""
    text = json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
    return text.encode("utf-8")


def content_hash(content: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of ``canonical_json(content)``."""
    return hashlib.sha256(canonical_json(content)).hexdigest()


def is_intact(snapshot: ReportSnapshot) -> bool:
    """Whether the stored content still hashes to the hash stored when it was issued."""
    return content_hash(snapshot.content) == snapshot.content_hash


def issue_snapshot(
    session: Session,
    *,
    kind: PeriodKind | str,
    region_code: str,
    period: Period,
    as_of: datetime,
    issued_by: str,
    scheduled: bool,
    record: OperationRecorder | None = None,
) -> ReportSnapshot:
    """Build the report of ``region_code`` for ``period`` as of ``as_of`` and store it
    (flushed, not committed). ``record`` logs a ``report_issued`` history event.

    A scheduled one needs a fixed-length period and fails with ``IntegrityError`` on
    flush when that report was issued already.
    """
    if PeriodKind(kind) is not period.kind:
        raise ValueError(f"报表种类 {kind} 与周期 {period.label}（{period.kind}）不符")
    if scheduled and period.kind is PeriodKind.CUSTOM:
        raise ValueError("按需报表不能作为定时报表签发")
    content = build_report(session, region_code=region_code, period=period, as_of=as_of)
    row = ReportSnapshot(
        kind=period.kind.value,
        region_code=region_code,
        first=period.first,
        last=period.last,
        issued_at=as_of,
        issued_by=issued_by,
        scheduled=scheduled,
        content=content,
        content_hash=content_hash(content),
    )
    session.add(row)
    session.flush()
    if record is not None:
        record(session, event_type=REPORT_ISSUED, actor=issued_by, data=_event_data(row))
    return row


def _event_data(row: ReportSnapshot) -> dict[str, Any]:
    return {
        "snapshot_id": row.id,
        "kind": row.kind,
        "region_code": row.region_code,
        "first": row.first.isoformat(),
        "last": row.last.isoformat(),
        "scheduled": row.scheduled,
        "content_hash": row.content_hash,
    }


def issue_due(
    session_factory: Callable[[], Session],
    now: datetime,
    *,
    record: OperationRecorder | None = None,
    after_issue: AfterIssue | None = None,
) -> int:
    """Issue every due scheduled report as of ``now``, one transaction each; returns how
    many this call issued. One issued meanwhile by another scheduler is skipped; one that
    fails is logged and left for the next round."""
    with session_factory() as session:
        due = due_periods(session, now)
    issued = 0
    for item in due:
        issued += _issue_one(session_factory, item, now, record=record, after_issue=after_issue)
    return issued


def _issue_one(
    session_factory: Callable[[], Session],
    item: Due,
    now: datetime,
    *,
    record: OperationRecorder | None,
    after_issue: AfterIssue | None,
) -> int:
    with session_factory() as session:
        try:
            row = issue_snapshot(
                session,
                kind=item.kind,
                region_code=item.region_code,
                period=item.period,
                as_of=now,
                issued_by=SCHEDULER_NAME,
                scheduled=True,
            )
            if after_issue is not None:
                after_issue(session, row)
            if record is not None:  # last: the history head stays locked until the commit
                record(
                    session, event_type=REPORT_ISSUED, actor=SCHEDULER_NAME, data=_event_data(row)
                )
            session.commit()
        except IntegrityError:
            session.rollback()  # another scheduler issued it first
            return 0
        except Exception:
            session.rollback()
            log.exception("report %s %s %s not issued", item.kind, item.region_code, item.period)
            return 0
    return 1
