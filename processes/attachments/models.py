"""``Attachment``: one file attached to a case; its bytes live in the object store under
their SHA-256 (``store.py``), so the same content attached twice is one stored object."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db
from engine.types import UTCDateTime


class Attachment(db.Model):
    """A file of a case: its kind, name, type (by content), size, hash and who added it."""

    __tablename__ = "attachment"
    __table_args__ = (
        Index("ix_attachment_case", "case_id", "id"),
        Index("ix_attachment_sha256", "sha256"),
        UniqueConstraint("case_id", "client_ref", name="uq_attachment_case_client_ref"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id"))
    kind: Mapped[str] = mapped_column(String(20))
    """An ``AttachmentKind`` value (现场照片, 调解协议书, …)."""
    file_name: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(100))
    """The content type found in the content (never the one the name or browser claims)."""
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    metadata_stripped: Mapped[bool] = mapped_column(Boolean, default=False)
    """An image whose EXIF (GPS, device) was removed on ingest; ``False`` for HEIC and
    non-images."""
    source: Mapped[str] = mapped_column(String(20))
    """An ``AttachmentSource`` value."""
    task_id: Mapped[str | None] = mapped_column(String(64))
    """The task whose form carried the file, if any."""
    client_ref: Mapped[str | None] = mapped_column(String(80))
    """An id made by the uploading client (the phone): the same upload retried is one
    attachment."""
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    """The position the uploader supplied (the phone's), kept apart from the photo."""
    added_by: Mapped[str] = mapped_column(String(120))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
