"""Case codes (一案一码): region, local date and a sequence, e.g. ``620702-20260302-0007``.

The sequence is one counter row per prefix, incremented with a single ``UPDATE ...
RETURNING``: on PostgreSQL the row lock orders concurrent intakes, on SQLite the one
writer does; the first intake of a day inserts the row, and a concurrent first insert
falls back to the update.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .models import CaseCodeCounter

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def next_case_code(session: Session, *, region_code: str, at: datetime) -> str:
    """A new, never-issued code for a case received in ``region_code`` at ``at``."""
    prefix = f"{region_code}-{at.astimezone(LOCAL_TZ):%Y%m%d}"
    number = _increment(session, prefix)
    if number is None:
        try:
            with session.begin_nested():
                session.add(CaseCodeCounter(prefix=prefix, last=1))
            number = 1
        except IntegrityError:  # another intake created the row first
            number = _increment(session, prefix)
    if number is None:
        raise RuntimeError(f"无法为 {prefix} 分配案件编号")
    return f"{prefix}-{number:04d}"


def _increment(session: Session, prefix: str) -> int | None:
    return session.execute(
        update(CaseCodeCounter)
        .where(CaseCodeCounter.prefix == prefix)
        .values(last=CaseCodeCounter.last + 1)
        .returning(CaseCodeCounter.last)
    ).scalar()
