"""Domain and HTTP errors as pages, in one place: views raise, this maps to a status.

Under ``/api/`` every error is problem details (``webapp.problems``), never HTML; a page
never shows an English status text or a Python exception. An unexpected error is logged
with an error id that the page (or the problem body) shows, so a user can quote it.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from flask import Flask, Response, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from engine import ConflictError, NotFound, PermissionDenied, StepFailed

from .problems import TITLES, problem
from .validation import InputRefused

log = logging.getLogger(__name__)

_PAGES: dict[int, tuple[str, str]] = {
    400: ("请求有误", "提交的内容无法处理，请检查后重试。"),
    403: ("无权访问", "您的角色或辖区不能查看或办理此项内容。如需权限，请联系管理员。"),
    404: ("页面不存在", "您要找的内容不存在，或已被移除。"),
    405: ("不支持的操作", "此页面不支持这种操作，请从页面上的按钮或链接进入。"),
    409: ("操作冲突", "此项已被他人处理或已变化，请刷新页面查看最新情况。"),
    413: ("提交的内容过大", "提交的内容超过了允许的大小，请减少内容或附件后重试。"),
    429: ("请求过于频繁", "您的查询次数过多，请稍后再试。"),
    500: ("系统出错", "系统处理时出错，请稍后重试；如仍不成功，请把错误编号告知管理员。"),
}
_CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
    500: "server_error",
}
_API_DETAILS: dict[int, str] = {
    404: "没有这个接口地址或资源",
    405: "此接口地址不支持该请求方法",
    413: "请求体过大，超过了允许的大小",
}

FieldLabeller = Callable[[str], str]
STEP_FAILED_TITLE = "流程执行出错"


def init_app(app: Flask) -> None:
    for status in _PAGES:
        app.register_error_handler(status, _page_for(status))
    app.register_error_handler(HTTPException, _any_http_error)
    app.register_error_handler(NotFound, lambda error: error_page(404, str(error)))
    app.register_error_handler(PermissionDenied, lambda error: error_page(403, str(error)))
    app.register_error_handler(ConflictError, lambda error: error_page(409, str(error)))
    app.register_error_handler(InputRefused, input_refused)
    app.register_error_handler(StepFailed, step_failed_page)
    app.register_error_handler(500, server_error)


def is_api() -> bool:
    return request.path.startswith("/api/")


def step_failed_page(error: StepFailed):
    """A diagram step failed (a script over its budget, a broken expression): nothing of
    it was stored; say which element, in the diagram's words."""
    log.warning("step failed at %s: %s", error.element, error.message)
    detail = f"本次操作未保存：{error.message}。请稍后重试，或联系流程设计人员修正流程图。"
    if is_api():
        return problem(500, "step_failed", detail, element=error.element)
    return render_template(
        "errors/error.html", status=500, title=STEP_FAILED_TITLE, message=detail
    ), 500


def error_page(status: int, detail: str | None = None):
    title, message = _PAGES[status]
    if is_api():
        detail = detail or _API_DETAILS.get(status, message)
        return problem(status, _CODES.get(status, "error"), detail)
    return render_template(
        "errors/error.html", status=status, title=title, message=detail or message
    ), status


def input_refused(error: InputRefused, labeller: FieldLabeller | None = None):
    """A path, query or form value that cannot be used: 400 naming the field (a page
    names it by ``labeller``, its label on the form, never by its internal name)."""
    if is_api():
        named = {error.field: [error.message]}
        return problem(400, "bad_input", "请求参数有误，请按字段修改后重试", errors=named)
    label = labeller(error.field) if labeller else "填写的内容"
    return error_page(400, f"「{label}」{error.message}")


def server_error(error: HTTPException):
    """Log the failure under a fresh id and show the id, never the exception."""
    error_id = secrets.token_hex(4).upper()
    original = getattr(error, "original_exception", None) or error
    log.error(
        "error %s: %s %s",
        error_id,
        request.method,
        request.path,
        exc_info=(type(original), original, original.__traceback__),
    )
    if is_api():
        detail = f"服务器内部错误（错误编号 {error_id}）"
        return problem(500, "server_error", detail, error_id=error_id)
    title, message = _PAGES[500]
    return render_template(
        "errors/error.html", status=500, title=title, message=message, error_id=error_id
    ), 500


def _any_http_error(error: HTTPException):
    """A status without a page of its own: its Chinese title, never Werkzeug's English."""
    status = error.code or 500
    if status in _PAGES:
        return _with_headers(error_page(status), error)
    title = TITLES.get(status, "请求无法处理")
    if is_api():
        return _with_headers(problem(status, _CODES.get(status, "error"), title), error)
    page = render_template(
        "errors/error.html", status=status, title=title, message="请返回上一页后重试。"
    )
    return _with_headers((page, status), error)


def _page_for(status: int):
    def handler(error):
        return _with_headers(error_page(status), error)

    return handler


def _with_headers(result, error) -> Response:
    """The error's own headers kept (``Allow`` on a 405, ``Retry-After`` on a 429)."""
    response = make_response(result)
    if isinstance(error, HTTPException):
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
    return response
