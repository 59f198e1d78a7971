"""试运行: a designer starts a trial of a draft (or a deployed version) and steps through it.

Trials live in their own table: they are never counted, listed with real work, recorded in
the history, nor do they call outside systems (``engine.trial``). A trial is its creator's;
another designer's trial id answers 404.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.routing import BuildError

from engine import ConflictError, FormInvalid, StepFailed
from engine import trial as trials
from processes.deadlines import local
from processes.trial_samples import trial_start_data

from .. import schema_form
from ..cases.diagram import diagram_payload
from ..engine_binding import current_engine
from ..security import DESIGN_ROLES, current_actor, roles_required
from ..validation import parse_int
from . import trial_page
from .blueprint import bp
from .drafts import files_with, kind_of
from .trial_forms import json_object, sample_answers


@bp.get("/trials")
@roles_required(DESIGN_ROLES)
def trial_index():
    engine = current_engine()
    version_id, processes = trials.startable_processes(engine)
    return render_template(
        "designer/trials.html",
        trials=trials.trials_of(engine, current_actor().user),
        version_id=version_id,
        processes=processes,
        library_url=_maybe_url("designer.index"),
        local_time=trial_page.local_time,
        status_labels=trial_page.STATUS_LABELS,
    )


@bp.post("/trials")
@roles_required(DESIGN_ROLES)
def trial_start():
    """From the modeler: ``file_name`` + ``xml`` (+ ``process_id``, ``base_version_id``);
    from a version: ``version_id`` + ``process_id``. ``start_data`` (JSON) is optional."""
    form = request.form
    try:
        data = json_object(form.get("start_data"), "起始数据") or trial_start_data
        files, source, prefer_file, base = _set_to_try(form)
        lane_map = _lane_map(form, base)
    except ValueError as error:
        flash(f"未能开始试运行：{error}", "error")
        return redirect(url_for("designer.trial_index"))
    try:
        trial_id = trials.start_trial(
            current_engine(),
            files,
            actor=current_actor(),
            data=data,
            source=source,
            process_id=form.get("process_id") or None,
            prefer_file=prefer_file,
            base_version_id=base,
            lane_map=lane_map,
        )
    except trials.TrialRefused as refused:
        back = _maybe_url("designer.edit", name=prefer_file) if prefer_file else None
        page = render_template("designer/trial_refused.html", refused=refused, back=back)
        return page, 422
    return redirect(url_for("designer.trial", trial_id=trial_id), code=303)


def _set_to_try(form: MultiDict) -> tuple[list, str, str | None, int | None]:
    """The files, a description of where they came from, the edited file, the base version."""
    engine = current_engine()
    if form.get("xml"):
        name = (form.get("file_name") or "").strip()
        if kind_of(name) != "bpmn":
            raise ValueError("草稿须为 .bpmn 或 .bpmn20.xml 文件")
        base = _int(form.get("base_version_id")) or engine.latest_version_id()
        files = files_with(engine, {name: form["xml"].encode()}, base_version_id=base)
        based = f"（基于版本 {base}）" if base else ""
        return files, f"草稿 {name}{based}", name, base
    version_id = _int(form.get("version_id"))
    if version_id is None:
        raise ValueError("请选择要试运行的流程")
    return engine.version_files(version_id), f"版本 {version_id}", None, version_id


def _lane_map(form: MultiDict, base: int | None) -> dict[str, str]:
    """A draft's lane map as the modeler's dialog gives it (JSON), else the base version's."""
    if form.get("lane_map"):
        return {str(k): str(v) for k, v in json_object(form["lane_map"], "泳道映射").items()}
    return current_engine().lane_map(base) if base else {}


def _int(text: str | None) -> int | None:
    return parse_int(text)


@bp.get("/trials/<int:trial_id>")
@roles_required(DESIGN_ROLES)
def trial(trial_id: int):
    view = _view(trial_id)
    chosen = trial_page.chosen_task(view, request.args.get("task"))
    form = None
    if chosen is not None and chosen.schema and request.args.get("sample"):
        answers = sample_answers(chosen.schema, local(view.clock_at))
        form = schema_form.form_values(chosen.schema, answers)
    return _page(view, chosen, form, {})


@bp.get("/trials/<int:trial_id>/diagram")
@roles_required(DESIGN_ROLES)
def trial_diagram(trial_id: int):
    marks = trials.trial_trail(current_engine(), trial_id, user=current_actor().user)
    return jsonify(diagram_payload(marks))


