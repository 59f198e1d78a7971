"""受理回执: the slip the window hands the citizen after registering their matter.

It carries what the citizen needs to follow the case and nothing more: the receiving
center, the case code and its QR code (the lookup page with the code filled in), when it
was received, the dispute type, the applicant's name masked, how to look the case up
(/chaxun with 案件编号 + 手机号后 4 位) and the center's phone. No phone number, ID number,
address or summary of anyone is printed. Two layouts: A4 and an 80 mm receipt printer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from processes.deadlines import local
from processes.masking import mask_name
from processes.models import Case, Region

from ..accounts.models import User
from ..cases.detail import region_path
from ..cases.service import dispute_type_names

PAPERS: dict[str, str] = {"a4": "A4 纸", "80mm": "80 mm 小票"}
"""The layouts, by the ``paper`` query value; the first is the default."""
CENTER_TIERS = ("镇", "县", "市")
"""Region levels that have a 综治中心 of their own."""


@dataclass(frozen=True)
class Receipt:
    case_id: int
    code: str
    center: str
    """The receiving center, e.g. 大满镇综治中心."""
    received_at: datetime
    """Local (China Standard) time."""
    channel: str
    dispute_type: str
    applicant: str
    """The first 申请人's name, masked (张**)."""
    clerk: str
    lookup_url: str
    phone: str
    """The center's phone; "" when none is configured (the line is left out)."""
    qr: Markup


def receipt_of(
    session: Session, case: Case, *, lookup_url: str, qr: Markup, phones: Mapping[str, str]
) -> Receipt:
    """The receipt of a registered (coded) case."""
    clerk = session.scalar(select(User).where(User.username == case.received_by))
    center = _center(session, clerk.region_code if clerk is not None else None, case)
    types = dispute_type_names(session)
    dispute = types.get(case.dispute_type, case.dispute_type)
    if case.dispute_subtype:
        dispute += f" / {types.get(case.dispute_subtype, case.dispute_subtype)}"
    return Receipt(
        case_id=case.id,
        code=case.code or "",
        center=f"{center.name}综治中心" if center is not None else "综治中心",
        received_at=local(case.received_at),
        channel=case.channel,
        dispute_type=dispute,
        applicant=mask_name(_applicant(case)),
        clerk=clerk.display_name if clerk is not None else "",
        lookup_url=lookup_url,
        phone=center_phone(session, center, phones),
        qr=qr,
    )


def paper_of(value: str | None) -> str:
    return value if value in PAPERS else next(iter(PAPERS))


def center_phone(session: Session, center: Region | None, phones: Mapping[str, str]) -> str:
    """The phone configured for the center's region or its nearest ancestor, else the
    default (``ZONGZHI_CENTER_PHONE`` without a region), else ""."""
    if center is not None:
        for region in reversed(region_path(session, center.code)):
            if region.code in phones:
                return phones[region.code]
    return phones.get("", "")


def _center(session: Session, clerk_region: str | None, case: Case) -> Region | None:
    """The region whose center received the case: the clerk's own (a township or county
    clerk), else the township of the place."""
    for code in filter(None, (clerk_region, case.region_code)):
        centers = [r for r in region_path(session, code) if r.level in CENTER_TIERS]
        if centers:
            return centers[-1]
    return None


def _applicant(case: Case) -> str:
    named = [party for party in case.parties if party.role == "申请人"] or list(case.parties)
    return named[0].name if named else ""
