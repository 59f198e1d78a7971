"""我的待办 for the phone: the first tasks of the user's work list, as JSON."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from ..tasks import service
from ..tasks.context import current_clock, current_viewer, local_time, parse_filters

PHONE_PAGE = 50


def my_tasks(session: Session) -> dict[str, Any]:
    page = service.work_list(
        session,
        viewer=current_viewer(),
        filters=parse_filters(MultiDict()),
        clock=current_clock(),
        page=1,
        per_page=PHONE_PAGE,
    )
    return {
        "user": current_viewer().username,
        "total": page.total,
        "capped": page.capped,
        "fetched_at": local_time(current_clock().now),
        "items": [
            {
                "task_id": item.task_id,
                "name": item.task_name + (f"（{item.item}）" if item.item else ""),
                "case_code": item.case_code,
                "dispute_type": item.dispute_type,
                "party": item.party,
                "level": item.level,
                "risk_colour": item.risk_colour,
                "due": local_time(item.due_at) if item.due_at else "",
                "url": url_for("tasks.show", task_id=item.task_id),
            }
            for item in page.items
        ],
    }
