"""``verify-history --files``: every file the history recorded, re-hashed from the store."""

from __future__ import annotations

from engine.db import db
from engine.history_files import FilesResult, verify_files
from processes.models import Case

from .binding import current_store


def verify_stored_files(case: Case | None = None) -> FilesResult:
    """Check the files of ``case`` (or of every case) against the hashes in the history."""
    instance_id = case.instance_id if case is not None else None
    return verify_files(db.session, read=current_store().get, instance_id=instance_id)


def failure_text(result: FilesResult) -> str:
    return f"附件文件校验失败：{result.reason}（此前已校验 {result.checked} 个文件）"


def success_text(result: FilesResult) -> str:
    return f"附件文件完整：已校验 {result.checked} 个文件，与历史记录中的哈希一致。"
