"""A step's writes, sent to PostgreSQL as one statement at commit.

On PostgreSQL each statement is a round trip, a wait on the server. A step's writes (the
timer rows, the task projection, the instance row with its version check, the history
head and the events) do not depend on one another's results, so they are kept until the
unit of work commits and sent then as one statement of data-modifying ``WITH`` clauses.
Before anything reads through the session in between, the kept writes go first (a
``do_orm_execute`` hook), so a read never sees the rows as they were before the step.

SQLite has no round trips (it runs in the process) and no data-modifying ``WITH``: there
each write runs at once, and the instance row is written by the ORM at the flush.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, func, inspect, literal, select, update
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.sql.dml import UpdateBase

from .models import Instance

_KEY = "zongzhi.deferred_writes"
_INSTANCES = Instance.__table__


@dataclass
class _Kept:
    statements: list[UpdateBase] = field(default_factory=list)
    rows: list[tuple[int, int]] = field(default_factory=list)
    """(instance id, version written) of each kept instance update: checked at the end."""


def defers(session: Session) -> bool:
    """Whether writes of ``session`` are kept for one statement at commit."""
    return session.get_bind().dialect.name == "postgresql"


def _kept(session: Session) -> _Kept:
    kept = session.info.get(_KEY)
    if kept is None:
        kept = session.info[_KEY] = _Kept()
        if not event.contains(session, "do_orm_execute", _before_execute):
            event.listen(session, "do_orm_execute", _before_execute)
            event.listen(session, "before_flush", _before_flush)
    return kept


def stage(session: Session, statement: UpdateBase) -> None:
    """Write ``statement`` (its values bound): at once on SQLite, at commit on PostgreSQL."""
    if defers(session):
        _kept(session).statements.append(statement)
    else:
        session.execute(statement)


def stage_instance(session: Session, row: Instance) -> None:
    """The instance row's changed columns, written with its version check (PostgreSQL;
    on SQLite the ORM writes it at the flush). The session then holds the row as written:
    a later change of it is an ORM ``UPDATE`` checked against the new version."""
    state = inspect(row)
    if not defers(session) or not state.persistent:
        return
    changed = {}
    for attr in state.mapper.column_attrs:
        if state.attrs[attr.key].history.has_changes():
            changed[attr.key] = getattr(row, attr.key)
    if not changed:
        return
    version = row.row_version
    values = {state.mapper.get_property(k).columns[0].name: v for k, v in changed.items()}
    values["row_version"] = version + 1
    statement = (
        update(_INSTANCES)
        .where(_INSTANCES.c.id == row.id, _INSTANCES.c.row_version == version)
        .values(values)
        .returning(_INSTANCES.c.id)
    )
    kept = _kept(session)
    kept.statements.append(statement)
    kept.rows.append((row.id, version + 1))
    for key, value in changed.items():
        set_committed_value(row, key, value)
    set_committed_value(row, "row_version", version + 1)


def take(session: Session) -> tuple[list[UpdateBase], list[tuple[int, int]]]:
    """The kept writes, handed over (the session keeps none after)."""
    kept = session.info.pop(_KEY, None)
    if kept is None:
        return [], []
    return kept.statements, kept.rows


def combined(statements: list[UpdateBase], *, more: tuple = (), tail: tuple = ()):
    """One statement running ``statements`` (and the CTEs ``more``) as ``WITH`` clauses;
    it returns how many instance rows its version-checked updates wrote (first column),
    then the columns ``tail`` (scalar subqueries over ``more``)."""
    ctes = [s.cte(f"w{i}") for i, s in enumerate(statements)]
    counts = [
        select(func.count()).select_from(c).scalar_subquery()
        for c, s in zip(ctes, statements, strict=True)
        if _is_instance_update(s)
    ]
    written = sum(counts[1:], counts[0]) if counts else literal(0)
    return select(written.label("written"), *tail).add_cte(*ctes, *more)


def _is_instance_update(statement: UpdateBase) -> bool:
    return statement.is_update and statement.table is _INSTANCES


def check_written(found: int, rows: list[tuple[int, int]]) -> None:
    """Raise ``StaleDataError`` when a version-checked instance update missed its row."""
    if found != len(rows):
        raise StaleDataError(
            f"instance row(s) {[r[0] for r in rows]} changed by another transaction"
        )


def flush(session: Session) -> None:
    """Run the kept writes now, as one statement (nothing when none are kept)."""
    statements, rows = take(session)
    if not statements:
        return
    found = session.connection().execute(combined(statements)).scalar_one()
    check_written(found, rows)


def _before_execute(state: ORMExecuteState) -> Any:
    """A read (or an ORM write) through the session: the kept writes go first."""
    kept = state.session.info.get(_KEY)
    if kept is not None and kept.statements:
        flush(state.session)
    return None


def _before_flush(session: Session, *_args: Any) -> None:
    kept = session.info.get(_KEY)
    if kept is not None and kept.statements:
        flush(session)
