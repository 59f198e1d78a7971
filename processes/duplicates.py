"""Duplicate warning at intake: does one of these parties already have an open case?

A party is the same person when the phone or the ID number matches (a same name and
phone is a phone match). The search covers every region: a matter already open in
another township still matters to the clerk; what the clerk may see of it is the web
layer's decision. Phones are found through ``ix_party_phone``, ID numbers through
``ix_party_id_number``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from .deadlines import local
from .enums import CaseStatus
from .masking import MaskedParty, mask_id_number, mask_phone, masked_party
from .models import Case, DisputeType, Party

TERMINAL_STATUSES = frozenset(
    {CaseStatus.CLOSED, CaseStatus.CANCELLED, CaseStatus.GUIDED, CaseStatus.RETURNED}
)
"""A case in one of these states is finished: a new matter of the same party is new."""
MAX_SHOWN = 20


@dataclass(frozen=True)
class OpenCase:
    """An open case sharing a party with the matter being registered (personal data masked)."""

    case_id: int
    code: str
    region_code: str
    dispute_type: str
    """The type's name (its code if the type is unknown)."""
    status: str
    received_at: datetime
    parties: tuple[MaskedParty, ...]
    matched_on: tuple[str, ...]
    """What matched, masked: ``电话 138****5678``, ``身份证号 6207**********1234``."""


def open_cases_sharing_parties(
    session: Session, parties: Iterable[Mapping[str, Any]], *, limit: int = MAX_SHOWN
) -> list[OpenCase]:
    """Open cases with a party of the same phone or ID number, newest first."""
    phones, id_numbers = _keys(parties)
    if not phones and not id_numbers:
        return []
    matches = []
    if phones:
        matches.append(Party.phone.in_(sorted(phones)))
    if id_numbers:
        matches.append(Party.id_number.in_(sorted(id_numbers)))
    case_ids = select(Party.case_id).where(or_(*matches))
    query = (
        select(Case)
        .where(Case.id.in_(case_ids), Case.status.not_in(sorted(TERMINAL_STATUSES)))
        .options(selectinload(Case.parties))
        .order_by(Case.received_at.desc(), Case.id.desc())
        .limit(limit)
    )
    cases = list(session.scalars(query))
    names = _type_names(session, {case.dispute_type for case in cases})
    return [_open_case(case, names, phones, id_numbers) for case in cases]


@dataclass(frozen=True)
class PartyHistory:
    """The other cases of a matter's parties (same phone or ID number; cancelled ones left
    out): what the risk rule's 重复来访 event is judged on."""

    open_cases: int
    """How many of them are still open."""
    days_since_last: int | None
    """Days from the latest of them (0 while one is open; for ended ones, the day it ended
    or was resolved) to today; None when the parties have no other case."""

    @property
    def repeat(self) -> bool:
        """The matter comes from a party the center has met before."""
        return self.days_since_last is not None


HISTORY_MAX = 200
"""At most this many of the parties' latest cases are read."""


def party_history(
    session: Session,
    parties: Iterable[Mapping[str, Any]],
    *,
    today: date,
    exclude_case_id: int | None = None,
) -> PartyHistory:
    """The other cases (not ``exclude_case_id``) of parties with the same phone or ID
    number: how many are open, and how long ago the latest one ended."""
    phones, id_numbers = _keys(parties)
    matches = []
    if phones:
        matches.append(Party.phone.in_(sorted(phones)))
    if id_numbers:
        matches.append(Party.id_number.in_(sorted(id_numbers)))
    if not matches:
        return PartyHistory(0, None)
    case_ids = select(Party.case_id).where(or_(*matches))
    query = (
        select(Case.status, Case.received_at, Case.resolved_at, Case.closed_at)
        .where(Case.id.in_(case_ids), Case.status != CaseStatus.CANCELLED)
        .order_by(Case.received_at.desc(), Case.id.desc())
        .limit(HISTORY_MAX)
    )
    if exclude_case_id is not None:
        query = query.where(Case.id != exclude_case_id)
    rows = session.execute(query).all()
    if not rows:
        return PartyHistory(0, None)
    open_cases = sum(row.status not in TERMINAL_STATUSES for row in rows)
    if open_cases:
        return PartyHistory(open_cases, 0)
    ended = max(local(row.closed_at or row.resolved_at or row.received_at).date() for row in rows)
    return PartyHistory(0, max(0, (today - ended).days))


def _keys(parties: Iterable[Mapping[str, Any]]) -> tuple[set[str], set[str]]:
    phones: set[str] = set()
    id_numbers: set[str] = set()
    for party in parties:
        phone = (party.get("phone") or "").strip()
        id_number = (party.get("id_number") or "").strip()
        if phone:
            phones.add(phone)
        if id_number:  # a final check letter may have been typed either way
            id_numbers.update({id_number.upper(), id_number.lower()})
    return phones, id_numbers


def _type_names(session: Session, codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    rows = session.execute(
        select(DisputeType.code, DisputeType.name).where(DisputeType.code.in_(sorted(codes)))
    )
    return {code: name for code, name in rows}


def _open_case(
    case: Case, names: Mapping[str, str], phones: set[str], id_numbers: set[str]
) -> OpenCase:
    matched: list[str] = []
    for party in case.parties:
        if party.phone and party.phone in phones:
            matched.append(f"电话 {mask_phone(party.phone)}")
        if party.id_number and party.id_number in id_numbers:
            matched.append(f"身份证号 {mask_id_number(party.id_number)}")
    return OpenCase(
        case_id=case.id,
        code=case.code or "",
        region_code=case.region_code,
        dispute_type=names.get(case.dispute_type, case.dispute_type),
        status=case.status,
        received_at=case.received_at,
        parties=tuple(masked_party(p) for p in case.parties),
        matched_on=tuple(dict.fromkeys(matched)),
    )
