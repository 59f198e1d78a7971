"""校验哈希链 for the whole history, a part at a time: the page's script walks the parts
with a progress bar (``/verify/part``); without script the form walks as many parts as fit
in ``BUDGET_SECONDS`` and offers 继续校验 from where it stopped, so no request outlives a
web worker's timeout however long the chain.

A verify reads; what it writes is its own operation-log entry (who verified, the result).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import jsonify, render_template, request
from flask_login import current_user

from engine.db import db
from engine.history_verify import PART_SIZE, ChainPart

from ..engine_binding import current_engine
from ..security import AUDIT_ROLES, roles_required
from ..validation import parse_int
from .blueprint import bp
from .filters import AuditFilters
from .integrity import Verdict, chain_part
from .search_views import render_index

BUDGET_SECONDS = 10.0


@dataclass(frozen=True)
class Progress:
    """A walk that stopped for time: where to go on, and how far the chain runs."""

    next_seq: int
    total: int


def _start() -> int:
    start = request.form.get("start", "1")
    return parse_int(start, minimum=1) or 1


def _part(start_seq: int) -> tuple[ChainPart, Verdict | None]:
    return chain_part(
        db.session,
        current_engine(),
        start_seq=start_seq,
        limit=PART_SIZE,
        user=current_user.username,
    )


@bp.post("/verify")
@roles_required(AUDIT_ROLES)
def verify():
    began, start = time.monotonic(), _start()
    part, verdict = _part(start)
    while verdict is None and time.monotonic() - began < BUDGET_SECONDS:
        part, verdict = _part(part.next_seq)
    db.session.commit()
    progress = None if verdict else Progress(part.next_seq, part.total)
    return render_index(AuditFilters(), verdict=verdict, progress=progress)


@bp.post("/verify/part")
@roles_required(AUDIT_ROLES)
def verify_part():
    part, verdict = _part(_start())
    db.session.commit()
    body = {
        "done": part.done,
        "next": part.next_seq,
        "total": part.total,
        "html": render_template("audit/_verdict.html", verdict=verdict) if verdict else None,
    }
    return jsonify(body)
