"""校验哈希链 for the whole history: a form that walks the chain in one request (works
without JavaScript), and the parts ``audit.js`` walks one request at a time with progress.

A verify reads; what it writes is its own operation-log entry (who verified, the result).
"""

from __future__ import annotations

from flask import jsonify, render_template, request
from flask_login import current_user

from engine.db import db
from engine.history_verify import PART_SIZE

from ..engine_binding import current_engine
from ..security import AUDIT_ROLES, roles_required
from .blueprint import bp
from .filters import AuditFilters
from .integrity import chain_part, verify_all
from .search_views import render_index


@bp.post("/verify")
@roles_required(AUDIT_ROLES)
def verify():
    verdict = verify_all(
        db.session, current_engine(), user=current_user.username, part_size=PART_SIZE
    )
    db.session.commit()
    return render_index(AuditFilters(), verdict=verdict)


@bp.post("/verify/part")
@roles_required(AUDIT_ROLES)
def verify_part():
    start = request.form.get("start", "1")
    start_seq = int(start) if start.isascii() and start.isdigit() else 1
    part, verdict = chain_part(
        db.session,
        current_engine(),
        start_seq=start_seq,
        limit=PART_SIZE,
        user=current_user.username,
    )
    db.session.commit()
    body = {
        "done": part.done,
        "next": part.next_seq,
        "total": part.total,
        "html": render_template("audit/_verdict.html", verdict=verdict) if verdict else None,
    }
    return jsonify(body)
