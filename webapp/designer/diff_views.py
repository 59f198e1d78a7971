"""比较版本: what changed between two versions, file by file and element by element,
marked on the diagrams (the new one: added green, changed amber; the old one: removed red)
and listed with the engine's Chinese description of each change."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request

from ..engine_binding import current_engine
from ..security import DESIGN_ROLES, roles_required
from ..validation import parse_int
from .blueprint import bp
from .library import file_url

KIND_ORDER = {"bpmn": 0, "dmn": 1, "form": 2}
NEW_MARKERS = {"added": "dz-added", "changed": "dz-changed"}
OLD_MARKERS = {"removed": "dz-removed"}


def _version_arg(name: str) -> int:
    raw = (request.args.get(name) or "").strip()
    number = parse_int(raw)
    if number is None:
        abort(400)
    return number


@bp.route("/diff")
@roles_required(DESIGN_ROLES)
def diff():
    old_id, new_id = _version_arg("old"), _version_arg("new")
    engine = current_engine()
    result = engine.diff_versions(old_id, new_id)
    summaries = {v.id: v for v in engine.versions()}
    focus = request.args.get("file", "")
    return render_template(
        "designer/diff.html",
        diff=result,
        old=summaries[old_id],
        new=summaries[new_id],
        files=sorted(result.files, key=lambda f: (f.name != focus, KIND_ORDER[f.kind], f.name)),
        focus=focus,
        new_diagrams=_diagrams(result, new_id, NEW_MARKERS, "removed"),
        old_diagrams=_diagrams(result, old_id, OLD_MARKERS, "added"),
    )


def _diagrams(
    result: Any, version_id: int, markers: dict[str, str], absent: str
) -> list[dict[str, Any]]:
    """One tab per BPMN file that changed and exists in ``version_id``."""
    tabs = []
    for change in result.files:
        if change.kind != "bpmn" or change.change == absent:
            continue
        url = file_url(version_id, change.name)
        if url is None:
            continue
        marked: dict[str, list[str]] = {css: [] for css in markers.values()}
        for element in change.elements:
            if element.change in markers:
                marked[markers[element.change]].append(element.element_id)
        tabs.append({"name": change.name, "label": change.name, "url": url, "markers": marked})
    return tabs
