"""Seek pages of the work list: the rows after (or before) a row's sort key, as a few
index ranges each walked in the list's order (``webapp.keyset`` holds the token).

The orders (``query.order``) put tasks without a deadline (or without a received time)
last, so "after this row" is not one comparison: it is the rest of the row's own group
(same rank, a later deadline, or the same deadline and a later (instance, id)), then the
group's tasks without a deadline, then the later ranks. Each part is its own range, with
a bound an index can start from (``due_at >= :d``, ``sort_rank > :r``); the work list
reads them in turn and stops once the page is full, which is nearly always in the first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, literal, or_, tuple_

from engine.models import TaskRecord

from .. import keyset
from .filters import SortKey

KINDS = {SortKey.DUE: "tis", SortKey.RISK: "itis", SortKey.RECEIVED: "ts"}
"""The token's values per order: (due, instance, id); (rank, due, instance, id); (received,
id)."""


@dataclass(frozen=True)
class Columns:
    """Where a range reads the key's columns: the task table, or a subquery's."""

    # factories: a mapped attribute is a descriptor, not a plain default
    rank: Any = field(default_factory=lambda: TaskRecord.sort_rank)
    due_at: Any = field(default_factory=lambda: TaskRecord.due_at)
    instance_id: Any = field(default_factory=lambda: TaskRecord.instance_id)
    task_id: Any = field(default_factory=lambda: TaskRecord.id)
    received_at: Any = field(default_factory=lambda: TaskRecord.received_at)


@dataclass(frozen=True)
class Position:
    """A row's place in the list ordered by ``sort``: the values it is ordered by."""

    sort: SortKey
    values: tuple

    @classmethod
    def of(cls, sort: SortKey, row) -> Position:
        """The place of a work-list row (``query.TASK_COLUMNS`` and ``CASE_COLUMNS``)."""
        if sort == SortKey.RECEIVED:
            return cls(sort, (row.received_at, row.id))
        by_due = (row.due_at, row.instance_id, row.id)
        return cls(sort, (row.sort_rank, *by_due) if sort == SortKey.RISK else by_due)

    @property
    def token(self) -> str:
        return keyset.encode(self.values)

    @classmethod
    def read(cls, sort: SortKey, token: str | None) -> Position | None:
        """The place in ``token`` if it is one of the list ordered by ``sort``."""
        values = keyset.decode(token, KINDS[sort])
        return None if values is None else cls(sort, tuple(values))


def ranges(position: Position, *, forward: bool, c: Columns | None = None) -> list[list]:
    """The rows after ``position`` (``forward``) or before it, as disjoint ranges of WHERE
    clauses in the order the list walks them (backwards when not ``forward``)."""
    c = c or Columns()
    values = position.values
    if position.sort == SortKey.RECEIVED:
        received, task_id = values
        return _nullable(c.received_at, received, [c.task_id], [task_id], forward, descending=True)
    if position.sort == SortKey.DUE:
        due, instance, task_id = values
        return _by_due(c, due, instance, task_id, forward)
    rank, due, instance, task_id = values
    same_rank = [[c.rank == rank, *part] for part in _by_due(c, due, instance, task_id, forward)]
    return [*same_rank, [c.rank > rank if forward else c.rank < rank]]


def _by_due(c: Columns, due, instance, task_id, forward: bool) -> list[list]:
    ties = [c.instance_id, c.task_id]
    return _nullable(c.due_at, due, ties, [instance, task_id], forward, descending=False)


def _nullable(
    column, value: datetime | None, ties: list, tie_values: list, forward: bool, *, descending: bool
) -> list[list]:
    """Ranges over ``column`` (nulls last in the list's order, ascending unless
    ``descending``) then ``ties`` (ascending, never null) after or before ``value``."""
    later = forward != descending  # walking towards larger values of the column
    tail = _beyond(ties, tie_values, forward)
    if value is None:  # among the nulls, which come last
        same = [column.is_(None), tail]
        return [same] if forward else [same, [column.is_not(None)]]
    bound = column >= value if later else column <= value
    beyond = column > value if later else column < value
    own = [bound, or_(beyond, and_(column == value, tail))]
    return [own, [column.is_(None)]] if forward else [own]


def _beyond(columns: list, values: list, forward: bool) -> ColumnElement[bool]:
    if len(columns) == 1:
        return columns[0] > values[0] if forward else columns[0] < values[0]
    pairs = zip(columns, values, strict=True)
    typed = [literal(value, type_=column.type) for column, value in pairs]
    row, key = tuple_(*columns), tuple_(*typed)
    return row > key if forward else row < key
