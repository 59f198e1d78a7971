"""The case list (案件查询): cases in the user's region scope, searched and filtered.

Reads ``dispute_case`` with its indexes (region, status + due, received time) and, for the
rows of one page only, their first party. Nothing here deserializes a workflow.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from processes.calendar import WorkCalendar
from processes.current_deadline import CurrentDeadline, case_deadlines, deadline_before
from processes.deadlines import local
from processes.enums import CaseStatus, Channel, RiskColour
from processes.masking import mask_id_number, mask_name, mask_phone
from processes.models import Case, DisputeType, Party, Region

from .. import keyset
from ..due import DueInfo, deadline_badge
from ..list_plans import prefer_custom_plans
from ..scope import in_scope
from ..validation import page_number

PER_PAGE = 20
SEARCH_MAX = 60
PHONE_DIGITS = 11
SEARCH_CAP = 5000
"""At most this many cases per kind of match (code, party): a search is for finding one."""
COUNT_CAP = 1000
"""Counting stops past this: the list says 1,000+ rather than counting a county's cases
(a full count of 100,000 cases with the overdue filter took 350 ms on PostgreSQL)."""


@dataclass(frozen=True)
class CaseFilters:
    """What the list is asked for; unknown values are ignored, never an error."""

    q: str = ""
    status: str = ""
    risk: str = ""
    channel: str = ""
    overdue: bool = False
    page: int = 1
    after: str = ""
    """The token of the last row of the page before (``webapp.keyset``): read from it."""
    before: str = ""
    """The token of the first row of the page after: the page before it is read."""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> CaseFilters:
        page = args.get("page", "1")
        return cls(
            q=args.get("q", "").strip()[:SEARCH_MAX],
            status=_choice(args.get("status", ""), CaseStatus),
            risk=_choice(args.get("risk", ""), RiskColour),
            channel=_choice(args.get("channel", ""), Channel),
            overdue=args.get("overdue") in ("1", "on", "true"),
            page=page_number(page),
            after=args.get("after", "")[:400],
            before=args.get("before", "")[:400],
        )

    def active(self) -> bool:
        return bool(self.q or self.status or self.risk or self.channel or self.overdue)

    def query_args(self, **changes: object) -> dict[str, object]:
        """The filters as URL arguments (for page links), with ``changes`` applied."""
        values: dict[str, object] = {
            "q": self.q,
            "status": self.status,
            "risk": self.risk,
            "channel": self.channel,
            "overdue": "1" if self.overdue else "",
            "page": self.page,
            "after": "",
            "before": "",
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value not in ("", None, 1)}


@dataclass(frozen=True)
class CaseRow:
    id: int
    code: str
    received_at: datetime
    channel: str
    dispute_type: str
    summary: str
    region: str
    level: str
    risk_colour: str
    status: str
    due: DueInfo
    party: str
    """The first party, masked: 张** 138****5678."""
    more_parties: int


@dataclass(frozen=True)
class CasePage:
    rows: list[CaseRow]
    total: int
    """Matching cases, counted up to ``COUNT_CAP`` (``capped`` says there are more)."""
    page: int
    pages: int
    """The last page; when ``capped``, the last page counted so far."""
    capped: bool = False
    has_next: bool = False
    next_after: str | None = None
    """The token of the page's last row, for 下一页."""
    prev_before: str | None = None
    """The token of the page's first row, for 上一页 past the second page."""

    @property
    def total_text(self) -> str:
        """The count as the page shows it: ``1,000+`` past the cap."""
        return f"{self.total:,}+" if self.capped else str(self.total)


def _choice(value: str, enum: type) -> str:
    return value if value in {member.value for member in enum} else ""


def _matching_ids(session: Session, q: str, scope: frozenset[str] | None) -> list[int]:
    """Cases in ``scope`` whose code contains ``q``, or with a party named ``q…`` or phoned
    at ``q`` (a whole number, or its last four or more digits). Resolved first, so the count
    and the page then read the case rows by key instead of scanning the search twice."""
    ids: set[int] = set()
    if re.fullmatch(r"[0-9-]+", q):
        by_code = select(Case.id).where(
            Case.code.contains(q, autoescape=True), in_scope(Case.region_code, scope)
        )
        ids.update(session.scalars(by_code.limit(SEARCH_CAP)))
        whole = len(q) >= PHONE_DIGITS or not q.isdigit() or len(q) < 4
        match = Party.phone == q if whole else Party.phone.endswith(q, autoescape=True)
    else:
        match = Party.name.startswith(q, autoescape=True)
    by_party = (
        select(Party.case_id)
        .join(Case, Case.id == Party.case_id)
        .where(match, in_scope(Case.region_code, scope))
    )
    ids.update(session.scalars(by_party.limit(SEARCH_CAP)))
    return sorted(ids)


def _conditions(
    session: Session, filters: CaseFilters, scope: frozenset[str] | None, now: datetime
) -> list[ColumnElement[bool]]:
    conditions = [in_scope(Case.region_code, scope)]
    if filters.status:
        conditions.append(Case.status == filters.status)
    if filters.risk:
        conditions.append(Case.risk_colour == filters.risk)
    if filters.channel:
        conditions.append(Case.channel == filters.channel)
    if filters.overdue:
        conditions.append(or_(Case.overdue.is_(True), deadline_before(now)))
    if filters.q:
        conditions.append(Case.id.in_(_matching_ids(session, filters.q, scope)))
    return conditions


