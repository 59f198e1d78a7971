"""The in-browser modeler: open a version's .bpmn file, validate and deploy an edited copy,
download any stored file.

Edits are whole files posted as JSON (``{"xml": ..., "base_version_id": N, "note": ...}``);
the draft set is the latest version's files with the posted file swapped in or added, so
the browser and ``zongzhi deploy`` run the same checks through ``engine.deploy_set``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath
from typing import Any

from flask import abort, current_app, jsonify, render_template, request, send_file, url_for
from flask_login import current_user

from engine import DeployRejected, Engine, NotFound, Problem, SourceFile

from ..engine_binding import current_engine
from ..security import DESIGN_ROLES, roles_required
from ..validation import parse_int
from .blueprint import bp
from .drafts import deploy_files, kind_of, lanes_to_map, validate_files
from .modeler_context import lane_roles, panel_config

FILE_NAME = re.compile(r"^[\w\-. ]{1,120}\.(bpmn|bpmn20\.xml)$")
"""A diagram file name a designer may give: no folders, ends .bpmn (or .bpmn20.xml)."""
MAX_XML_BYTES = 4 * 1024 * 1024
MIMETYPES = {"bpmn": "application/xml", "dmn": "application/xml", "form": "application/json"}


class BadDraft(ValueError):
    """The posted draft cannot be checked at all (no XML, wrong file name, no note)."""


@dataclass(frozen=True)
class Draft:
    name: str
    xml: bytes
    base_version_id: int | None
    note: str
    force: bool
    lane_map: dict[str, str]
    """The 泳道映射 dialog's choices: a lane (``"*"``: tasks in no lane) → a role."""


def _version_files(engine: Engine, version_id: int) -> list[SourceFile]:
    try:
        return engine.version_files(version_id)
    except NotFound:
        abort(404)


def _problem_json(problem: Problem) -> dict[str, Any]:
    return {
        "file": problem.file,
        "element": problem.element,
        "message": problem.message,
        "severity": problem.severity,
        "code": problem.code,
    }


def _read_draft(name: str, *, note_required: bool = False) -> Draft:
    if not FILE_NAME.match(name) or kind_of(name) != "bpmn":
        raise BadDraft(
            f"文件名 {name} 不合法：只能用字母、数字、汉字、下划线、连字符和点，"
            "以 .bpmn 或 .bpmn20.xml 结尾"
        )
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("xml"), str):
        raise BadDraft("请求中没有流程图 XML")
    xml = payload["xml"].encode("utf-8")
    if not xml.strip():
        raise BadDraft("流程图内容为空")
    if len(xml) > MAX_XML_BYTES:
        raise BadDraft("流程图文件过大（超过 4 MB）")
    note = str(payload.get("note") or "").strip()
    if note_required and not note:
        raise BadDraft("请填写修改说明：为什么改、改了什么")
    base = payload.get("base_version_id")
    return Draft(
        name=name,
        xml=xml,
        base_version_id=base if isinstance(base, int) and not isinstance(base, bool) else None,
        note=note,
        force=payload.get("force") is True,
        lane_map=_lane_map(payload.get("lane_map")),
    )


def _lane_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k)[:120]: v[:120] for k, v in list(value.items())[:100] if isinstance(v, str) and v}


def _bad(error: BadDraft):
    return jsonify(ok=False, message=str(error), problems=[]), 400


def _file_content(engine: Engine, version_id: int, name: str) -> bytes | None:
    return next((f.content for f in engine.version_files(version_id) if f.name == name), None)


def _changed_since_base(engine: Engine, draft: Draft) -> int | None:
    """The latest version, when it changed this file after the version the draft started
    from (someone else deployed an edit meanwhile); otherwise None."""
    latest = engine.latest_version_id()
    base = draft.base_version_id
    if base is None or latest is None or latest == base:
        return None
    try:
        changed = _file_content(engine, latest, draft.name) != _file_content(
            engine, base, draft.name
        )
    except NotFound:
        return None
    return latest if changed else None


