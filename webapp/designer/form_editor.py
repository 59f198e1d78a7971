"""Task forms: edit a form's JSON Schema with a live preview of the form caseworkers get,
check it, and deploy the latest set with it replaced.

The preview is rendered by the same ``schema_form`` code and macros as the task page. A
form whose text is not a valid JSON Schema is refused before the engine is asked, so a
broken schema never deploys.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from engine import DeployRejected, Problem

from .. import schema_form
from ..engine_binding import current_engine
from ..security import DESIGN_ROLES, roles_required
from .blueprint import bp
from .editing import (
    check_draft,
    deploy_draft,
    deployed_message,
    errors_of,
    latest_file,
    note_problem,
)
from .form_checks import FormCheck, FormIssue, check_form_text


@bp.route("/forms/<path:key>/edit", methods=["GET", "POST"])
@roles_required(DESIGN_ROLES)
def form_edit(key: str):
    edited = latest_file(current_engine(), key, "form")
    if request.method == "GET":
        return _page(key, edited.version_id, edited.text)
    text = request.form.get("text", "")
    note = request.form.get("note", "").strip()
    check = check_form_text(text)
    if not check.ok:
        return _page(key, edited.version_id, text, note=note, check=check), 422
    content = text.encode("utf-8")
    if request.form.get("action") != "deploy":
        problems = check_draft(current_engine(), key, content)
        return _page(key, edited.version_id, text, note=note, check=check, problems=problems)
    if (why := note_problem(note)) is not None:
        return _page(key, edited.version_id, text, note=note, check=check, note_error=why), 422
    try:
        result = deploy_draft(
            current_engine(), key, content, actor=current_user.username, note=note
        )
    except DeployRejected as rejected:
        problems = rejected.problems
        return _page(key, edited.version_id, text, note=note, check=check, problems=problems), 422
    flash(deployed_message(result), "info")
    return redirect(url_for("designer.version", version_id=result.version_id))


@bp.route("/forms/preview", methods=["POST"])
@roles_required(DESIGN_ROLES)
def form_preview():
    """The form as caseworkers would see it, and what is wrong with the text (HTML)."""
    check = check_form_text(request.form.get("text", ""))
    return render_template("designer/form_preview.html", **_preview(check))


def _preview(check: FormCheck) -> dict[str, Any]:
    issues = list(check.issues)
    fields = None
    if check.schema is not None:
        try:
            fields = schema_form.build_fields(check.schema, schema_form.form_values(check.schema))
        except (TypeError, ValueError, AttributeError, KeyError) as error:
            issues.append(FormIssue(f"表单无法显示：{error}"))
    return {"schema": check.schema or {}, "fields": fields, "issues": issues}


def _page(
    key: str,
    version_id: int,
    text: str,
    *,
    note: str = "",
    check: FormCheck | None = None,
    problems: list[Problem] | None = None,
    note_error: str | None = None,
):
    check = check or check_form_text(text)
    return render_template(
        "designer/form.html",
        key=key,
        version_id=version_id,
        text=text,
        line_count=text.count("\n") + 1,
        note=note,
        note_error=note_error,
        problems=problems,
        blocking=errors_of(problems or []),
        checked=problems is not None,
        **_preview(check),
    )