def search_cases(
    session: Session,
    filters: CaseFilters,
    *,
    scope: frozenset[str] | None,
    now: datetime,
    calendar: WorkCalendar,
) -> CasePage:
    """One page of the cases matching ``filters`` in ``scope``, newest first: after the row
    of ``filters.after`` or before that of ``filters.before`` (seek pages: the index on the
    received time is read from that row, not from the first), else page ``filters.page``."""
    prefer_custom_plans(session)
    conditions = _conditions(session, filters, scope, now)
    matching = select(Case.id).where(*conditions).limit(COUNT_CAP + 1).subquery()
    counted = session.execute(select(func.count()).select_from(matching)).scalar_one()
    capped = counted > COUNT_CAP
    total = min(counted, COUNT_CAP)
    pages = max(1, -(-total // PER_PAGE))
    page = filters.page if capped else min(filters.page, pages)
    cases, has_next, page = _page_of(session, conditions, filters, page)
    rows = _rows(session, cases, now=now, calendar=calendar)
    if capped:
        pages = max(pages, page + (1 if has_next else 0))
    return CasePage(
        rows,
        total,
        page,
        pages,
        capped=capped,
        has_next=has_next,
        next_after=_token(cases[-1]) if has_next else None,
        prev_before=_token(cases[0]) if page > 2 and cases else None,
    )


NEWEST_FIRST = (Case.received_at.desc(), Case.id.desc())


def _page_of(
    session: Session, conditions: list, filters: CaseFilters, page: int
) -> tuple[list[Case], bool, int]:
    """The page's cases, whether a page follows, and the page's number."""
    key = keyset.decode(filters.after or filters.before, "ti")
    statement = select(Case).where(*conditions).limit(PER_PAGE + 1)
    if key is None or key[0] is None:
        found = list(
            session.scalars(statement.order_by(*NEWEST_FIRST).offset((page - 1) * PER_PAGE))
        )
        return found[:PER_PAGE], len(found) > PER_PAGE, page
    received, case_id = key
    if filters.after:
        later = or_(Case.received_at < received, Case.id < case_id)
        found = list(
            session.scalars(
                statement.where(Case.received_at <= received, later).order_by(*NEWEST_FIRST)
            )
        )
        return found[:PER_PAGE], len(found) > PER_PAGE, max(page, 2)
    earlier = or_(Case.received_at > received, Case.id > case_id)
    backwards = statement.where(Case.received_at >= received, earlier)
    found = list(session.scalars(backwards.order_by(Case.received_at, Case.id)))
    if len(found) <= PER_PAGE:  # nothing before these: the first page
        return _page_of(session, conditions, CaseFilters(), 1)
    return list(reversed(found[:PER_PAGE])), True, max(page, 2)


def _token(case: Case) -> str:
    return keyset.encode([case.received_at, case.id])


def parties_of(session: Session, case_ids: list[int]) -> dict[int, list[Party]]:
    """The parties of ``case_ids`` (one page's cases), in order, by case."""
    found: dict[int, list[Party]] = {}
    if case_ids:
        parties = session.scalars(
            select(Party).where(Party.case_id.in_(case_ids)).order_by(Party.case_id, Party.id)
        )
        for party in parties:
            found.setdefault(party.case_id, []).append(party)
    return found


def scrub(text: str, parties: list[Party]) -> str:
    """``text`` with the parties' names, phones and ID numbers masked (free text such as
    the summary often repeats them)."""
    for party in parties:
        for value, masked in (
            (party.id_number, mask_id_number(party.id_number)),
            (party.phone, mask_phone(party.phone)),
            (party.name, mask_name(party.name)),
        ):
            if value and len(value) >= 2:
                text = text.replace(value, masked)
    return text


def masked_party(party: Party | None) -> str:
    if party is None:
        return ""
    return " ".join(filter(None, (mask_name(party.name), mask_phone(party.phone))))


def region_names(session: Session) -> dict[str, str]:
    return {code: name for code, name in session.execute(select(Region.code, Region.name))}


def dispute_type_names(session: Session) -> dict[str, str]:
    rows = session.execute(select(DisputeType.code, DisputeType.name))
    return {code: name for code, name in rows}


def _rows(
    session: Session, cases: list[Case], *, now: datetime, calendar: WorkCalendar
) -> list[CaseRow]:
    parties = parties_of(session, [case.id for case in cases])
    regions, types = region_names(session), dispute_type_names(session)
    deadlines: Mapping[int, CurrentDeadline] = case_deadlines(session, cases)
    rows = []
    for case in cases:
        own = parties.get(case.id, [])
        rows.append(
            CaseRow(
                id=case.id,
                code=case.code or "（待赋码）",
                received_at=local(case.received_at),
                channel=case.channel,
                dispute_type=types.get(case.dispute_type, case.dispute_type),
                summary=scrub(case.summary, own),
                region=regions.get(case.region_code, case.region_code),
                level=case.level or case.owner_unit or "",
                risk_colour=case.risk_colour,
                status=case.status,
                due=deadline_badge(deadlines[case.id], now, calendar),
                party=masked_party(own[0] if own else None),
                more_parties=max(0, len(own) - 1),
            )
        )
    return rows
