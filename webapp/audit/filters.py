"""The history search form: what the auditor asked for, read leniently from the URL, and the
engine query it becomes (a case code becomes its case's instance id)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from engine.history_search import HistoryQuery
from processes.deadlines import SHANGHAI
from processes.models import Case

from ..scope import in_scope
from ..validation import parse_int

TEXT_MAX = 120


@dataclass(frozen=True)
class AuditFilters:
    case: str = ""
    """A case code (一案一码), exactly."""
    process: str = ""
    version: int | None = None
    actor: str = ""
    """A username, exactly."""
    lane: str = ""
    event: str = ""
    since: date | None = None
    until: date | None = None
    """Inclusive: the whole day counts."""
    before: int | None = None
    after: int | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> AuditFilters:
        def text(name: str) -> str:
            return (args.get(name) or "").strip()[:TEXT_MAX]

        return cls(
            case=text("case"),
            process=text("process"),
            version=_number(args.get("version")),
            actor=text("actor"),
            lane=text("lane"),
            event=text("event"),
            since=_day(args.get("since")),
            until=_day(args.get("until")),
            before=_number(args.get("before")),
            after=_number(args.get("after")),
        )

    def active(self) -> bool:
        return any(self.query_args(before=None, after=None).values())

    def first_page(self) -> AuditFilters:
        return replace(self, before=None, after=None)

    def query_args(self, **changes: object) -> dict[str, object]:
        """The filters as URL arguments (for page and export links), with ``changes``."""
        values = {key: value for key, value in asdict(self).items()}
        values.update(changes)
        return {
            key: value.isoformat() if isinstance(value, date) else value
            for key, value in values.items()
            if value not in ("", None)
        }

    def described(self) -> dict[str, str]:
        """The search as recorded in an export's operation-log entry and its README."""
        return {k: str(v) for k, v in self.query_args(before=None, after=None).items()}


def _number(value: str | None) -> int | None:
    return parse_int(value)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=SHANGHAI)


@dataclass(frozen=True)
class Resolved:
    query: HistoryQuery | None
    """``None`` when nothing can match (an unknown case code): say so, search nothing."""
    problem: str | None = None


def visible_instances(scope: frozenset[str] | None) -> Select | None:
    """The instances of the cases in ``scope`` (``None``: every row, no restriction)."""
    if scope is None:
        return None
    return select(Case.instance_id).where(in_scope(Case.region_code, scope))


def resolve(session: Session, filters: AuditFilters, scope: frozenset[str] | None) -> Resolved:
    instance_ids: tuple[int, ...] = ()
    if filters.case:
        found = session.execute(
            select(Case.instance_id).where(
                Case.code == filters.case, in_scope(Case.region_code, scope)
            )
        ).scalar()
        if found is None:
            return Resolved(None, f"没有编号为「{filters.case}」的案件（或不在您的辖区内）。")
        instance_ids = (found,)
    return Resolved(
        HistoryQuery(
            instance_ids=instance_ids,
            process_id=filters.process or None,
            version_id=filters.version,
            actor=filters.actor or None,
            lane=filters.lane or None,
            event_type=filters.event or None,
            since=_start_of(filters.since) if filters.since else None,
            until=_start_of(filters.until + timedelta(days=1)) if filters.until else None,
            visible_instances=visible_instances(scope),
        )
    )
