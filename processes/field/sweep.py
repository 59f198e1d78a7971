"""Clean the phone uploads nobody will finish or fetch again.

Two kinds go: an upload still unfinished ``keep`` after it started (the phone gave up on
it: its report was deleted, or the phone was reset) with its chunks, and the chunks of a
finished upload whose file is already on a case (the object store holds it; the same
photo sent again after filing is uploaded again, as in ``photos._release``).

Finished uploads that no case holds are never touched: a report still on its way names
them, and the photos of a 当场化解 report (no case, so no attachment) are its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..attachments import Attachment
from .models import PhotoChunk, PhotoUpload

KEEP_UNFINISHED = timedelta(days=7)
"""How long an unfinished upload waits for its phone (``ZONGZHI_UPLOAD_KEEP_DAYS``)."""


@dataclass(frozen=True)
class SweepResult:
    abandoned: int
    """Unfinished uploads deleted with their chunks."""
    released: int
    """Finished uploads already on a case whose chunks were dropped."""

    def describe(self, keep: timedelta) -> str:
        """The line the CLI prints (Chinese)."""
        return (
            f"已删除 {self.abandoned} 个超过 {keep.days} 天未传完的上传，"
            f"释放 {self.released} 个已归入案件的文件所占的分段。"
        )


def sweep_uploads(session: Session, *, now: datetime, keep: timedelta) -> SweepResult:
    """Delete abandoned uploads and the chunks of filed ones; the caller commits."""
    stale = list(
        session.execute(
            select(PhotoUpload.sha256).where(
                PhotoUpload.completed_at.is_(None), PhotoUpload.started_at < now - keep
            )
        ).scalars()
    )
    if stale:
        session.execute(delete(PhotoChunk).where(PhotoChunk.sha256.in_(stale)))
        session.execute(delete(PhotoUpload).where(PhotoUpload.sha256.in_(stale)))
    filed = [upload for upload in _finished(session) if _on_a_case(session, upload.sha256)]
    for upload in filed:
        session.execute(delete(PhotoChunk).where(PhotoChunk.sha256 == upload.sha256))
        upload.received, upload.completed_at = 0, None
    session.flush()
    return SweepResult(abandoned=len(stale), released=len(filed))


def _finished(session: Session) -> list[PhotoUpload]:
    return list(
        session.execute(select(PhotoUpload).where(PhotoUpload.completed_at.is_not(None)))
        .scalars()
        .all()
    )


def _on_a_case(session: Session, sha256: str) -> bool:
    """A phone file is attached under ``<report id>:<first 40 of its hash>``."""
    found = session.execute(
        select(Attachment.id).where(Attachment.client_ref.like(f"%:{sha256[:40]}")).limit(1)
    ).first()
    return found is not None