@bp.post("/trials/<int:trial_id>/tasks/<task_id>")
@roles_required(DESIGN_ROLES)
def trial_complete(trial_id: int, task_id: str):
    view = _view(trial_id)
    task = next((t for t in view.tasks if t.id == task_id), None)
    if task is None:
        flash("该任务已不在待办中。", "error")
        return _back(trial_id)
    schema = task.schema or {}
    parsed = schema_form.parse(schema, request.form)
    errors = trial_page.with_schema_errors(schema, parsed)
    if not errors:
        try:
            trials.complete_trial_task(
                current_engine(), trial_id, task_id, parsed.data, actor=current_actor()
            )
        except FormInvalid as invalid:
            errors = invalid.errors
        except (StepFailed, ConflictError) as error:
            return _failed(trial_id, error)
    if errors:
        return _page(view, task, request.form, errors), 422
    flash(f"已完成任务「{task.name}」。", "info")
    return _back(trial_id)


@bp.post("/trials/<int:trial_id>/timers/<timer_id>")
@roles_required(DESIGN_ROLES)
def trial_fire_timer(trial_id: int, timer_id: str):
    try:
        trials.fire_trial_timer(current_engine(), trial_id, timer_id, actor=current_actor())
    except (StepFailed, ConflictError) as error:
        return _failed(trial_id, error)
    flash("已快进到定时器到期，到期的定时器已触发。", "info")
    return _back(trial_id)


@bp.post("/trials/<int:trial_id>/messages")
@roles_required(DESIGN_ROLES)
def trial_send_message(trial_id: int):
    name = (request.form.get("name") or "").strip()
    try:
        payload = json_object(request.form.get("payload"), "消息内容")
        trials.send_trial_message(current_engine(), trial_id, name, payload, actor=current_actor())
    except ValueError as error:
        flash(f"消息未发送：{error}", "error")
        return _back(trial_id)
    except (StepFailed, ConflictError) as error:
        return _failed(trial_id, error)
    flash(f"已发送消息「{name}」。", "info")
    return _back(trial_id)


@bp.post("/trials/<int:trial_id>/signals")
@roles_required(DESIGN_ROLES)
def trial_send_signal(trial_id: int):
    name = (request.form.get("name") or "").strip()
    try:
        trials.send_trial_signal(current_engine(), trial_id, name, actor=current_actor())
    except (StepFailed, ConflictError) as error:
        return _failed(trial_id, error)
    flash(f"已广播信号「{name}」。", "info")
    return _back(trial_id)


@bp.post("/trials/<int:trial_id>/restart")
@roles_required(DESIGN_ROLES)
def trial_restart(trial_id: int):
    try:
        data = json_object(request.form.get("start_data"), "起始数据")
    except ValueError as error:
        flash(f"未重新开始：{error}", "error")
        return _back(trial_id)
    trials.restart_trial(current_engine(), trial_id, actor=current_actor(), data=data or None)
    flash("已重新开始试运行。", "info")
    return _back(trial_id)


@bp.post("/trials/<int:trial_id>/delete")
@roles_required(DESIGN_ROLES)
def trial_delete(trial_id: int):
    trials.delete_trial(current_engine(), trial_id, actor=current_actor())
    flash(f"已删除试运行 #{trial_id}。", "info")
    return redirect(url_for("designer.trial_index"), code=303)


# -- helpers ---------------------------------------------------------------------------------


def _view(trial_id: int) -> trials.TrialView:
    return trials.trial_view(current_engine(), trial_id, user=current_actor().user)


def _page(view: trials.TrialView, task, form: MultiDict | None, errors: dict[str, Any]):
    return render_template(
        "designer/trial.html",
        page=trial_page.build(view, task, form, errors),
        local_time=trial_page.local_time,
    )


def _failed(trial_id: int, error: Exception):
    if isinstance(error, StepFailed):
        where = f"（元素 {error.element}）" if error.element else ""
        flash(f"这一步未能执行{where}：{error.message}。试运行保持原状，详见运行记录。", "error")
    else:
        flash(f"未执行：{error}", "error")
    return _back(trial_id)


def _back(trial_id: int):
    return redirect(url_for("designer.trial", trial_id=trial_id), code=303)


def _maybe_url(endpoint: str, **values: Any) -> str | None:
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:  # a route whose parameters differ: no link rather than an error
        return None
