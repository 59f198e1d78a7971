"""Helpers of the attachment web and browser tests: a store folder per test, and a 诉调
case brought to its 调解 task for the mediator ``wang.tj``."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import Actor
from engine.db import db
from processes.attachments import Attachment
from tests.processes.conftest import COUNTY
from tests.web.tasks_support import only_ready, receive
from tests.web.test_tasks_mediator import seed_roster
from webapp.attachments.binding import EXTENSION_KEY

COUNTY_CENTER, MEDIATOR = "县综治中心", "调解员"
WANG = Actor.of("wang.tj", [MEDIATOR])


@pytest.fixture
def store_dir(app, tmp_path):
    """Attachments of this test in a folder of its own."""
    folder = tmp_path / "attachments"
    app.config["ZONGZHI_ATTACHMENT_DIR"] = str(folder)
    app.extensions.pop(EXTENSION_KEY, None)
    yield folder
    app.config.pop("ZONGZHI_ATTACHMENT_DIR", None)
    app.config.pop("ZONGZHI_ATTACHMENT_MAX_MB", None)
    app.extensions.pop(EXTENSION_KEY, None)


def to_mediation(engine):
    """A 诉调 case signed for, 王调解 assigned, accepted, the other party consenting:
    the 调解 task waits for ``wang.tj``. Returns (received, task)."""
    roster = seed_roster(engine)
    received = receive(engine, channel="诉调")
    center = Actor.of("xian", [COUNTY_CENTER])
    engine.complete(
        only_ready(engine, received.instance_id, "receive").id,
        {"receipt_decision": "签收"},
        actor=center,
    )
    engine.complete(
        only_ready(engine, received.instance_id, "assign_mediator").id,
        {"assign_decision": "指派", "mediator_entry": str(roster["王调解"])},
        actor=center,
    )
    engine.complete(
        only_ready(engine, received.instance_id, "accept").id,
        {"accept_decision": "接受委派"},
        actor=WANG,
    )
    engine.complete(
        only_ready(engine, received.instance_id, "contact_party").id,
        {"contact_result": "同意调解", "contact_note": "电话联系被申请人，同意调解"},
        actor=WANG,
    )
    return received, only_ready(engine, received.instance_id, "mediate")


AGREED = {"mediation_outcome": "达成协议", "mediation_note": "双方同意共同出资修缮院墙"}


def attachments(app, case_id: int) -> list[Attachment]:
    with app.app_context():
        rows = db.session.scalars(select(Attachment).where(Attachment.case_id == case_id))
        found = list(rows)
        db.session.remove()
    return found


__all__ = ["COUNTY", "to_mediation"]
