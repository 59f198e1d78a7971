"""Verifying the hash chain for the auditor: the whole chain (a part at a time) or one case's
rows, the first broken link described (seq, time, event, case, reason), and an
operation-log entry saying who verified what and what was found."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from engine import Engine
from engine.history import verify
from engine.history_files import FilesResult
from engine.history_search import event_row
from engine.history_verify import ChainPart, verify_part
from processes.models import Case

from .labels import HISTORY_VERIFIED
from .rows import AuditRow, present


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    scope: str
    """What was verified, in words: 全部历史记录 or 案件 <code>."""
    first_bad_seq: int | None = None
    reason: str | None = None
    bad: AuditRow | None = None
    """The first broken row as the search shows it (``None`` if it was deleted)."""
    files_checked: int | None = None
    """Attached files re-hashed against the history (``None``: files not checked)."""
    file_problem: bool = False
    """The chain is intact but a file it recorded was altered or is missing."""


def _bad_row(session: Session, engine: Engine, seq: int | None) -> AuditRow | None:
    row = event_row(session, seq) if seq is not None else None
    return present(session, [row], engine.forms)[0] if row is not None else None


def _record(session: Session, engine: Engine, user: str, verdict: Verdict, case: Case | None):
    data = {
        "scope": "case" if case is not None else "chain",
        "ok": verdict.ok,
        "checked": verdict.checked,
        "first_bad_seq": verdict.first_bad_seq,
    }
    if case is not None:
        data.update(case_id=case.id, code=case.code)
    if verdict.files_checked is not None:
        data.update(files_checked=verdict.files_checked, file_problem=verdict.file_problem)
    engine.record_operation(session, event_type=HISTORY_VERIFIED, actor=user, data=data)


def chain_part(
    session: Session, engine: Engine, *, start_seq: int, limit: int, user: str
) -> tuple[ChainPart, Verdict | None]:
    """One part of the whole walk; at the end, the verdict (recorded in the caller's
    transaction). Rows before ``start_seq`` were checked by the earlier parts."""
    part = verify_part(session, start_seq=start_seq, limit=limit)
    if not part.done:
        return part, None
    checked = (part.first_bad_seq or part.next_seq) - 1
    verdict = Verdict(
        part.ok,
        max(0, checked),
        "全部历史记录",
        part.first_bad_seq,
        part.reason,
        _bad_row(session, engine, part.first_bad_seq) if not part.ok else None,
    )
    _record(session, engine, user, verdict, None)
    return part, verdict


def verify_all(session: Session, engine: Engine, *, user: str, part_size: int) -> Verdict:
    start = 1
    while True:
        part, verdict = chain_part(session, engine, start_seq=start, limit=part_size, user=user)
        if verdict is not None:
            return verdict
        start = part.next_seq


def verify_case(
    session: Session,
    engine: Engine,
    case: Case,
    *,
    user: str,
    files: Callable[[Case], FilesResult] | None = None,
) -> Verdict:
    """One case's rows; with ``files`` (``webapp.attachments.verify_stored_files``), once
    they hold, the files they recorded too."""
    scope = f"案件 {case.code or case.id}"
    if case.instance_id is None:
        verdict = Verdict(True, 0, scope)
    else:
        result = verify(session, instance_id=case.instance_id)
        verdict = Verdict(
            result.ok,
            result.checked,
            scope,
            result.first_bad_seq,
            result.reason,
            _bad_row(session, engine, result.first_bad_seq) if not result.ok else None,
        )
    if files is not None and verdict.ok:
        verdict = _with_files(session, engine, verdict, files(case))
    _record(session, engine, user, verdict, case)
    return verdict


def _with_files(session: Session, engine: Engine, verdict: Verdict, found: FilesResult):
    if found.ok:
        return replace(verdict, files_checked=found.checked)
    bad = _bad_row(session, engine, found.first_bad_seq)
    return replace(
        verdict,
        ok=False,
        first_bad_seq=found.first_bad_seq,
        reason=found.reason,
        bad=bad,
        files_checked=found.checked,
        file_problem=True,
    )
