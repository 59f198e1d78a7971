"""The append-only history: every state change one row, each row chained by hash.

``hash = sha256(prev_hash + canonical JSON of the row)``. Appends take the single
``history_head`` row's lock first, so sequence numbers and the chain follow commit
order even with many writers; ``verify`` walks the chain and names the first row that
does not match (edited, deleted, inserted, or a truncated tail).
"""

from __future__ import annotations

import hashlib
import json
import threading
import weakref
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, insert, select, update
from sqlalchemy.orm import Session

from . import writes
from .models import HistoryEvent, HistoryHead

GENESIS_HASH = "0" * 64
HEAD_ID = 1


@dataclass
class PendingEvent:
    """An event recorded during a step, written to the chain at commit."""

    event_type: str
    at: datetime
    actor: str
    instance_id: int | None = None
    process_id: str | None = None
    version_id: int | None = None
    task_id: str | None = None
    spec_id: str | None = None
    spec_name: str | None = None
    lane: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    step_process_id: str | None = None
    """The process (diagram) whose step this is: a called process or the top one."""


def canonical_time(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_text(row: HistoryEvent | PendingEvent, *, seq: int) -> str:
    """The JSON text a row's hash covers (after its ``prev_hash``): the row's fields, keys
    sorted, no spaces, non-ASCII kept, ``at`` in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``;
    ``step_process_id`` only when the row has one."""
    body = {
        "seq": seq,
        "event_type": row.event_type,
        "at": canonical_time(row.at),
        "actor": row.actor,
        "instance_id": row.instance_id,
        "process_id": row.process_id,
        "version_id": row.version_id,
        "task_id": row.task_id,
        "spec_id": row.spec_id,
        "spec_name": row.spec_name,
        "lane": row.lane,
        "data": row.data,
    }
    if row.step_process_id is not None:
        # Rows from before the field existed hash without it, so they still verify; a row
        # with it covers it, so neither adding nor removing it goes unnoticed.
        body["step_process_id"] = row.step_process_id
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def row_hash(row: HistoryEvent | PendingEvent, *, seq: int, prev_hash: str) -> str:
    text = canonical_text(row, seq=seq)
    return hashlib.sha256((prev_hash + text).encode()).hexdigest()


_guesses: weakref.WeakKeyDictionary[Any, tuple[int, str]] = weakref.WeakKeyDictionary()
"""Per database (SQLAlchemy engine): the head as this process last wrote it. Only a
guess: the head moves on when any other process appends, and the guess is checked in
the very statement that advances the head."""
_guesses_lock = threading.Lock()

_HEAD = HistoryHead.__table__
_EVENTS = HistoryEvent.__table__
_FIELDS = tuple(PendingEvent.__dataclass_fields__)


def _chained(events: list[PendingEvent], seq: int, prev: str) -> tuple[list[dict], int, str]:
    rows = []
    for event in events:
        seq += 1
        digest = row_hash(event, seq=seq, prev_hash=prev)
        row = {name: getattr(event, name) for name in _FIELDS}
        row.update(seq=seq, prev_hash=prev, hash=digest)
        rows.append(row)
        prev = digest
    return rows, seq, prev


def _head_is(seq: str, digest: str):
    return and_(_HEAD.c.last_seq == bindparam(seq), _HEAD.c.last_hash == bindparam(digest))


_ADVANCE = (
    update(_HEAD)
    .where(_HEAD.c.id == HEAD_ID)
    .values(
        last_seq=case((_head_is("g_seq", "g_hash"), bindparam("new_seq")), else_=_HEAD.c.last_seq),
        last_hash=case(
            (_head_is("g_seq", "g_hash"), bindparam("new_hash")), else_=_HEAD.c.last_hash
        ),
    )
    .returning(_HEAD.c.last_seq, _HEAD.c.last_hash)
)
"""Lock the head and, if it is still the guessed one, advance it; returns the head after."""
_LOCK = (
    update(_HEAD)
    .where(_HEAD.c.id == HEAD_ID)
    .values(last_seq=_HEAD.c.last_seq)
    .returning(_HEAD.c.last_seq, _HEAD.c.last_hash)
)
_SET = update(_HEAD).where(_HEAD.c.id == HEAD_ID)
_INSERT = insert(_EVENTS).returning(_EVENTS.c.seq)
"""Run with a list of rows: one multi-row ``INSERT`` (SQLAlchemy's "insertmanyvalues")."""


def _advance_guessed(session: Session, guess: tuple[int, str], n: int, last: str):
    """Lock the head and, if it is still ``guess``, advance it by ``n`` to ``last`` in the
    same statement. Returns the head after the statement (None: there is no head row)."""
    values = {"g_seq": guess[0], "g_hash": guess[1], "new_seq": guess[0] + n, "new_hash": last}
    return session.execute(_ADVANCE, values).first()


def _lock_head(session: Session) -> tuple[int, str]:
    """Lock the head row (an UPDATE: the write lock on SQLite, the row lock on
    PostgreSQL) and read it, in one statement; the first append creates it."""
    found = session.execute(_LOCK).first()
    if found is None:
        session.execute(insert(_HEAD).values(id=HEAD_ID, last_seq=0, last_hash=GENESIS_HASH))
        return 0, GENESIS_HASH
    return found[0], found[1]


def append(session: Session, events: list[PendingEvent]) -> None:
    """Chain ``events`` onto the history within the caller's transaction.

    Usually two statements: the head locked and advanced in one ``UPDATE … RETURNING``
    (chained onto the head this process last wrote, checked in that statement), then
    the events in one multi-row ``INSERT``. When another process appended meanwhile,
    the events are chained again onto the head that statement returned, and the head
    is advanced by one more ``UPDATE`` under the lock already held.
    """
    if not events:
        return
    bind = session.get_bind()
    with _guesses_lock:
        guess = _guesses.get(bind)
    rows: list[dict] = []
    head = None
    if guess is not None:
        rows, seq, last = _chained(events, *guess)
        head = _advance_guessed(session, guess, len(events), last)
    if head is None or (head[0], head[1]) != (seq, last):
        start = _lock_head(session) if head is None else (head[0], head[1])
        rows, seq, last = _chained(events, *start)
        session.execute(_SET, {"last_seq": seq, "last_hash": last})
    session.execute(_INSERT, rows)
    with _guesses_lock:
        _guesses[bind] = (seq, last)


_SEQ_MARK = -1
"""The ``seq`` a row's canonical text is made with to find where its real ``seq`` goes."""


def _seq_split(event: PendingEvent) -> tuple[str, str]:
    """The row's canonical text before and after its ``seq`` (keys sorted: the top-level
    ``seq`` is the last one, every key after it holds a string or a number)."""
    before, marked, after = canonical_text(event, seq=_SEQ_MARK).rpartition(f'"seq":{_SEQ_MARK}')
    if not marked:
        raise AssertionError("a canonical row always has its seq")
    return before + '"seq":', after


def _chain_rows(events: list[PendingEvent]) -> str:
    """The events as one JSON array: each row's fields, and the text its hash covers
    around its ``seq`` (``_pre``, ``_post``)."""
    rows = []
    for event in events:
        row = {name: getattr(event, name) for name in _FIELDS}
        row["_pre"], row["_post"] = _seq_split(event)
        rows.append(row)
    return json.dumps(rows, default=writes.jsonable, ensure_ascii=False, separators=(",", ":"))


_EVENT_COLUMNS = ", ".join(_FIELDS)
_SERVER_CHAIN = f"""h_locked AS (
  SELECT last_seq, last_hash FROM {_HEAD.name} WHERE id = {HEAD_ID} FOR UPDATE),
h_start AS (
  SELECT last_seq, last_hash FROM h_locked
  UNION ALL
  SELECT 0, '{GENESIS_HASH}' WHERE NOT EXISTS (SELECT FROM h_locked)),
h_rows AS (
  SELECT n, doc FROM json_array_elements(%(h_rows)s::json) WITH ORDINALITY AS x(doc, n)),
h_chain AS (
  SELECT 0::bigint AS n, last_seq AS seq, last_hash::text AS hash FROM h_start
  UNION ALL
  SELECT c.n + 1, c.seq + 1, encode(sha256(convert_to(
    c.hash || (r.doc ->> '_pre') || (c.seq + 1)::text || (r.doc ->> '_post'), 'UTF8')), 'hex')
  FROM h_chain c JOIN h_rows r ON r.n = c.n + 1),
h_insert AS (
  INSERT INTO {_EVENTS.name} ({_EVENT_COLUMNS}, seq, prev_hash, hash)
  SELECT {", ".join(f"e.{name}" for name in _FIELDS)}, c.seq, p.hash, c.hash
  FROM h_rows r
  CROSS JOIN LATERAL json_populate_record(NULL::{_EVENTS.name}, r.doc) e
  JOIN h_chain c ON c.n = r.n JOIN h_chain p ON p.n = r.n - 1),
h_advance AS (
  INSERT INTO {_HEAD.name} (id, last_seq, last_hash)
  SELECT {HEAD_ID}, seq, hash FROM h_chain ORDER BY n DESC LIMIT 1
  ON CONFLICT (id) DO UPDATE SET last_seq = excluded.last_seq, last_hash = excluded.last_hash)"""
"""Lock the head (the genesis when there is none yet), chain the rows ``h_rows`` onto it
(the same hash as ``row_hash``, by the server), insert them and advance (or create) the
head: ``WITH`` clauses of the step's statement."""


def append_with_writes(session: Session, events: list[PendingEvent], *, commits: bool) -> None:
    """``append``, sent with the writes the session kept (``engine.writes``, PostgreSQL)
    in one statement: the kept writes, then the head locked, the events chained onto it
    by the server (``sha256`` of the same text ``row_hash`` covers) and inserted, and the
    head advanced. However many processes append, the chain is made under the head's
    lock, in that statement: never chained onto a stale head and made again. With
    ``commits`` the transaction's ``COMMIT`` goes with the statement: it must be the
    transaction's last."""
    if not events:
        writes.flush(session)
        return
    connection = session.connection()
    text, params = writes.combined(
        connection.dialect,
        writes.take(session),
        after=_SERVER_CHAIN,
        after_values={"h_rows": _chain_rows(events)},
    )
    writes.run(connection, text, params, commits=commits)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str | None = None


def verify(session: Session, *, instance_id: int | None = None) -> VerifyResult:
    """Walk the chain in order; stop at the first row that does not match.

    With ``instance_id`` only that instance's rows are recomputed (their hashes must
    still match their stored ``prev_hash``); the full walk also checks links and the head.
    """
    if instance_id is not None:
        return _verify_rows_of(session, instance_id)
    expected_seq, prev, checked = 1, GENESIS_HASH, 0
    rows = session.execute(select(HistoryEvent).order_by(HistoryEvent.seq)).scalars()
    for row in rows.yield_per(2000):
        problem = None
        if row.seq != expected_seq:
            problem = f"序号不连续：应为 {expected_seq}，实为 {row.seq}（有记录被删除或插入）"
        elif row.prev_hash != prev:
            problem = "前一条记录的哈希不符（链条断开）"
        elif row_hash(row, seq=row.seq, prev_hash=row.prev_hash) != row.hash:
            problem = "记录内容与其哈希不符（记录被修改）"
        if problem:
            return VerifyResult(False, checked, min(row.seq, expected_seq), problem)
        prev, expected_seq, checked = row.hash, row.seq + 1, checked + 1
    head = session.get(HistoryHead, HEAD_ID)
    last_seq = expected_seq - 1
    if head is not None and (head.last_seq != last_seq or head.last_hash != prev):
        return VerifyResult(
            False,
            checked,
            last_seq + 1,
            f"链尾缺失：链头记录为第 {head.last_seq} 条，实际只到第 {last_seq} 条",
        )
    return VerifyResult(True, checked)


def _verify_rows_of(session: Session, instance_id: int) -> VerifyResult:
    checked = 0
    rows = session.execute(
        select(HistoryEvent)
        .where(HistoryEvent.instance_id == instance_id)
        .order_by(HistoryEvent.seq)
    ).scalars()
    for row in rows:
        if row_hash(row, seq=row.seq, prev_hash=row.prev_hash) != row.hash:
            return VerifyResult(False, checked, row.seq, "记录内容与其哈希不符（记录被修改）")
        following = session.execute(
            select(HistoryEvent.prev_hash).where(HistoryEvent.seq == row.seq + 1)
        ).scalar()
        if following is not None and following != row.hash:
            return VerifyResult(False, checked, row.seq + 1, "前一条记录的哈希不符（链条断开）")
        checked += 1
    return VerifyResult(True, checked)
