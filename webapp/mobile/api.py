"""The phone app's JSON: the session and its CSRF token, the user's tasks, the choices
the forms offer, reports, screening rounds and chunked photo uploads.

Every write is idempotent: a report or round carries the id the phone made, an upload
chunk its file's hash and offset; sending any of them again changes nothing.
"""

from __future__ import annotations

import re

from flask import jsonify, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy.exc import IntegrityError

from engine import FormInvalid
from engine.db import db
from processes.attachments import StoreError
from processes.field import screening as screenings
from processes.field import uploads
from processes.field.photos import Filing
from processes.field.reports import PhotosMissing, submit_report
from processes.roles import Role

from ..attachments.binding import current_limits, current_store
from ..engine_binding import current_engine
from ..scope import region_scope
from ..security import CASEWORKERS, INTAKE_ROLES, current_actor, has_any_role, roles_required
from . import bp, choices, worklist

_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")


@bp.get("/api/session")
@roles_required(CASEWORKERS)
def session_info():
    return jsonify(
        user=current_user.username,
        display_name=current_user.display_name,
        region_code=current_user.region_code,
        may_report=has_any_role(INTAKE_ROLES),
        grid_worker=has_any_role({Role.GRID_WORKER}),
        csrf=generate_csrf(),
    )


@bp.get("/api/tasks")
@roles_required(CASEWORKERS)
def tasks():
    return jsonify(worklist.my_tasks(db.session))


@bp.get("/api/forms")
@roles_required(CASEWORKERS)
def forms():
    return jsonify(choices.form_choices(db.session, current_user.region_code))


@bp.post("/api/reports")
@roles_required(INTAKE_ROLES)
def reports():
    try:
        submitted = submit_report(
            current_engine(),
            request.get_json(silent=True),
            actor=current_actor(),
            scope=region_scope(db.session, current_user),
            filing=Filing(current_store(), current_limits()),
        )
    except StoreError:
        return jsonify(error="附件存储暂时不可用，稍后将自动重试"), 503
    except PhotosMissing as missing:
        return jsonify(error=str(missing), missing=missing.missing), 409
    except FormInvalid as invalid:
        return jsonify(error="上报内容无法识别", fields=invalid.errors), 422
    return jsonify(submitted.as_json()), 201 if submitted.created else 200


@bp.post("/api/screenings")
@roles_required(INTAKE_ROLES)
def screening_rounds():
    payload = request.get_json(silent=True)
    try:
        recorded = screenings.record_round(
            db.session,
            payload,
            worker=current_user.username,
            scope=region_scope(db.session, current_user),
            now=current_engine().clock.now(),
        )
        body = screenings.round_json(recorded)
        db.session.commit()
    except FormInvalid as invalid:
        db.session.rollback()
        return jsonify(error="排查记录未保存", fields=invalid.errors), 422
    except IntegrityError:  # the same round sent twice at once: the other send stored it
        db.session.rollback()
        recorded = screenings.round_of(db.session, payload["client_id"])
        if recorded is None:
            raise
        body = screenings.round_json(recorded)
    return jsonify(body)


@bp.get("/api/uploads/<sha256>")
@roles_required(INTAKE_ROLES)
def upload_status(sha256: str):
    try:
        return jsonify(uploads.upload_status(db.session, sha256).as_json())
    except uploads.UploadRefused as refused:
        return jsonify(error=str(refused)), 422


@bp.put("/api/uploads/<sha256>")
@roles_required(INTAKE_ROLES)
def upload_chunk(sha256: str):
    """One chunk, placed by its ``Content-Range: bytes START-END/TOTAL`` header."""
    match = _RANGE.match(request.headers.get("Content-Range", ""))
    if match is None:
        return jsonify(error="缺少上传范围（Content-Range）"), 400
    start, end, total = (int(n) for n in match.groups())
    data = request.get_data(cache=False)
    if end - start + 1 != len(data):
        return jsonify(error="上传范围与内容长度不符"), 400
    try:
        status = uploads.put_chunk(
            db.session,
            sha256=sha256,
            offset=start,
            total=total,
            data=data,
            uploader=current_user.username,
            now=current_engine().clock.now(),
        )
        db.session.commit()
    except uploads.UploadGap as gap:
        db.session.rollback()
        return jsonify(error=str(gap), received=gap.received), 409
    except uploads.UploadRefused as refused:
        db.session.rollback()
        return jsonify(error=str(refused)), 422
    except IntegrityError:  # the same chunk from two tabs at once: one stored it
        db.session.rollback()
        status = uploads.upload_status(db.session, sha256)
    return jsonify(status.as_json()), 422 if status.problem else 200


def _no_cache(response):
    response.headers.setdefault("Cache-Control", "no-store")
    return response


bp.after_request(_no_cache)
