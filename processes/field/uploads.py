"""Photo uploads over a weak network: keyed by the file's SHA-256, sent in chunks.

The phone computes the hash, asks how many bytes the server already holds
(``upload_status``) and sends the rest from there (``put_chunk``). A chunk sent twice
(a retry after a lost answer) changes nothing; a chunk past the bytes held is refused
with the offset to resume from. When the last byte arrives the whole is hashed: a file
whose content does not match its name is dropped, so nothing but the announced file is
ever kept. The same photo uploaded again, by anyone, is the one stored upload.

Chunks live in the database so every web worker, on any machine, sees the same bytes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .models import PhotoChunk, PhotoUpload

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_CHUNK_BYTES = 1024 * 1024
MAX_OPEN_UPLOADS = 30
"""Unfinished uploads one person may hold: a phone sends one report's files at a time."""
_HASH = re.compile(r"^[0-9a-f]{64}$")


class UploadRefused(Exception):
    """An upload the server will not take; the message (Chinese) says why."""


class UploadGap(Exception):
    """A chunk starting past the bytes held: resume from ``received``."""

    def __init__(self, received: int) -> None:
        super().__init__(f"服务器已收到 {received} 字节，请从该处继续上传")
        self.received = received


@dataclass(frozen=True)
class UploadStatus:
    sha256: str
    size: int
    received: int
    problem: str | None = None
    """Set when the whole file did not match its hash: it was dropped (commit that)."""

    @property
    def complete(self) -> bool:
        return self.size > 0 and self.received >= self.size

    def as_json(self) -> dict[str, object]:
        return {
            "sha256": self.sha256,
            "size": self.size,
            "received": self.received,
            "complete": self.complete,
            **({"error": self.problem} if self.problem else {}),
        }


def check_hash(sha256: str) -> str:
    if not _HASH.match(sha256 or ""):
        raise UploadRefused("文件校验值格式不正确")
    return sha256


def upload_status(session: Session, sha256: str) -> UploadStatus:
    """What the server holds of the file ``sha256`` (nothing: ``received`` 0)."""
    upload = session.get(PhotoUpload, check_hash(sha256))
    if upload is None:
        return UploadStatus(sha256, 0, 0)
    return UploadStatus(sha256, upload.size, upload.received)


def put_chunk(
    session: Session,
    *,
    sha256: str,
    offset: int,
    total: int,
    data: bytes,
    uploader: str,
    now: datetime,
) -> UploadStatus:
    """Store ``data`` at ``offset`` of the ``total``-byte file ``sha256``; raises
    ``UploadRefused`` or ``UploadGap``. The caller commits."""
    _check_chunk(sha256, offset, total, data)
    upload = session.get(PhotoUpload, sha256, with_for_update=True)
    if upload is None:
        _check_open(session, uploader)
        upload = PhotoUpload(sha256=sha256, size=total, received=0, uploader=uploader)
        upload.started_at = now
        session.add(upload)
        session.flush()
    if upload.size != total:
        raise UploadRefused(f"文件大小与先前上传的不一致（{upload.size} 字节）")
    if upload.completed_at is not None or offset + len(data) <= upload.received:
        return UploadStatus(sha256, upload.size, upload.received)  # held already
    if offset != upload.received:
        raise UploadGap(upload.received)
    session.add(PhotoChunk(sha256=sha256, offset=offset, data=data))
    upload.received = offset + len(data)
    problem = _finish(session, upload, now) if upload.received == upload.size else None
    session.flush()
    return UploadStatus(sha256, upload.size, upload.received, problem)


def _check_chunk(sha256: str, offset: int, total: int, data: bytes) -> None:
    check_hash(sha256)
    if total <= 0 or total > MAX_FILE_BYTES:
        raise UploadRefused(f"文件不能超过 {MAX_FILE_BYTES // (1024 * 1024)} MB")
    if not data or len(data) > MAX_CHUNK_BYTES:
        raise UploadRefused(f"每段上传应为 1 字节至 {MAX_CHUNK_BYTES // 1024} KB")
    if offset < 0 or offset + len(data) > total:
        raise UploadRefused("上传的片段超出了文件大小")


def _check_open(session: Session, uploader: str) -> None:
    unfinished = session.execute(
        select(func.count())
        .select_from(PhotoUpload)
        .where(
            PhotoUpload.uploader == uploader,
            PhotoUpload.completed_at.is_(None),
            PhotoUpload.received > 0,
        )
    ).scalar_one()
    if unfinished >= MAX_OPEN_UPLOADS:
        raise UploadRefused(f"您已有 {unfinished} 个未传完的文件，请先让它们传完再上传新的")


def _finish(session: Session, upload: PhotoUpload, now: datetime) -> str | None:
    """Check the whole file against its name; a mismatch is dropped to start again."""
    session.flush()
    if hashlib.sha256(_joined(session, upload.sha256)).hexdigest() != upload.sha256:
        session.execute(delete(PhotoChunk).where(PhotoChunk.sha256 == upload.sha256))
        upload.received = 0
        return "文件内容与校验值不符，已丢弃，请重新上传"
    upload.completed_at = now
    return None


def _joined(session: Session, sha256: str) -> bytes:
    chunks = session.execute(
        select(PhotoChunk.data).where(PhotoChunk.sha256 == sha256).order_by(PhotoChunk.offset)
    ).scalars()
    return b"".join(chunks)


def photo_bytes(session: Session, sha256: str) -> bytes | None:
    """The whole file, once every byte has arrived and matched its hash; else ``None``."""
    upload = session.get(PhotoUpload, check_hash(sha256))
    if upload is None or upload.completed_at is None:
        return None
    return _joined(session, sha256)
