"""Routes of the tasks blueprint; every route states its roles (``webapp.security``)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from engine import (
    ConflictError,
    FormInvalid,
    PermissionDenied,
    StepFailed,
    TaskStatus,
    TaskView,
)
from engine.db import db
from processes import task_forms, triage_preview
from processes.models import Case

from .. import named, pickers, schema_form
from ..attachments import task_files
from ..attachments.uploads import accepts_files
from ..engine_binding import current_engine
from ..security import CASEWORKERS, SUPERVISION_ROLES, current_actor, roles_required
from ..validation import page_number
from . import assigning, detail, handon, phone, previous, service
from .context import (
    RISK_CHOICES,
    current_clock,
    current_viewer,
    due_of,
    filter_args,
    local_time,
    parse_filters,
    task_due,
)
from .filters import Viewer

bp = Blueprint("tasks", __name__, url_prefix="/tasks")
MAX_PAGE = 100_000


@bp.get("/")
@roles_required(CASEWORKERS)
def index():
    filters = parse_filters(request.args)
    number = request.args.get("page", "1")
    page = service.work_list(
        db.session,
        viewer=current_viewer(),
        filters=filters,
        clock=current_clock(),
        page=page_number(number, maximum=MAX_PAGE),
        per_page=service.PER_PAGE,
        after=request.args.get("after"),
        before=request.args.get("before"),
    )
    return render_template(
        "tasks/index.html",
        page=page,
        filters=filters,
        risk_choices=RISK_CHOICES,
        args=filter_args(filters),
        task_due=task_due,
        case_links="cases.show" in current_app.view_functions,
        stand_in_link=url_for("settings.stand_in")
        if "settings.stand_in" in current_app.view_functions
        else None,
        standing_in=sorted(current_viewer().stands_in_for),
    )


@bp.post("/<task_id>/claim")
@roles_required(CASEWORKERS)
def claim(task_id: str):
    task, _case = _visible(task_id, for_action=True)
    try:
        current_engine().claim(task_id, actor=current_actor())
        flash(f"已认领：{task.name}。其他人将不能再办理此任务。", "info")
    except (ConflictError, PermissionDenied) as error:
        flash(f"认领未成功：{error}", "error")
    return redirect(_back())


@bp.post("/<task_id>/unclaim")
@roles_required(CASEWORKERS)
def unclaim(task_id: str):
    task, _case = _visible(task_id, for_action=True)
    try:
        current_engine().unclaim(task_id, actor=current_actor())
        flash(f"已退回：{task.name}。任务重新对同角色的人员开放。", "info")
    except (ConflictError, PermissionDenied) as error:
        flash(f"退回未成功：{error}", "error")
    return redirect(_back())


@bp.route("/<task_id>", methods=["GET", "POST"])
@roles_required(CASEWORKERS)
@accepts_files
def show(task_id: str):
    task, case = _visible(task_id)
    viewer = current_viewer()
    if task.status != TaskStatus.READY:
        return _finished(task, viewer, case)
    access = _access(task, case)
    schema = current_engine().form_schema(task_id) or {}
    if request.method == "POST":
        return _submit(task, schema, access)
    return _page(task, schema, _blank_form(task, schema), {}, access)


@bp.post("/<task_id>/phone")
@roles_required(CASEWORKERS)
def reveal_phone(task_id: str):
    """显示完整号码 on a task whose holder must call a party: logged as on the case page."""
    task, case = _visible(task_id)
    if case is None or task.status != TaskStatus.READY or not phone.calling(task):
        abort(403)  # no open calling task: nothing to reveal, whoever asks
    access = _access(task, case)  # someone else's: 404; another lane's: 403
    if not phone.may_reveal(task, case, access):
        abort(403)
    phone.record(db.session, current_engine(), case, task, user=current_viewer().username)
    db.session.commit()
    schema = current_engine().form_schema(task_id) or {}
    return _page(task, schema, _blank_form(task, schema), {}, access, revealed=True)


@bp.post("/<task_id>/assign")
@roles_required(SUPERVISION_ROLES)
def assign(task_id: str):
    """改派: a supervisor in scope hands the task to a named person of its lane."""
    task, case = _visible(task_id, for_action=True)
    viewer = current_viewer()
    if task.status != TaskStatus.READY or not detail.supervises(viewer, case):
        abort(404)
    to_user, reason = request.form.get("to_user", ""), request.form.get("reason", "").strip()
    problem = assigning.problem(db.session, task, case, to_user=to_user, reason=reason)
    if problem is None:
        try:
            current_engine().assign(
                task_id,
                to_user=to_user,
                actor=current_actor(),
                reason=reason,
                on_behalf=task.assignee != viewer.username,
            )
        except (ConflictError, PermissionDenied, ValueError) as error:
            problem = str(error)
    if problem is not None:
        flash(f"改派未成功：{problem}", "error")
        return redirect(url_for("tasks.show", task_id=task_id))
    who = detail.display_name(db.session, to_user)
    flash(f"已改派：{task.name} 交由 {who} 办理。", "info")
    return redirect(url_for("tasks.show", task_id=task_id))


# -- helpers ---------------------------------------------------------------------------------


def _visible(task_id: str, *, for_action: bool = False) -> tuple[TaskView, Case | None]:
    """The task and its case; 404 when either does not exist for the user's regions (a
    case-less alert task: its alert's region). ``for_action``: also 404 for a ready task
    that is someone else's (claim, hand back, reassign must not reveal it)."""
    task = current_engine().task(task_id)
    case = detail.case_of(db.session, task.instance_id)
    alert = detail.alert_of(db.session, task.instance_id) if case is None else None
    if not detail.in_scope(current_viewer(), case, alert):
        abort(404)
    if for_action and task.status == TaskStatus.READY:
        _access(task, case, refuse=False)
    return task, case


