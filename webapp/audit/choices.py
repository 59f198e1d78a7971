"""The search form's choices: processes, versions, lanes, event types, users."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import ProcessDefinition, ProcessVersion
from processes.deadlines import local
from processes.roles import Role

from ..accounts.models import User
from .labels import AUDIT_EVENT_LABELS


@dataclass(frozen=True)
class FormChoices:
    processes: list[tuple[str, str]]
    """(process id, name), by name: the option shows the name, its value is the id."""
    versions: list[tuple[int, str]]
    """(version id, label)."""
    lanes: list[str]
    events: list[tuple[str, str]]
    """(event type, label)."""
    users: list[tuple[str, str]]
    """(username, display name)."""


def process_names(session: Session) -> dict[str, str]:
    """Process id → the name people read (the latest version's), the id when it has none."""
    names: dict[str, str] = {}
    for process_id, name in session.execute(
        select(ProcessDefinition.process_id, ProcessDefinition.name).order_by(
            ProcessDefinition.version_id
        )
    ):
        names[process_id] = name or process_id  # the latest version's name wins
    return names


def form_choices(session: Session) -> FormChoices:
    names = process_names(session)
    versions = [
        (version_id, f"版本 {version_id}（{local(at):%Y-%m-%d %H:%M}）{note[:20]}")
        for version_id, at, note in session.execute(
            select(ProcessVersion.id, ProcessVersion.deployed_at, ProcessVersion.note).order_by(
                ProcessVersion.id.desc()
            )
        )
    ]
    users = session.execute(select(User.username, User.display_name).order_by(User.username))
    return FormChoices(
        processes=sorted(names.items(), key=lambda item: (item[1], item[0])),
        versions=versions,
        lanes=[role.value for role in Role],
        events=sorted(AUDIT_EVENT_LABELS.items(), key=lambda item: item[0]),
        users=[(username, shown) for username, shown in users],
    )
