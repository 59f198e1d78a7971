"""Decision tables: edit a DMN file of the latest version in the browser (the vendored
dmn-js modeler), check it, and deploy the latest set with it replaced.

The page posts the XML dmn-js saves; the engine checks it as a deploy would (safe XML,
parse, every expression through the sandbox) and nothing is stored unless it passes.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from engine import DeployRejected, Problem

from ..engine_binding import current_engine
from ..headers import allow_style_elements
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


@bp.route("/dmn/<name>/edit", methods=["GET", "POST"])
@roles_required(DESIGN_ROLES)
@allow_style_elements
def dmn_edit(name: str):
    edited = latest_file(current_engine(), name, "dmn")
    if request.method == "GET":
        return _page(name, edited.version_id, edited.text)
    xml = request.form.get("xml", "")
    note = request.form.get("note", "").strip()
    if not xml.strip():
        problem = Problem(name, None, "没有收到决策表内容，请重新打开本页再试。")
        return _page(name, edited.version_id, edited.text, note=note, problems=[problem]), 422
    content = xml.encode("utf-8")
    if request.form.get("action") != "deploy":
        problems = check_draft(current_engine(), name, content)
        return _page(name, edited.version_id, xml, note=note, problems=problems)
    if (why := note_problem(note)) is not None:
        return _page(name, edited.version_id, xml, note=note, note_error=why), 422
    try:
        result = deploy_draft(
            current_engine(), name, content, actor=current_user.username, note=note
        )
    except DeployRejected as rejected:
        return _page(name, edited.version_id, xml, note=note, problems=rejected.problems), 422
    flash(deployed_message(result), "info")
    return redirect(url_for("designer.version", version_id=result.version_id))


def _page(
    name: str,
    version_id: int,
    xml: str,
    *,
    note: str = "",
    problems: list[Problem] | None = None,
    note_error: str | None = None,
):
    return render_template(
        "designer/dmn.html",
        name=name,
        version_id=version_id,
        xml=xml,
        note=note,
        note_error=note_error,
        problems=problems,
        blocking=errors_of(problems or []),
        checked=problems is not None,
    )