def _access(task: TaskView, case: Case | None, *, refuse: bool = True) -> detail.Access:
    """What the user may do with the ready task; 404 for someone else's, 403 (``refuse``)
    for a task open to another lane."""
    viewer = current_viewer()
    try:
        offered = current_engine().offered(task.id, actor=current_actor())
    except ConflictError:  # finished meanwhile: the page says so
        offered = False
    found = detail.access(db.session, viewer, task, case, offered=offered)
    if found == detail.Access.HIDDEN:
        abort(404)
    if found == detail.Access.REFUSED and refuse:
        abort(403)
    return found


def _finished(task: TaskView, viewer: Viewer, case: Case | None):
    if not detail.may_see_outcome(viewer, task, case):
        abort(404 if task.assignee is not None or not task.open_to_lane else 403)
    message = _finished_message(task, viewer)
    if request.method == "POST":
        flash(f"{message}本次提交未保存。", "error")
        return redirect(url_for("tasks.index"))
    return render_template("tasks/finished.html", task=task, message=message)


def _finished_message(task: TaskView, viewer: Viewer) -> str:
    if task.status == TaskStatus.COMPLETED and task.completed_by == viewer.username:
        return f"您已于 {local_time(task.completed_at)} 提交过任务「{task.name}」。"
    if task.status == TaskStatus.COMPLETED:
        who = detail.display_name(db.session, task.completed_by)
        return f"任务「{task.name}」已由 {who} 于 {local_time(task.completed_at)} 完成。"
    return f"任务「{task.name}」已取消（流程已转向或案件已撤销），无需再办理。"


def _submit(task: TaskView, schema: dict, access: detail.Access):
    parsed, uploads = task_files.with_uploads(schema, schema_form.parse(schema, request.form))
    if parsed.errors:
        errors = _with_schema_errors(schema, parsed)
    else:
        errors = _rule_errors(task, schema, parsed.data)
    errors = _picker_errors(task, schema, parsed.data, errors)
    if errors:
        return _page(task, schema, request.form, errors, access), 422
    case = detail.case_of(db.session, task.instance_id)
    data, errors = task_files.attach(case, task.id, parsed.data, uploads)
    if errors:
        return _page(task, schema, request.form, errors, access), 422
    before = handon.before_submit(db.session, task.instance_id)
    try:
        current_engine().complete(task.id, data, actor=current_actor(), on_behalf=access.on_behalf)
    except FormInvalid as invalid:
        return _page(task, schema, request.form, invalid.errors, access), 422
    except StepFailed as failed:
        message = f"提交未保存：流程执行出错（{failed.message}），请稍后重试或联系流程管理员。"
        return _page(task, schema, request.form, {"": [message]}, access), 500
    except ConflictError as conflict:
        flash(f"提交未保存：{conflict}", "error")
        return redirect(url_for("tasks.index"))
    return _landing(task, before)


