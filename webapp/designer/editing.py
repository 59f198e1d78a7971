"""What the form and decision-table editors share: the latest version's file to edit, and
checking or deploying the latest set with that one file replaced."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort

from engine import DeployResult, Engine, Problem, SourceFile

from .drafts import deploy_files, validate_files

NOTE_MAX = 500


@dataclass(frozen=True)
class EditedFile:
    version_id: int
    """The latest version: the set an edit is checked and deployed against."""
    file: SourceFile

    @property
    def text(self) -> str:
        return self.file.content.decode("utf-8", errors="replace")


def latest_file(engine: Engine, name: str, kind: str) -> EditedFile:
    """The file ``name`` of kind ``kind`` in the latest version; 404 when there is none."""
    version_id = engine.latest_version_id()
    if version_id is None:
        abort(404)
    for file in engine.version_files(version_id):
        if file.name == name and file.kind == kind:
            return EditedFile(version_id, file)
    abort(404)


def check_draft(engine: Engine, name: str, content: bytes) -> list[Problem]:
    """Every problem (errors and warnings) of the latest set with ``name`` replaced."""
    return validate_files(engine, {name: content})


def deploy_draft(
    engine: Engine, name: str, content: bytes, *, actor: str, note: str
) -> DeployResult:
    """Deploy the latest set with ``name`` replaced; raises ``DeployRejected``."""
    return deploy_files(engine, {name: content}, actor=actor, note=note)


def note_problem(note: str) -> str | None:
    """Why a deploy note cannot be used, or None."""
    if not note.strip():
        return "请填写修改说明：为什么改、改了什么（将记入版本和操作日志）。"
    if len(note) > NOTE_MAX:
        return f"修改说明最多 {NOTE_MAX} 字。"
    return None


def deployed_message(result: DeployResult) -> str:
    if result.created:
        return (
            f"已部署新版本 #{result.version_id}：新发起的案件将使用此版本，"
            "进行中的案件仍按原版本办理。"
        )
    return f"内容与已有版本 #{result.version_id} 完全相同，未产生新版本。"


def errors_of(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]
