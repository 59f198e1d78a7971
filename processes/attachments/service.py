"""Attach a file to a case, list a case's files, read one back.

Services never commit: ``add_attachment`` writes the row and its ``attachment_added``
history event in the caller's transaction; the bytes go to the object store first
(content-addressed, so a rolled-back attachment leaves at most an unreferenced object).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from processes.models import Case

from .checks import AttachmentRefused, Limits, check_content, check_count, clean_name
from .enums import ATTACHMENT_ADDED, AttachmentKind, AttachmentSource
from .images import BadImage, strip_metadata
from .models import Attachment
from .store import ObjectStore, sha256_of

Record = Callable[..., None]
"""``Engine.record_operation``: ``record(session, event_type=, actor=, data=, instance_id=)``."""


class AttachmentMissing(LookupError):
    """The attachment's stored object is gone or does not match its hash."""


@dataclass(frozen=True)
class Upload:
    """A file as received: the name the uploader gave and its bytes."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class Position:
    """Where the uploader was (the phone's position), kept apart from the photo."""

    latitude: float
    longitude: float
    accuracy_m: float | None = None


@dataclass(frozen=True)
class AttachContext:
    """Who attaches, when, from where, and how the event is recorded."""

    actor: str
    now: datetime
    record: Record
    source: AttachmentSource = AttachmentSource.CASE_PAGE
    task_id: str | None = None
    limits: Limits = Limits()  # noqa: RUF009  (frozen, never mutated)


def _kind(value: str) -> AttachmentKind:
    try:
        return AttachmentKind(value)
    except ValueError:
        raise AttachmentRefused(f"附件类别「{value}」无效") from None


def _existing(session: Session, case_id: int, client_ref: str | None, digest: str | None):
    query = select(Attachment).where(Attachment.case_id == case_id)
    if client_ref is not None:
        query = query.where(Attachment.client_ref == client_ref)
    elif digest is not None:
        query = query.where(Attachment.sha256 == digest)
    else:
        return None
    return session.execute(query.limit(1)).scalar()


def prepare(upload: Upload, limits: Limits) -> tuple[str, str, bytes, bool]:
    """Check an upload without storing it: ``(clean name, content type, bytes to store,
    metadata stripped)``; raises ``AttachmentRefused`` naming the file and the reason."""
    name = clean_name(upload.filename)
    found = check_content(name, upload.content, limits)
    try:
        content, stripped = strip_metadata(upload.content, found.mime)
    except BadImage as bad:
        raise AttachmentRefused(f"文件 {name} 的{bad}，已拒绝", file_name=name) from None
    return name, found.mime, content, stripped


def add_attachment(
    session: Session,
    *,
    store: ObjectStore,
    case: Case,
    upload: Upload,
    kind: str,
    context: AttachContext,
    position: Position | None = None,
    client_ref: str | None = None,
) -> Attachment:
    """Attach ``upload`` to ``case``: checked by content, images stripped of EXIF, stored
    by SHA-256, recorded as ``attachment_added``. The same ``client_ref``, or the same
    content on the same case, returns the attachment already there."""
    kind = _kind(kind)
    if client_ref is not None and (found := _existing(session, case.id, client_ref, None)):
        return found
    name, mime, content, stripped = prepare(upload, context.limits)
    digest = sha256_of(content)
    if (found := _existing(session, case.id, None, digest)) is not None:
        return found
    present = session.execute(
        select(func.count()).select_from(Attachment).where(Attachment.case_id == case.id)
    ).scalar_one()
    check_count(name, case.code or str(case.id), present, context.limits)
    store.put(content)
    row = Attachment(
        case_id=case.id,
        kind=str(kind),
        file_name=name,
        mime=mime,
        size=len(content),
        sha256=digest,
        metadata_stripped=stripped,
        source=str(context.source),
        task_id=context.task_id,
        client_ref=client_ref,
        latitude=position.latitude if position else None,
        longitude=position.longitude if position else None,
        accuracy_m=position.accuracy_m if position else None,
        added_by=context.actor,
        added_at=context.now,
    )
    try:
        with session.begin_nested():  # the same phone upload sent twice at once: one row
            session.add(row)
            session.flush()
    except IntegrityError:
        found = _existing(session, case.id, client_ref, None) if client_ref else None
        if found is None:
            raise
        return found
    context.record(
        session,
        event_type=ATTACHMENT_ADDED,
        actor=context.actor,
        instance_id=case.instance_id,
        data=event_data(case, row),
    )
    return row


def event_data(case: Case, row: Attachment) -> dict[str, Any]:
    data: dict[str, Any] = {
        "attachment_id": row.id,
        "case_id": case.id,
        "case_code": case.code,
        "kind": row.kind,
        "file_name": row.file_name,
        "mime": row.mime,
        "size": row.size,
        "sha256": row.sha256,
    }
    if row.task_id:
        data["task_id"] = row.task_id
    return data


def attachments_of(session: Session, case_id: int) -> list[Attachment]:
    """A case's attachments, oldest first."""
    return list(
        session.execute(
            select(Attachment).where(Attachment.case_id == case_id).order_by(Attachment.id)
        ).scalars()
    )


def get_attachment(session: Session, attachment_id: int) -> Attachment | None:
    return session.get(Attachment, attachment_id)


def read_content(store: ObjectStore, attachment: Attachment) -> bytes:
    """The attachment's bytes, checked against its hash; ``AttachmentMissing`` otherwise."""
    content = store.get(attachment.sha256)
    if content is None or sha256_of(content) != attachment.sha256:
        raise AttachmentMissing(attachment.id)
    return content


REFERENCE_PREFIX = "attachment:"


def reference(attachment: Attachment) -> str:
    """What a task form keeps in the task data for a file: ``attachment:<id>:<sha256>``."""
    return f"{REFERENCE_PREFIX}{attachment.id}:{attachment.sha256}"


def parse_reference(value: Any) -> tuple[int, str] | None:
    """``(id, sha256)`` of a task-data reference, or ``None`` for any other value."""
    if not isinstance(value, str) or not value.startswith(REFERENCE_PREFIX):
        return None
    ident, _, digest = value[len(REFERENCE_PREFIX) :].partition(":")
    if not ident.isdigit() or len(digest) != 64:
        return None
    return int(ident), digest