def _landing(task: TaskView, before: handon.Before):
    """After a submit: say where the case went (``handon``); open the next task of the case
    only when it is really the user's."""
    now = current_engine().clock.now()
    landing = handon.after_submit(
        db.session, viewer=current_viewer(), task=task, before=before, now=now
    )
    flash(handon.message(landing), "info")
    if landing.next_task is not None:
        return redirect(url_for("tasks.show", task_id=landing.next_task))
    return redirect(url_for("tasks.index"))


def _blank_form(task: TaskView, schema: dict) -> MultiDict:
    """The form as first shown: what the admins' rules prefill, else empty."""
    shown = (
        task_forms.prefill(task.form_key, _data(task))
        if task_forms.has_rules(task.form_key)
        else {}
    )
    return schema_form.form_values(schema, shown)


def _data(task: TaskView) -> dict:
    return current_engine().task_instructions(task.id)[1]


def _rule_errors(task: TaskView, schema: dict, data: dict) -> dict[str, list[str]]:
    """What the admins' rules and the calendar say of the form (``processes.task_forms``),
    with what the schema says of the other fields."""
    if not task_forms.has_rules(task.form_key):
        return {}
    now = current_engine().clock.now()
    ruled = task_forms.check(db.session, task.form_key, data=_data(task), form=data, now=now)
    return {**schema_form.schema_errors(schema, data), **ruled} if ruled else {}


def _picker_errors(
    task: TaskView, schema: dict, data: dict, errors: dict[str, list[str]]
) -> dict[str, list[str]]:
    """``errors`` with what is wrong with the people and units picked (``webapp.pickers``)."""
    if not pickers.picker_props(schema):
        return errors
    case = detail.case_of(db.session, task.instance_id)
    picked = pickers.errors(schema, data, pickers.options(db.session, schema, case))
    if not picked:
        return errors
    return {**(errors or schema_form.schema_errors(schema, data)), **picked}


def _with_schema_errors(schema: dict, parsed: schema_form.Parsed) -> dict[str, list[str]]:
    """The conversion errors plus what the schema says of the other fields, all at once."""
    others = schema_form.schema_errors(schema, parsed.data)
    merged = {k: v for k, v in others.items() if schema_form.field_name(k) not in parsed.errors}
    return {**merged, **parsed.errors}


def _page(
    task: TaskView,
    schema: dict,
    form: MultiDict,
    errors: dict[str, list[str]],
    access: detail.Access,
    *,
    revealed: bool = False,
):
    case = detail.case_of(db.session, task.instance_id)
    alert = detail.alert_of(db.session, task.instance_id) if case is None else None
    template, data = current_engine().task_instructions(task.id)
    return render_template(
        "tasks/show.html",
        task=task,
        access=access,
        holder=assigning.holder_of(db.session, task),
        reassign=assigning.choices(db.session, task, case)
        if detail.supervises(current_viewer(), case)
        else None,
        schema=schema,
        fields=schema_form.build_fields(
            schema, form, errors, pickers.options(db.session, schema, case)
        ),
        form_errors=errors.get("", []),
        error_count=sum(len(v) for v in errors.values()),
        case=detail.summary_of(db.session, case) if case is not None else None,
        alert=detail.alert_summary(db.session, alert) if alert is not None else None,
        report_links="reports.snapshot" in current_app.view_functions,
        instructions=detail.render_instructions(template, named.readable(db.session, data)),
        route_hints=triage_preview.route_hints(current_engine(), task.form_key, data),
        claimer=detail.display_name(db.session, task.assignee),
        task_due=task_due,
        case_due=due_of,
        case_links="cases.show" in current_app.view_functions,
        **_side_panels(task, case, access, revealed=revealed),
    )


def _side_panels(
    task: TaskView, case: Case | None, access: detail.Access, *, revealed: bool
) -> dict:
    """What the holder before wrote (前一环节), and the parties' phones for a calling task."""
    if case is None:
        return {"previous": None, "may_reveal": False, "full_phones": None}
    may_reveal = phone.may_reveal(task, case, access)
    return {
        "previous": previous.previous_panel(db.session, current_engine(), task, case),
        "may_reveal": may_reveal,
        "full_phones": phone.full_phones(case) if revealed and may_reveal else None,
    }


def _back() -> str:
    """Where a claim or unclaim returns: the work list page it came from."""
    target = request.form.get("next", "")
    if target.startswith("/tasks") and not target.startswith("//"):
        return target
    return url_for("tasks.index")
