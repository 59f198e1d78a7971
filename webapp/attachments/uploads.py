"""Files from a request onto a case.

- ``accepts_files``: marks a view that takes file uploads; before any hook reads the body,
  its requests may be as large as ``UPLOAD_FILES`` files of the configured size (the rest
  of the site keeps ``MAX_CONTENT_LENGTH``), so an oversized file reaches the check that
  names it instead of a bare 413.
- ``attach_upload``: one uploaded file (a werkzeug ``FileStorage``) checked, stored and
  recorded on a case, in ``db.session``; the caller commits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, request
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from engine.db import db
from processes.attachments import (
    AttachContext,
    Attachment,
    AttachmentRefused,
    AttachmentSource,
    Position,
    Upload,
    add_attachment,
)
from processes.attachments.checks import MB
from processes.models import Case

from ..engine_binding import current_engine
from .binding import current_limits, current_store

UPLOAD_FILES = 4
"""How many files of the largest size one request may carry."""
View = TypeVar("View", bound=Callable[..., Any])


def accepts_files(view: View) -> View:
    """Let ``view`` receive uploads (see the module's docstring)."""
    view.accepts_files = True  # type: ignore[attr-defined]
    return view


def _raise_body_limit() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and getattr(view, "accepts_files", False):
        request.max_content_length = current_limits().max_bytes * UPLOAD_FILES + MB


def init_app(app: Flask) -> None:
    """Install the body-limit hook ahead of every other ``before_request`` hook."""
    app.before_request_funcs.setdefault(None, []).insert(0, _raise_body_limit)


def read_upload(file: FileStorage | Upload) -> Upload:
    if isinstance(file, Upload):
        return file
    return Upload(file.filename or "附件", file.read())


def attach_upload(
    case: Case,
    file: FileStorage | Upload,
    *,
    kind: str,
    source: AttachmentSource = AttachmentSource.CASE_PAGE,
    task_id: str | None = None,
    client_ref: str | None = None,
    position: Position | None = None,
) -> Attachment:
    """Attach ``file`` to ``case`` as the current user, in ``db.session`` (not committed).

    Raises ``AttachmentRefused`` (its ``str()`` is the Chinese message naming the file and
    the reason) and ``StoreError`` (the object store cannot be reached)."""
    engine = current_engine()
    context = AttachContext(
        actor=current_user.username,
        now=engine.clock.now(),
        record=engine.record_operation,
        source=source,
        task_id=task_id,
        limits=current_limits(),
    )
    return add_attachment(
        db.session,
        store=current_store(),
        case=case,
        upload=read_upload(file),
        kind=kind,
        context=context,
        position=position,
        client_ref=client_ref,
    )


__all__ = ["AttachmentRefused", "accepts_files", "attach_upload", "init_app", "read_upload"]
