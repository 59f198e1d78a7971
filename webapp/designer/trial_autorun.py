"""自动运行到结束: the trial page's button that runs a trial by itself to its end (forms
filled with the sample answers 用示例值填写 gives, timers fast-forwarded, messages
delivered) and says where and why it stopped when it cannot (``engine.trial.autorun``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import flash, redirect, url_for

from engine import trial as trials
from processes.deadlines import local

from ..engine_binding import current_engine
from ..security import DESIGN_ROLES, current_actor, roles_required
from .blueprint import bp
from .trial_forms import sample_answers


def _answers(schema: Mapping[str, Any] | None, now: datetime) -> dict[str, Any]:
    return sample_answers(schema, local(now)) if schema else {}


@bp.post("/trials/<int:trial_id>/autorun")
@roles_required(DESIGN_ROLES)
def trial_autorun(trial_id: int):
    result = trials.run_to_end(current_engine(), trial_id, actor=current_actor(), answers=_answers)
    if result.finished:
        flash(f"自动运行完成：走了 {result.steps} 步，{result.reason}。", "info")
    else:
        flash(f"自动运行在 {result.steps} 步后停下：{result.reason}。", "error")
    return redirect(url_for("designer.trial", trial_id=trial_id), code=303)
