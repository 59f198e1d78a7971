"""A step's writes, sent to PostgreSQL as one statement at commit.

On PostgreSQL each statement is a round trip, a wait on the server. A step's writes (the
timer rows, the task projection, the instance row with its version check, the history
head and the events) do not depend on one another's results, so they are kept until the
unit of work commits and sent then as one statement of data-modifying ``WITH`` clauses.
Before anything reads or flushes through the session in between, the kept writes go
first (``do_orm_execute`` and ``before_flush`` hooks): nothing sees the rows as they were.

Rows (task rows, candidates, timers, events) travel as one JSON parameter per table
(``json_populate_recordset``), so the combined text is short, the same for any number of
rows, and has few parameters (psycopg caches its parsing); the other writes are
statements with named bind parameters, compiled once per ``key``.

SQLite has no round trips (it runs in the process) and no data-modifying ``WITH``: there
each write runs at once, and the instance row is written by the ORM at the flush.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, event, insert, inspect, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Compiled, Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.sql.dml import UpdateBase

from .models import Instance
from .pipelining import COMMITS

_KEY = "zongzhi.deferred_writes"
_UPSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
_INSTANCES = Instance.__table__
_MAX_SHAPES = 512
"""Statement shapes kept compiled (beyond it the caches start again)."""


@dataclass(frozen=True)
class Write:
    """One statement: ``build()`` makes it with bind parameters named as in ``values``;
    its text depends only on ``key``."""

    key: Hashable
    build: Callable[[], UpdateBase]
    values: Mapping[str, Any]
    checked: bool = False
    """A version-checked update of an instance row (``RETURNING``): it must write one row."""
    name: str | None = None
    """Its ``WITH`` name when another clause refers to it."""
    text: str | None = None
    """PostgreSQL: the clause's own text (``%(name)s`` parameters, ``values`` as they are
    sent), used instead of compiling ``build()``."""


def jsonable(value: Any) -> Any:
    """``json.dumps``'s ``default`` for a row's values: a time as ISO text."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a row's time must be timezone-aware")
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def rows_write(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    conflict: str | None = None,
    from_instance: Sequence[str] = (),
    name: str | None = None,
) -> Write:
    """Insert ``rows`` (dicts with the same keys) into ``table``; with ``conflict`` (the
    key column) an existing row is overwritten whole. On PostgreSQL the rows travel as one
    JSON parameter (``json_populate_recordset``): the text is the same for any number of
    rows and the parameters few; the columns ``from_instance`` take the value of the
    row's instance (by ``instance_id``) as it is when the rows are written, not theirs."""
    columns = list(rows[0])
    if defers(session):
        key = ("json_rows", table.name, tuple(columns), conflict, tuple(from_instance))
        body = json.dumps(rows, default=jsonable, ensure_ascii=False, separators=(",", ":"))
        return Write(key, _no_statement, {"rows": body}, name=name, text=_json_rows_text(key))
    bound, values, key = rows_of(table, rows)

    def build() -> UpdateBase:
        if conflict is None:
            return insert(table).values(bound)
        statement = _UPSERT[session.get_bind().dialect.name](table).values(bound)
        every = {c: statement.excluded[c] for c in columns if c != conflict}
        return statement.on_conflict_do_update(index_elements=[conflict], set_=every)

    return Write(("rows", key, conflict), build, values, name=name)


@functools.lru_cache(maxsize=_MAX_SHAPES)
def _json_rows_text(key: tuple) -> str:
    """The text of a ``rows_write`` on PostgreSQL, by its key."""
    _kind, table, columns, conflict, from_instance = key
    listed = ", ".join(columns)
    values = ", ".join(
        f"(SELECT {c} FROM {_INSTANCES.name} WHERE id = r.instance_id)"  # by its key
        if c in from_instance
        else f"r.{c}"
        for c in columns
    )
    text = (
        f"INSERT INTO {table} ({listed}) SELECT {values} FROM "
        f"json_populate_recordset(NULL::{table}, %(rows)s::json) AS r"
    )
    if conflict:
        sets = ", ".join(f"{c} = excluded.{c}" for c in columns if c != conflict)
        text += f" ON CONFLICT ({conflict}) DO UPDATE SET {sets}"
    return text


