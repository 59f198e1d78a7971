"""The files the history vouches for: each event that recorded a file's SHA-256 (data keys
``sha256`` and ``file_name``) is checked against the stored bytes, re-hashed.

The hash chain covers the recorded hash; this walk covers the bytes: a stored file that
was altered or removed fails, naming the event that recorded it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import HistoryEvent

FILE_EVENTS = ("attachment_added",)
"""Event types whose data records a file by its hash."""

Read = Callable[[str], bytes | None]
"""Reads a stored object by SHA-256; ``None`` when it is missing."""


@dataclass(frozen=True)
class FilesResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str | None = None


def _describe(row: HistoryEvent) -> str:
    data = row.data or {}
    parts = [row.event_type]
    if data.get("case_code"):
        parts.append(f"案件 {data['case_code']}")
    parts.append(f"文件 {data.get('file_name') or '（无名）'}")
    return f"第 {row.seq} 条记录（{'，'.join(parts)}）"


def _problem(row: HistoryEvent, read: Read) -> str | None:
    digest = (row.data or {}).get("sha256")
    if not isinstance(digest, str):
        return f"{_describe(row)}没有记录文件哈希"
    try:
        content = read(digest)
    except Exception as error:  # a store that cannot be read is a failed check, not a crash
        return f"{_describe(row)}的文件无法读取（{type(error).__name__}）"
    if content is None:
        return f"{_describe(row)}的文件缺失：存储中找不到哈希为 {digest[:12]}… 的文件"
    if hashlib.sha256(content).hexdigest() != digest:
        return f"{_describe(row)}的文件已被修改：存储内容的哈希与记录不符"
    return None


def verify_files(
    session: Session,
    *,
    read: Read,
    event_types: Iterable[str] = FILE_EVENTS,
    instance_id: int | None = None,
) -> FilesResult:
    """Re-hash every recorded file (of one instance, or all), in chain order; stop at the
    first that is missing or altered."""
    query = select(HistoryEvent).where(HistoryEvent.event_type.in_(list(event_types)))
    if instance_id is not None:
        query = query.where(HistoryEvent.instance_id == instance_id)
    checked = 0
    for row in session.execute(query.order_by(HistoryEvent.seq)).scalars().yield_per(500):
        problem = _problem(row, read)
        if problem:
            return FilesResult(False, checked, row.seq, problem)
        checked += 1
    return FilesResult(True, checked)
