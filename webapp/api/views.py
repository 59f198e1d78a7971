"""The API's routes: push a matter, read its state, post a hotline's verdict on a reply,
poll results, the OpenAPI document.

Every ``/api/v1`` route needs ``Authorization: Bearer <token>`` of an active sender and
sees only that sender's matters. Errors are problem details (``webapp.problems``):
``{"type", "title", "status", "detail", "code", "errors": [{"field", "message"}]}``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache, wraps
from importlib.resources import files
from typing import Any

from flask import Blueprint, Response, g, jsonify, request, url_for

from engine import FormInvalid, NotFound
from engine.db import db
from processes.handoff import (
    MAX_RESULTS_PAGE,
    authenticate,
    case_status_for,
    receive_push,
    results_for,
)
from processes.hotline import VerdictRefused, receive_verdict
from processes.models import HandoffSender

from ..engine_binding import current_engine
from ..problems import problem
from ..security import TOKEN, public
from ..validation import INT4_MAX, InputRefused, load_json, parse_int

bp = Blueprint("api", __name__, url_prefix="/api")

DEFAULT_PAGE = 50
MAX_BODY_BYTES = 256 * 1024
"""The largest push or verdict read; a larger body is refused (413) before it is read."""


QUERY_PARAMETERS = {"api.poll_results": ("after", "limit")}
"""The query parameters each route reads; any other one is refused (400), as the
document says (a misspelt ``afterr`` is named, not silently ignored)."""


@bp.before_request
def limit_body() -> None:
    request.max_content_length = MAX_BODY_BYTES


@bp.before_request
def known_query() -> tuple[Response, int] | None:
    if request.endpoint == "api.openapi":
        return None
    known = QUERY_PARAMETERS.get(request.endpoint or "", ())
    unknown = {name: ["不是可接受的查询参数"] for name in request.args if name not in known}
    return error(400, "bad_query", "查询参数有误", errors=unknown) if unknown else None


def error(
    status: int, code: str, message: str, *, errors: dict[str, list[str]] | None = None
) -> tuple[Response, int]:
    """The API's error body: problem details naming the fields in ``errors``."""
    return problem(status, code, message, errors=errors), status


def token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let the request through only with an active sender's bearer token (``g.sender``)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        sender = None
        if scheme.lower() == "bearer" and token.strip():
            sender = authenticate(db.session, token.strip())
        if sender is None:
            response, status = error(
                401, "unauthorized", "缺少或无效的访问令牌：请在 Authorization 头中提供 Bearer 令牌"
            )
            response.headers["WWW-Authenticate"] = 'Bearer realm="zongzhi"'
            return response, status
        g.sender = sender
        return view(*args, **kwargs)

    wrapped.allowed_roles = TOKEN  # type: ignore[attr-defined]
    return wrapped


def json_body() -> tuple[dict[str, Any] | None, Any]:
    """The request's JSON object, or ``(None, error response)`` saying what is wrong."""
    if not request.is_json:
        return None, error(
            400, "not_json", "请求体应为 JSON，并设置 Content-Type: application/json"
        )
    try:
        payload = load_json(request.get_data(cache=True))
    except InputRefused as refused:
        if not refused.field:
            return None, error(400, "not_json", refused.message)
        named = {refused.field: [refused.message]}
        return None, error(422, "invalid", "请求内容有误，请按字段修改后重试", errors=named)
    if not isinstance(payload, dict):
        return None, error(400, "not_object", "请求体应为 JSON 对象")
    return payload, None


@bp.post("/v1/matters")
@token_required
def push_matter():
    """Register a pushed matter (201), or return the case of the same push before (200)."""
    payload, refused = json_body()
    if payload is None:
        return refused
    sender: HandoffSender = g.sender
    try:
        _, created = receive_push(current_engine(), sender, payload)
    except FormInvalid as invalid:
        return error(422, "invalid", "推送内容有误，请按字段修改后重新推送", errors=invalid.errors)
    except NotFound as exc:
        return error(503, "unavailable", f"暂时无法受理：{exc}")
    db.session.rollback()  # a fresh read: the case was written by the engine's own session
    body = case_status_for(db.session, sender, payload["external_id"]) or {}
    body["created"] = created
    response = jsonify(body)
    response.headers["Location"] = url_for("api.matter_status", external_id=payload["external_id"])
    return response, 201 if created else 200


@bp.get("/v1/matters/<path:external_id>")
@token_required
def matter_status(external_id: str):
    """The state of one of the sender's matters, by the sender's own id."""
    body = case_status_for(db.session, g.sender, external_id)
    if body is None:
        return error(404, "not_found", f"未找到来源编号为 {external_id} 的推送")
    return jsonify(body)


@bp.post("/v1/matters/<path:external_id>/verdicts")
@token_required
def post_verdict(external_id: str):
    """The hotline's verdict on the latest reply to its work order: 201 taken, 200 the
    same ``verdict_id`` again (the stored verdict), 409 when no reply awaits one."""
    payload, refused = json_body()
    if payload is None:
        return refused
    try:
        body, created = receive_verdict(current_engine(), g.sender, external_id, payload)
    except FormInvalid as invalid:
        return error(422, "invalid", "回访结果有误，请按字段修改后重新提交", errors=invalid.errors)
    except NotFound as exc:
        return error(404, "not_found", str(exc))
    except VerdictRefused as refusal:
        return error(409, refusal.code, str(refusal))
    body["created"] = created
    return jsonify(body), 201 if created else 200


@bp.get("/v1/results")
@token_required
def poll_results():
    """The sender's results after the cursor ``after``, oldest first, with the next cursor."""
    errors: dict[str, list[str]] = {}
    after = _int_arg("after", 0, minimum=0, errors=errors)
    limit = _int_arg("limit", DEFAULT_PAGE, minimum=1, errors=errors, maximum=MAX_RESULTS_PAGE)
    if errors:
        return error(400, "bad_query", "查询参数有误", errors=errors)
    rows = results_for(db.session, g.sender, after, limit + 1)
    page = rows[:limit]
    return jsonify(
        results=page,
        next=page[-1]["id"] if page else after,
        has_more=len(rows) > limit,
    )


@bp.get("/openapi.json")
@public
def openapi():
    """The API's OpenAPI 3.1 description (no token needed)."""
    return Response(openapi_text(), mimetype="application/json")


@cache
def openapi_text() -> str:
    text = files(__package__).joinpath("openapi.json").read_text(encoding="utf-8")
    json.loads(text)  # a broken file fails here, loudly, not in a client
    return text


def _int_arg(
    name: str,
    default: int,
    *,
    minimum: int,
    errors: dict[str, list[str]],
    maximum: int = INT4_MAX,
) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    value = parse_int(raw, minimum=minimum, maximum=maximum)
    if value is None:
        errors[name] = [f"应为 {minimum} 到 {maximum} 之间的整数"]
        return default
    return value
