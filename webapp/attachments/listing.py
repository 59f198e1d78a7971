"""A case's attachments as the case page lists them: file names in full only for roles
that may see personal data (a name often carries a party's name); others read the kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from processes.attachments import Attachment, attachments_of
from processes.attachments.sniff import ALLOWED

from ..cases.timeline import display_names


@dataclass(frozen=True)
class AttachmentRow:
    id: int
    kind: str
    name: str
    type_label: str
    size: str
    added_by: str
    added_at: datetime
    is_image: bool
    position: str


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def shown_name(row: Attachment, *, full: bool) -> str:
    if full:
        return row.file_name
    _, dot, ext = row.file_name.rpartition(".")
    return f"{row.kind}.{ext}" if dot and len(ext) <= 8 else row.kind


def _position(row: Attachment) -> str:
    if row.latitude is None or row.longitude is None:
        return ""
    accuracy = f"（精度约 {row.accuracy_m:.0f} 米）" if row.accuracy_m is not None else ""
    return f"{row.latitude:.5f}, {row.longitude:.5f}{accuracy}"


def attachment_rows(session: Session, case_id: int, *, full_names: bool) -> list[AttachmentRow]:
    rows = attachments_of(session, case_id)
    names = display_names(session, {row.added_by for row in rows})
    return [
        AttachmentRow(
            id=row.id,
            kind=row.kind,
            name=shown_name(row, full=full_names),
            type_label=ALLOWED.get(row.mime, row.mime),
            size=size_text(row.size),
            added_by=names.get(row.added_by, row.added_by),
            added_at=row.added_at,
            is_image=row.mime.startswith("image/") and row.mime != "image/heic",
            position=_position(row) if full_names else "",
        )
        for row in rows
    ]
