"""迁移: move running cases from older versions of a process to a newer one.

The page lists the running instances on older versions with their case code and waiting
tasks, and whether each may migrate (the engine's dry run) and why not. The designer picks
some and gives a reason; each instance migrates in its own unit of work, so one refusal
leaves the others' migrations in place, and each outcome is reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template, request

from engine import EngineError

from ..engine_binding import current_engine
from ..security import DESIGN_ROLES, current_actor, roles_required
from ..validation import int_set, parse_int
from .blueprint import bp
from .migration_candidates import candidates

REASON_MAX = 500


@dataclass(frozen=True)
class Outcome:
    instance_id: int
    case_code: str | None
    migrated: bool
    message: str


def _version_arg(name: str) -> int | None:
    raw = (request.values.get(name) or "").strip()
    if not raw:
        return None
    number = parse_int(raw)
    if number is None:
        abort(400)
    return number


def _target() -> int:
    engine = current_engine()
    target = _version_arg("to") or engine.latest_version_id()
    if target is None or all(v.id != target for v in engine.versions()):
        abort(404)
    return target


@bp.route("/migrate", methods=["GET", "POST"])
@roles_required(DESIGN_ROLES)
def migrate():
    target, source = _target(), _version_arg("from")
    if request.method == "GET":
        return _page(target, source)
    reason = request.form.get("reason", "").strip()
    chosen = sorted(int_set(",".join(request.form.getlist("instance"))))
    error = _input_error(reason, chosen)
    if error:
        return _page(target, source, reason=reason, chosen=chosen, error=error), 422
    codes = {row.instance_id: row.case_code for row in candidates(current_engine(), target).rows}
    outcomes = [_migrate_one(iid, target, reason, codes.get(iid)) for iid in chosen]
    return _page(target, source, outcomes=outcomes)


def _input_error(reason: str, chosen: list[int]) -> str | None:
    if not chosen:
        return "请至少勾选一件可迁移的案件。"
    if not reason:
        return "请填写迁移原因（将记入每件案件的历史）。"
    if len(reason) > REASON_MAX:
        return f"迁移原因最多 {REASON_MAX} 字。"
    return None


def _migrate_one(instance_id: int, target: int, reason: str, code: str | None) -> Outcome:
    try:
        current_engine().migrate(
            instance_id, to_version_id=target, actor=current_actor(), reason=reason
        )
    except EngineError as refused:
        return Outcome(instance_id, code, False, str(refused))
    return Outcome(instance_id, code, True, f"已迁移到版本 #{target}")


def _page(
    target: int,
    source: int | None,
    *,
    reason: str = "",
    chosen: list[int] | None = None,
    error: str | None = None,
    outcomes: list[Outcome] | None = None,
):
    return render_template(
        "designer/migrate.html",
        target=target,
        source=source,
        found=candidates(current_engine(), target, from_version_id=source),
        reason=reason,
        chosen=set(chosen or []),
        error=error,
        outcomes=outcomes or [],
    )
