"""Routes: upload a file on the case page, download one. Every route states its roles.

A case outside the user's region scope, or an attachment of another case, answers 404.
Downloads are always ``attachment`` (never shown inline) with the content type found in
the content, ``nosniff`` and a sandboxing CSP, so no upload can run as a page of the site.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_login import current_user

from engine.db import db
from processes.attachments import (
    AttachmentKind,
    AttachmentMissing,
    AttachmentRefused,
    StoreError,
    get_attachment,
    read_content,
)
from processes.attachments.sniff import ALLOWED

from ..cases.detail import find_case
from ..errors import error_page
from ..scope import region_scope
from ..security import (
    CASE_READERS,
    CASEWORKERS,
    PERSONAL_DATA_ROLES,
    has_any_role,
    roles_required,
)
from .binding import current_store
from .listing import attachment_rows
from .uploads import accepts_files, attach_upload

bp = Blueprint("attachments", __name__, url_prefix="/cases")

ANCHOR = "attachments-title"


def _case_or_404(case_id: int):
    case = find_case(db.session, case_id, region_scope(db.session, current_user))
    if case is None:
        abort(404)
    return case


@bp.post("/<int:case_id>/attachments")
@roles_required(CASEWORKERS)
@accepts_files
def upload(case_id: int):
    """上传附件: one or more files of one kind, from the case page."""
    case = _case_or_404(case_id)
    kind = request.form.get("kind", "")
    files = [f for f in request.files.getlist("files") if f.filename]
    back = redirect(url_for("cases.show", case_id=case.id, _anchor=ANCHOR))
    if not files:
        flash("请选择要上传的文件", "error")
        return back
    try:
        added = [attach_upload(case, file, kind=kind) for file in files]
    except (AttachmentRefused, StoreError) as refused:
        db.session.rollback()
        flash(f"附件未保存：{refused}", "error")
        return back
    db.session.commit()
    names = "、".join(row.file_name for row in added)
    flash(f"已上传附件（{kind}）：{names}", "info")
    return back


def _disposition(name: str) -> str:
    ascii_name = name.encode("ascii", "ignore").decode().replace('"', "") or "attachment"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


@bp.get("/<int:case_id>/attachments/<int:attachment_id>")
@roles_required(CASE_READERS)
def download(case_id: int, attachment_id: int):
    case = _case_or_404(case_id)
    row = get_attachment(db.session, attachment_id)
    if row is None or row.case_id != case.id:
        abort(404)
    try:
        content = read_content(current_store(), row)
    except (AttachmentMissing, StoreError):
        message = "附件文件缺失或已损坏，请联系管理员核查（zongzhi verify-history --files）。"
        return error_page(404, message)
    response = Response(content, mimetype=row.mime)
    response.headers["Content-Disposition"] = _disposition(row.file_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


KINDS = [str(kind) for kind in AttachmentKind]


@bp.app_context_processor
def _case_attachments() -> dict[str, object]:
    """``case_attachments(case)`` for the case page's attachments card."""
    return {"case_attachments": _card}


def _card(case) -> dict[str, object]:
    return {
        "rows": attachment_rows(db.session, case.id, full_names=has_any_role(PERSONAL_DATA_ROLES)),
        "may_attach": has_any_role(CASEWORKERS),
        "kinds": KINDS,
        "accept": ",".join(sorted(ALLOWED)),
    }
