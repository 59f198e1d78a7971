"""审计 › 案件回放: one case's events step by step on its diagrams, and 校验哈希链 for its rows.

A case outside the auditor's region scope (if they have one) answers 404, as on the case page.
"""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from engine.db import db
from processes.models import Case

from ..attachments.integrity import verify_stored_files
from ..cases.detail import find_case
from ..engine_binding import current_engine
from ..scope import region_scope
from ..security import AUDIT_ROLES, roles_required
from .blueprint import bp
from .integrity import Verdict, verify_case
from .replay import case_replay


def _case_or_404(case_id: int) -> Case:
    case = find_case(db.session, case_id, region_scope(db.session, current_user))
    if case is None:
        abort(404)
    return case


def _render(case: Case, verdict: Verdict | None = None):
    replay = case_replay(db.session, current_engine(), case)
    return render_template("audit/replay.html", case=case, replay=replay, verdict=verdict)


@bp.get("/cases/<int:case_id>/replay")
@roles_required(AUDIT_ROLES)
def replay(case_id: int):
    return _render(_case_or_404(case_id))


@bp.post("/cases/<int:case_id>/verify")
@roles_required(AUDIT_ROLES)
def verify_case_chain(case_id: int):
    case = _case_or_404(case_id)
    verdict = verify_case(
        db.session,
        current_engine(),
        case,
        user=current_user.username,
        files=verify_stored_files,
    )
    db.session.commit()
    return _render(case, verdict)
