"""What an auditor's history search looks for (read by ``history_plan`` and
``history_search``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select


@dataclass(frozen=True)
class HistoryQuery:
    """What to look for; every field left empty matches every row."""

    instance_ids: tuple[int, ...] = ()
    process_id: str | None = None
    version_id: int | None = None
    actor: str | None = None
    lane: str | None = None
    event_type: str | None = None
    since: datetime | None = None
    """Inclusive lower bound of ``at``."""
    until: datetime | None = None
    """Exclusive upper bound of ``at``."""
    visible_instances: Select | None = None
    """A SELECT of the instance ids the searcher may see; rows of other instances and rows
    of no instance are left out. ``None``: every row."""