def _no_statement() -> UpdateBase:
    raise AssertionError("a write with its own text is never compiled")


def rows_of(table: Table, rows: Sequence[Mapping[str, Any]], prefix: str = "r"):
    """``rows`` (dicts with the same keys) as bind parameters: (parameters for
    ``insert().values()``, their values, the key part naming the shape)."""
    columns = list(rows[0])
    bound = [
        {c: bindparam(f"{prefix}{i}_{c}", type_=table.c[c].type) for c in columns}
        for i in range(len(rows))
    ]
    values = {f"{prefix}{i}_{c}": row[c] for i, row in enumerate(rows) for c in columns}
    return bound, values, (table.name, tuple(columns), len(rows))


@dataclass
class _Kept:
    writes: list[Write] = field(default_factory=list)


def defers(session: Session) -> bool:
    """Whether writes of ``session`` are kept for one statement at commit."""
    return session.get_bind().dialect.name == "postgresql"


def _kept(session: Session) -> _Kept:
    kept = session.info.get(_KEY)
    if kept is None:
        kept = session.info[_KEY] = _Kept()
    return kept


_STATEMENTS: dict[Hashable, UpdateBase] = {}
_TEXTS: dict[tuple[str, Hashable], tuple[Compiled, str, dict[str, Any]]] = {}
_LOCK = threading.Lock()


def _statement(write: Write) -> UpdateBase:
    with _LOCK:
        found = _STATEMENTS.get(write.key)
    if found is None:
        found = write.build()
        with _LOCK:
            if len(_STATEMENTS) >= _MAX_SHAPES:
                _STATEMENTS.clear()
            _STATEMENTS[write.key] = found
    return found


def stage(session: Session, write: Write) -> None:
    """Write ``write``: at once on SQLite, at commit on PostgreSQL."""
    if defers(session):
        _kept(session).writes.append(write)
    else:
        session.execute(_statement(write), dict(write.values))


def stage_instance(session: Session, row: Instance) -> None:
    """The instance row's changed columns, written with its version check (PostgreSQL;
    on SQLite the ORM writes it at the flush). The session then holds the row as written
    (clean, unless a relationship of it changed): a later change of it is an ORM
    ``UPDATE`` checked against the new version."""
    state = inspect(row)
    if not defers(session) or not state.persistent:
        return
    mapped = state.mapper.column_attrs
    changed = {}
    for key in list(state.committed_state):  # what was set since the row was read
        if key in mapped and state.attrs[key].history.has_changes():
            changed[mapped[key].columns[0].name] = getattr(row, key), key
    if not changed:
        return
    version = row.row_version
    columns = tuple(sorted(changed))

    def build() -> UpdateBase:
        sets = {c: bindparam(f"set_{c}", type_=_INSTANCES.c[c].type) for c in columns}
        sets["row_version"] = bindparam("new_version", type_=_INSTANCES.c.row_version.type)
        return (
            update(_INSTANCES)
            .where(
                _INSTANCES.c.id == bindparam("instance_id"),
                _INSTANCES.c.row_version == bindparam("old_version"),
            )
            .values(sets)
            .returning(_INSTANCES.c.id)
        )

    values = {f"set_{c}": value for c, (value, _key) in changed.items()}
    values.update(instance_id=row.id, old_version=version, new_version=version + 1)
    _kept(session).writes.append(Write(("instance", columns), build, values, checked=True))
    for value, key in changed.values():
        set_committed_value(row, key, value)
    set_committed_value(row, "row_version", version + 1)
    if not state.committed_state:
        # Nothing else of the row is pending: it is clean, so a flush skips it instead of
        # walking the ORM's unit of work to find nothing to write.
        state._commit_all(state.dict, session.identity_map)


def take(session: Session) -> list[Write]:
    """The kept writes, handed over (the session keeps none after)."""
    kept = session.info.pop(_KEY, None)
    return kept.writes if kept is not None else []


_BIND = re.compile(r"%\((\w+)\)s")


