"""What the admin page tests share: the region tree, the operation log."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from engine.db import db
from processes.models import Region
from tests.processes.conftest import REGIONS, operation_log

ADMIN = "boss"


def seed_regions(app: Flask) -> None:
    """The county → township → village → grid tree of ``tests.processes.conftest``."""
    with app.app_context():
        db.session.add_all(
            Region(code=c, name=n, level=lv, parent_code=p, active=True) for c, n, lv, p in REGIONS
        )
        db.session.commit()


def log_entries(sa_engine, event_type: str) -> list[dict]:
    """The data of each operation-log entry of ``event_type`` (with its actor), in order."""
    with Session(sa_engine) as session:
        return [event.data | {"actor": event.actor} for event in operation_log(session, event_type)]
