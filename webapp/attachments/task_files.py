"""File fields of task forms: the upload is checked with the rest of the form, stored on
the task's case once the form is valid, and the task data keeps only its reference
(``attachment:<id>:<sha256>``, ``processes.attachments.reference``).

A file property names its kind with ``"x-attachment-kind"`` (else 其他). The attachment is
committed just before the engine step: if the step then fails, the file stays on the case
(listed and in the history) and the form can be sent again without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import request

from engine.db import db
from processes.attachments import (
    AttachmentKind,
    AttachmentRefused,
    AttachmentSource,
    StoreError,
    Upload,
    prepare,
    reference,
)
from processes.models import Case

from ..schema_form import Parsed, file_fields
from .binding import current_limits
from .uploads import attach_upload

KIND_KEY = "x-attachment-kind"
PLACEHOLDER = "attachment:0:" + "0" * 64
"""Stands for a chosen file while the rest of the form is validated."""
RESELECT = "（提交未成功时需重新选择文件）"


@dataclass
class TaskUploads:
    """The files a task form carried, by field name."""

    files: dict[str, Any] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.files)


def _kind(prop: Mapping[str, Any]) -> str:
    kind = prop.get(KIND_KEY)
    return kind if kind in set(AttachmentKind) else str(AttachmentKind.OTHER)


def with_uploads(schema: Mapping[str, Any], parsed: Parsed) -> tuple[Parsed, TaskUploads]:
    """``parsed`` with a placeholder for each chosen file and a refusal (naming the file
    and the reason) as that field's error; and the files, for ``attach``."""
    uploads = TaskUploads()
    data, errors = dict(parsed.data), dict(parsed.errors)
    for name, prop in file_fields(schema).items():
        file = request.files.get(name)
        if file is None or not file.filename:
            continue
        upload = Upload(file.filename, file.read())
        try:
            prepare(upload, current_limits())
        except AttachmentRefused as refused:
            errors[name] = [str(refused)]
            continue
        uploads.files[name], uploads.kinds[name] = upload, _kind(prop)
        data[name] = PLACEHOLDER
    return Parsed(data, errors), uploads


def attach(case: Case | None, task_id: str, data: dict[str, Any], uploads: TaskUploads):
    """Store the files on ``case`` and put their references into ``data``; commits.
    Returns the field errors instead when they cannot be stored."""
    if not uploads:
        return data, {}
    if case is None:
        return data, {name: ["此任务没有关联案件，不能上传附件"] for name in uploads.files}
    try:
        for name, upload in uploads.files.items():
            row = attach_upload(
                case,
                upload,
                kind=uploads.kinds[name],
                source=AttachmentSource.TASK_FORM,
                task_id=task_id,
            )
            data[name] = reference(row)
    except (AttachmentRefused, StoreError) as refused:
        db.session.rollback()
        return data, {name: [f"{refused}{RESELECT}"]}
    db.session.commit()
    return data, {}
