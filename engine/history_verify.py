"""Walk the hash chain a part at a time, so a browser can verify millions of rows in short
requests and show progress.

Each part recomputes ``limit`` rows from ``start_seq`` on, with the same checks and words as
``history.verify``: the part begins from the stored hash of row ``start_seq - 1``, which the
previous part recomputed. The last part also checks the chain's head (a truncated tail).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .history import GENESIS_HASH, HEAD_ID, row_hash
from .models import HistoryEvent, HistoryHead

PART_SIZE = 50_000

_HASHED = [
    HistoryEvent.seq,
    HistoryEvent.event_type,
    HistoryEvent.at,
    HistoryEvent.actor,
    HistoryEvent.instance_id,
    HistoryEvent.process_id,
    HistoryEvent.version_id,
    HistoryEvent.task_id,
    HistoryEvent.spec_id,
    HistoryEvent.spec_name,
    HistoryEvent.lane,
    HistoryEvent.data,
    HistoryEvent.step_process_id,
    HistoryEvent.prev_hash,
    HistoryEvent.hash,
]


@dataclass(frozen=True)
class ChainPart:
    """What one part of the walk found."""

    ok: bool
    checked: int
    """Rows checked in this part."""
    next_seq: int
    """Where the next part starts."""
    done: bool
    """The whole chain has been walked (or a broken link ends the walk)."""
    total: int
    """Rows in the chain by its head when the part was read (for progress)."""
    first_bad_seq: int | None = None
    reason: str | None = None


def _problem(row, expected_seq: int, prev: str) -> str | None:
    if row.seq != expected_seq:
        return f"序号不连续：应为 {expected_seq}，实为 {row.seq}（有记录被删除或插入）"
    if row.prev_hash != prev:
        return "前一条记录的哈希不符（链条断开）"
    if row_hash(row, seq=row.seq, prev_hash=row.prev_hash) != row.hash:
        return "记录内容与其哈希不符（记录被修改）"
    return None


def _start_hash(session: Session, start_seq: int) -> str | None:
    if start_seq <= 1:
        return GENESIS_HASH
    return session.execute(
        select(HistoryEvent.hash).where(HistoryEvent.seq == start_seq - 1)
    ).scalar()


def _tail(session: Session, last_seq: int, last_hash: str, total: int, checked: int) -> ChainPart:
    head = session.get(HistoryHead, HEAD_ID)
    if head is None or (head.last_seq == last_seq and head.last_hash == last_hash):
        return ChainPart(True, checked, last_seq + 1, True, total)
    later = session.execute(
        select(HistoryEvent.seq).where(HistoryEvent.seq > last_seq).limit(1)
    ).first()
    if later is not None:  # appended while this part was read: walk on
        return ChainPart(True, checked, last_seq + 1, False, total)
    reason = f"链尾缺失：链头记录为第 {head.last_seq} 条，实际只到第 {last_seq} 条"
    return ChainPart(False, checked, last_seq + 1, True, total, last_seq + 1, reason)


def verify_part(session: Session, *, start_seq: int = 1, limit: int = PART_SIZE) -> ChainPart:
    """Recompute rows ``start_seq`` .. ``start_seq + limit - 1``; stop at the first bad one."""
    start_seq = max(1, start_seq)
    head = session.get(HistoryHead, HEAD_ID)
    total = head.last_seq if head is not None else 0
    prev = _start_hash(session, start_seq)
    if prev is None:
        reason = f"找不到第 {start_seq - 1} 条记录（有记录被删除）"
        return ChainPart(False, 0, start_seq, True, total, start_seq - 1, reason)
    rows = session.execute(
        select(*_HASHED)
        .where(HistoryEvent.seq >= start_seq)
        .order_by(HistoryEvent.seq)
        .limit(limit)
    )
    expected, checked = start_seq, 0
    for row in rows:
        problem = _problem(row, expected, prev)
        if problem:
            bad = min(row.seq, expected)
            return ChainPart(False, checked, expected, True, total, bad, problem)
        prev, expected, checked = row.hash, row.seq + 1, checked + 1
    if checked == limit:
        return ChainPart(True, checked, expected, False, total)
    return _tail(session, expected - 1, prev, total, checked)


def verify_chain(session: Session, *, part_size: int = PART_SIZE) -> ChainPart:
    """The whole walk in one call (parts in a loop); ``checked`` counts every row."""
    start, checked = 1, 0
    while True:
        part = verify_part(session, start_seq=start, limit=part_size)
        checked += part.checked
        if part.done:
            return ChainPart(
                part.ok, checked, part.next_seq, True, part.total, part.first_bad_seq, part.reason
            )
        start = part.next_seq
