"""The engine's own errors: what the layers above catch and show to people.

Messages are written for the person who caused them (zh-CN first); attributes carry
the machine-readable parts (file, element, field) so a UI can point at the spot.
"""

from __future__ import annotations

from dataclasses import dataclass


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a diagram set: where it is and why.

    ``severity`` is ``"error"`` (blocks a deploy) or ``"warning"`` (shown, never blocks);
    ``code`` names a problem a tool can offer to fix (e.g. ``"not_executable"``), or is "".
    """

    file: str
    element: str | None
    message: str
    severity: str = "error"
    code: str = ""

    def __str__(self) -> str:
        where = f"{self.file}" + (f" [{self.element}]" if self.element else "")
        label = "（警告）" if self.severity == "warning" else ""
        return f"{where}: {label}{self.message}"


class DeployRejected(EngineError):
    """A deploy found errors; nothing was stored and the current version stays.

    ``problems`` holds every problem found, warnings included (``severity``).
    """

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        errors = sum(p.severity == "error" for p in self.problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"部署被拒绝，发现 {errors} 个错误：\n{lines}")


class UnsafeXml(EngineError):
    """An XML file uses DTDs or entities (which diagrams never need and attacks do), or is
    not XML at all."""

    def __init__(self, file: str, message: str):
        self.file = file
        self.message = message
        super().__init__(f"{file}: {message}")


class NotFound(EngineError):
    """The process, instance or task asked for does not exist."""


class ConflictError(EngineError):
    """Someone else changed the same instance or task first; nothing was stored."""


class MigrationRefused(ConflictError):
    """An instance cannot move to the version asked for; ``problems`` say why, each in
    Chinese naming the element. Nothing was changed."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("不能迁移该流程实例：" + "；".join(self.problems))


class PermissionDenied(EngineError):
    """The actor may not see or act on this task."""


class FormInvalid(EngineError):
    """Submitted form data does not satisfy the task's JSON Schema.

    ``errors`` maps a field path (``"phone"``, ``"parties/0/name"``, ``""`` for the
    whole form) to the messages for that field.
    """

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        summary = "; ".join(f"{k or '表单'}: {', '.join(v)}" for k, v in errors.items())
        super().__init__(f"表单填写有误：{summary}")


class StepFailed(EngineError):
    """A script, condition, timer or service call failed while the engine advanced.

    The step was rolled back; ``element`` names the BPMN element that failed.
    """

    def __init__(self, element: str | None, message: str, instance_id: int | None = None):
        self.element = element
        self.message = message
        self.instance_id = instance_id
        super().__init__(f"流程步骤失败 [{element or '?'}]: {message}")
