"""The photos (and voice note) a report names, by content hash: which have not fully
arrived, and handing the arrived ones to the case's attachments."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import Actor, Engine

from ..models import Case
from .models import PhotoUpload


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


def attach_to_case(
    session: Session, engine: Engine, case: Case, hashes: Sequence[str], *, actor: Actor
) -> None:
    """Add each uploaded file to the case's attachments (in the caller's transaction)."""
    del session, engine, case, hashes, actor  # the attachment store arrives with wip/attach
