"""显示完整号码 on the task page of a task whose holder must telephone a party
(``processes.calling``): the reveal is logged exactly as the case page's 显示完整信息 is
(``personal_data_viewed``, on the case's timeline), with the task it was for."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine import Engine, TaskStatus, TaskView
from processes.calling import must_call
from processes.models import Case

from ..cases.detail import record_reveal
from . import detail

REVEALED_FIELDS = "联系电话"
ACTING = frozenset({detail.Access.OFFERED, detail.Access.STAND_IN, detail.Access.SUPERVISOR})


def calling(task: TaskView) -> bool:
    """Whether ``task``'s holder must telephone a party (``processes.calling``)."""
    return must_call(task.form_key)


def may_reveal(task: TaskView, case: Case | None, access: detail.Access) -> bool:
    """Whether the user may see the parties' phones in full on ``task``'s page: a calling
    task, still open, that they may act on (as its holder, a stand-in or a supervisor)."""
    return (
        case is not None
        and task.status == TaskStatus.READY
        and must_call(task.form_key)
        and access in ACTING
    )


def full_phones(case: Case) -> list[str]:
    """Each party's phone as registered, in the order the summary lists the parties."""
    return [party.phone or "" for party in case.parties]


def record(session: Session, engine: Engine, case: Case, task: TaskView, *, user: str) -> None:
    """Log the reveal (in the caller's transaction)."""
    record_reveal(
        session, engine, case, user=user, about={"task": task.name, "fields": REVEALED_FIELDS}
    )
