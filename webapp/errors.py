"""Domain and HTTP errors as pages, in one place: views raise, this maps to a status."""

from __future__ import annotations

from flask import Flask, render_template, request

from engine import ConflictError, NotFound, PermissionDenied, StepFailed

_PAGES: dict[int, tuple[str, str]] = {
    403: ("无权访问", "您的角色或辖区不能查看或办理此项内容。如需权限，请联系管理员。"),
    404: ("页面不存在", "您要找的内容不存在，或已被移除。"),
    409: ("操作冲突", "此项已被他人处理或已变化，请刷新页面查看最新情况。"),
    429: ("请求过于频繁", "您的查询次数过多，请稍后再试。"),
}
STEP_FAILED_TITLE = "流程执行出错"


def init_app(app: Flask) -> None:
    for status in _PAGES:
        app.register_error_handler(status, _page_for(status))
    app.register_error_handler(NotFound, lambda error: error_page(404, str(error)))
    app.register_error_handler(PermissionDenied, lambda error: error_page(403, str(error)))
    app.register_error_handler(ConflictError, lambda error: error_page(409, str(error)))
    app.register_error_handler(StepFailed, step_failed_page)


def step_failed_page(error: StepFailed):
    """A diagram step failed (a script over its budget, a broken expression): nothing of
    it was stored; say which element, in the diagram's words."""
    detail = f"本次操作未保存：{error.message}。请稍后重试，或联系流程设计人员修正流程图。"
    if request.path.startswith("/api/"):
        return {"error": STEP_FAILED_TITLE, "message": detail}, 500
    return render_template(
        "errors/error.html", status=500, title=STEP_FAILED_TITLE, message=detail
    ), 500


def error_page(status: int, detail: str | None = None):
    title, message = _PAGES[status]
    if request.path.startswith("/api/"):
        return {"error": title, "message": detail or message}, status
    return render_template(
        "errors/error.html", status=status, title=title, message=detail or message
    ), status


def _page_for(status: int):
    def handler(_error):
        return error_page(status)

    return handler