def _text(dialect: Dialect, write: Write) -> tuple[Compiled, str, dict[str, Any]]:
    """The write compiled once per key: compiled form, text, bind processors."""
    cache_key = (dialect.name, write.key)
    with _LOCK:
        found = _TEXTS.get(cache_key)
    if found is None:
        compiled = _statement(write).compile(dialect=dialect)
        processors = {}
        for name, bind in compiled.binds.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                processors[name] = processor
        found = (compiled, compiled.string, processors)
        with _LOCK:
            if len(_TEXTS) >= _MAX_SHAPES:
                _TEXTS.clear()
            _TEXTS[cache_key] = found
    return found


def combined(
    dialect: Dialect,
    writes: list[Write],
    *,
    after: str = "",
    after_values: Mapping[str, Any] | None = None,
) -> tuple[str, dict]:
    """One statement running ``writes`` as ``WITH`` clauses, and its parameters; it fails
    (``zongzhi_expect_written``, migration 0033) unless every version-checked instance
    update wrote its row, and returns how many they wrote. ``after`` is more ``WITH``
    clauses (may be recursive), with their parameters in ``after_values``."""
    clauses, params, counts = [], dict(after_values or {}), []
    for number, write in enumerate(writes):
        name = write.name or f"w{number}"
        if write.text is not None:
            text = write.text
            params.update((f"{name}_{bind}", value) for bind, value in write.values.items())
        else:
            compiled, text, processors = _text(dialect, write)
            for bind, value in compiled.construct_params(dict(write.values)).items():
                processor = processors.get(bind)
                params[f"{name}_{bind}"] = processor(value) if processor else value
        clauses.append(f"{name} AS ({_renamed(text, name)})")
        if write.checked:
            counts.append(f"(SELECT count(*) FROM {name})")
    if after:
        clauses.append(after)
    written = " + ".join(counts) or "0"
    recursive = "RECURSIVE " if after else ""
    checked = f"zongzhi_expect_written({written}, {len(counts)})"
    return f"WITH {recursive}{', '.join(clauses)} SELECT {checked}", params


@functools.lru_cache(maxsize=_MAX_SHAPES)
def _renamed(text: str, name: str) -> str:
    """``text`` with each ``%(bind)s`` named ``%(<name>_bind)s``."""
    return _BIND.sub(lambda found: f"%({name}_{found[1]})s", text)


_SERIALIZATION_FAILURE = "40001"
"""SQLSTATE ``zongzhi_expect_written`` fails with (PostgreSQL's own for a concurrent
change, which a step under its locks never meets otherwise)."""


def run(connection: Connection, text: str, params: Mapping[str, Any], *, commits: bool) -> None:
    """Run a ``combined`` statement on ``connection``; with ``commits`` its ``COMMIT`` goes
    with it (``engine.pipelining``). An instance row changed by another transaction
    raises ``StaleDataError`` (nothing of the statement is written, or committed)."""
    options = {COMMITS: True} if commits else {}
    try:
        connection.exec_driver_sql(text, dict(params), execution_options=options).one()
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) == _SERIALIZATION_FAILURE:
            raise StaleDataError("an instance row was changed by another transaction") from error
        raise


def flush(session: Session) -> None:
    """Run the kept writes now, as one statement (nothing when none are kept)."""
    writes = take(session)
    if not writes:
        return
    connection = session.connection()
    text, params = combined(connection.dialect, writes)
    run(connection, text, params, commits=False)


def _before_execute(state: ORMExecuteState) -> Any:
    """A read through the session: the kept writes go first."""
    kept = state.session.info.get(_KEY)
    if kept is not None and kept.writes:
        flush(state.session)
    return None


def _before_flush(session: Session, *_args: Any) -> None:
    """An ORM flush: the kept writes go first (its version checks follow theirs)."""
    kept = session.info.get(_KEY)
    if kept is not None and kept.writes:
        flush(session)


def _before_commit(session: Session) -> None:
    """A commit not through the unit of work: the kept writes are never left behind."""
    kept = session.info.get(_KEY)
    if kept is not None and kept.writes:
        flush(session)


# Every session: registering per session costs more than the check (a dict lookup).
event.listen(Session, "do_orm_execute", _before_execute)
event.listen(Session, "before_flush", _before_flush)
event.listen(Session, "before_commit", _before_commit)