@bp.get("/files/<name>/edit")
@roles_required(DESIGN_ROLES)
def edit(name: str):
    engine = current_engine()
    latest = engine.latest_version_id()
    version_id = parse_int(request.args.get("version"), minimum=1) or latest
    if version_id is None:
        abort(404)
    files = _version_files(engine, version_id)
    if not any(f.name == name and f.kind == "bpmn" for f in files):
        abort(404)
    config = {
        "file": name,
        "user": current_user.username,
        "versionId": version_id,
        "latestVersionId": latest,
        "xmlUrl": url_for("designer.version_file", version_id=version_id, name=name),
        "urls": {
            "validate": url_for("designer.validate", name="__FILE__"),
            "deploy": url_for("designer.deploy", name="__FILE__"),
            "edit": url_for("designer.edit", name="__FILE__"),
            "file": url_for("designer.version_file", version_id=999999999, name="__FILE__"),
            "descriptor": url_for("static", filename="designer/spiffworkflow.json"),
        },
        **panel_config(engine, files),
    }
    library = url_for("designer.index") if "designer.index" in current_app.view_functions else None
    return render_template(
        "designer/edit.html",
        name=name,
        version_id=version_id,
        latest=latest,
        config=config,
        library_url=library,
    )


@bp.post("/files/<name>/validate")
@roles_required(DESIGN_ROLES)
def validate(name: str):
    try:
        draft = _read_draft(name)
    except BadDraft as error:
        return _bad(error)
    engine = current_engine()
    problems = validate_files(engine, {draft.name: draft.xml}, lane_map=draft.lane_map)
    errors = [p for p in problems if p.severity == "error"]
    return jsonify(
        ok=not errors, problems=[_problem_json(p) for p in problems], **_lanes(engine, draft)
    )


def _lanes(engine: Engine, draft: Draft) -> dict[str, Any]:
    """``{"lanes": …}`` for the 泳道映射 dialog when the set has lanes to map, else ``{}``."""
    found = lanes_to_map(
        engine, {draft.name: draft.xml}, lane_roles=lane_roles(), lane_map=draft.lane_map
    )
    return {"lanes": found} if found else {}


@bp.post("/files/<name>/deploy")
@roles_required(DESIGN_ROLES)
def deploy(name: str):
    try:
        draft = _read_draft(name, note_required=True)
    except BadDraft as error:
        return _bad(error)
    engine = current_engine()
    newer = None if draft.force else _changed_since_base(engine, draft)
    if newer is not None:
        message = (
            f"您打开的是版本 {draft.base_version_id}，之后版本 {newer} 已修改过 {name}。"
            f"继续部署将覆盖版本 {newer} 中对此文件的修改。"
        )
        return jsonify(ok=False, conflict=True, latest_version_id=newer, message=message), 409
    try:
        result = deploy_files(
            engine,
            {draft.name: draft.xml},
            actor=current_user.username,
            note=draft.note,
            lane_map=draft.lane_map,
        )
    except DeployRejected as rejected:
        return jsonify(
            ok=False,
            message="部署被拒绝，当前版本保持不变。",
            problems=[_problem_json(p) for p in rejected.problems],
            **_lanes(engine, draft),
        ), 422
    return jsonify(
        ok=True,
        created=result.created,
        version_id=result.version_id,
        process_ids=list(result.process_ids),
        warnings=[_problem_json(p) for p in result.warnings],
        edit_url=url_for("designer.edit", name=name, version=result.version_id),
        file_url=url_for("designer.version_file", version_id=result.version_id, name=name),
        version_url=_version_page(result.version_id),
    )


def _version_page(version_id: int) -> str | None:
    if "designer.version" not in current_app.view_functions:
        return None
    return url_for("designer.version", version_id=version_id)


@bp.get("/versions/<int:version_id>/files/<path:name>")
@roles_required(DESIGN_ROLES)
def version_file(version_id: int, name: str):
    """A stored file of a version, byte for byte, as a download."""
    found = next((f for f in _version_files(current_engine(), version_id) if f.name == name), None)
    if found is None:
        abort(404)
    response = send_file(
        BytesIO(found.content),
        mimetype=MIMETYPES.get(found.kind, "application/octet-stream"),
        as_attachment=True,
        download_name=PurePosixPath(found.name).name,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
