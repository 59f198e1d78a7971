"""The photos (and voice note) a report names, by content hash: which have not fully
arrived, whether the attachment checks take them, and filing them on the report's case.

Filing runs in its own transaction after the case is registered, and again on any later
send of the same report until every file is on the case: each file is attached under a
``client_ref`` made of the report's id and the file's hash, so a repeat adds nothing.
Once a file is on the case its chunks are dropped (the object store holds it now).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine import Engine

from ..attachments import (
    AttachContext,
    Attachment,
    AttachmentKind,
    AttachmentRefused,
    AttachmentSource,
    Limits,
    ObjectStore,
    Position,
    Upload,
    add_attachment,
    prepare,
)
from ..models import Case
from .models import FieldReport, PhotoChunk, PhotoUpload
from .uploads import photo_bytes


@dataclass(frozen=True)
class Filing:
    """Where attachments go and the limits they meet (the web app's store and settings)."""

    store: ObjectStore
    limits: Limits


def missing(session: Session, hashes: Sequence[str]) -> list[str]:
    """The hashes among ``hashes`` whose upload is not complete."""
    if not hashes:
        return []
    done = set(
        session.execute(
            select(PhotoUpload.sha256).where(
                PhotoUpload.sha256.in_(list(hashes)), PhotoUpload.completed_at.is_not(None)
            )
        ).scalars()
    )
    return [sha for sha in hashes if sha not in done]


def refusals(session: Session, files: Sequence[tuple[str, str]], limits: Limits) -> list[str]:
    """Why the attachment checks would refuse any of ``files`` (``(name, sha256)``)."""
    problems = []
    for name, sha in files:
        content = photo_bytes(session, sha)
        try:
            prepare(Upload(name, content or b""), limits)
        except AttachmentRefused as refused:
            problems.append(str(refused))
    return problems


def file_names(photos: Sequence[str], voice: str | None) -> list[tuple[str, str, str]]:
    """``(name, sha256, kind)`` of a report's files, named as the case page lists them."""
    named = [
        (f"现场照片{n}", sha, AttachmentKind.SITE_PHOTO.value) for n, sha in enumerate(photos, 1)
    ]
    if voice:
        named.append(("语音说明", voice, AttachmentKind.VOICE.value))
    return named


def file_on_case(engine: Engine, filing: Filing, client_id: str) -> None:
    """Attach the files of report ``client_id`` to its case; commits. Raises
    ``StoreError`` when the object store cannot be reached (the next send tries again)."""
    with engine.session_factory() as session:
        report = session.execute(
            select(FieldReport).where(FieldReport.client_id == client_id)
        ).scalar_one()
        case = session.get(Case, report.case_id) if report.case_id else None
        if case is None:
            return
        payload = report.payload
        context = AttachContext(
            actor=report.reporter,
            now=engine.clock.now(),
            record=engine.record_operation,
            source=AttachmentSource.PHONE,
            limits=filing.limits,
        )
        for name, sha, kind in file_names(payload.get("photos", ()), payload.get("voice")):
            _file_one(session, filing, case, context, (name, sha, kind), report)
        session.commit()


def _file_one(
    session: Session,
    filing: Filing,
    case: Case,
    context: AttachContext,
    file: tuple[str, str, str],
    report: FieldReport,
) -> None:
    name, sha, kind = file
    ref = f"{report.client_id}:{sha[:40]}"  # the column holds 80
    if session.execute(
        select(Attachment.id).where(Attachment.case_id == case.id, Attachment.client_ref == ref)
    ).first():
        return
    content = photo_bytes(session, sha)
    if content is None:
        return  # dropped after filing elsewhere: this report's copy is on its case
    add_attachment(
        session,
        store=filing.store,
        case=case,
        upload=Upload(name, content),
        kind=kind,
        context=context,
        position=_position(report.payload) if kind == AttachmentKind.SITE_PHOTO.value else None,
        client_ref=ref,
    )
    _release(session, sha)


def _position(payload: dict) -> Position | None:
    found = payload.get("position")
    if not found:
        return None
    return Position(found["latitude"], found["longitude"], found.get("accuracy"))


def _release(session: Session, sha: str) -> None:
    """Drop a filed upload's chunks; the same photo sent again is uploaded again."""
    session.execute(delete(PhotoChunk).where(PhotoChunk.sha256 == sha))
    upload = session.get(PhotoUpload, sha)
    if upload is not None:
        upload.received, upload.completed_at = 0, None
