"""流程库: every process with its deployed versions, and one version's page (files,
processes, instance counts, deploy note, diagrams)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, current_app, render_template, request, url_for
from werkzeug.routing import BuildError

from processes.deadlines import local

from ..engine_binding import current_engine
from ..security import DESIGN_ROLES, roles_required
from . import catalog
from .blueprint import bp

KIND_LABELS = {"bpmn": "流程图", "dmn": "决策表", "form": "表单"}
EDITORS = {
    "bpmn": ("designer.edit", "name"),
    "dmn": ("designer.dmn_edit", "name"),
    "form": ("designer.form_edit", "key"),
}


def local_time(moment: datetime | None) -> str:
    return f"{local(moment):%Y-%m-%d %H:%M}" if moment else ""


def maybe_url(endpoint: str, **values: Any) -> str | None:
    """The URL of ``endpoint``, or None while that page does not exist (yet)."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def file_url(version_id: int, name: str) -> str | None:
    """The raw file of a version (the download route)."""
    return maybe_url("designer.version_file", version_id=version_id, name=name)


def edit_url(kind: str, name: str) -> str | None:
    """The editor of a file of the latest version."""
    endpoint, argument = EDITORS[kind]
    return maybe_url(endpoint, **{argument: name})


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "local_time": local_time,
        "maybe_url": maybe_url,
        "file_url": file_url,
        "edit_url": edit_url,
        "kind_labels": KIND_LABELS,
    }


@bp.route("/")
@roles_required(DESIGN_ROLES)
def index():
    return render_template("designer/index.html", library=catalog.library(current_engine()))


@bp.route("/versions/<int:version_id>")
@roles_required(DESIGN_ROLES)
def version(version_id: int):
    page = catalog.version_page(current_engine(), version_id)
    if page is None:
        abort(404)
    diagrams = [
        {"name": f.name, "label": f.name, "url": url, "markers": {}}
        for f in page.files
        if f.kind == "bpmn" and (url := file_url(version_id, f.name))
    ]
    return render_template(
        "designer/version.html",
        page=page,
        diagrams=diagrams,
        selected=request.args.get("file", ""),
    )
