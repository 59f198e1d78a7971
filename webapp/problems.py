"""The API's error body: RFC 9457 problem details, in Chinese, naming the bad fields.

``{"type", "title", "status", "detail", "code", "errors": [{"field", "message"}]}`` served
as ``application/problem+json``. ``code`` is the stable machine-readable reason (also the
tail of ``type``); ``field`` is a JSON path such as ``parties/0/phone`` (``""``: the body
as a whole).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import Response, jsonify

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:zongzhi:problem:"

TITLES: dict[int, str] = {
    400: "请求有误",
    401: "未认证",
    403: "无权访问",
    404: "未找到",
    405: "不支持的请求方法",
    409: "操作冲突",
    413: "请求体过大",
    415: "不支持的内容类型",
    422: "内容有误",
    429: "请求过于频繁",
    500: "服务器内部错误",
    503: "暂时无法受理",
}
FALLBACK_TITLE = "请求无法处理"

FieldErrors = Mapping[str, Iterable[str]]


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    errors: FieldErrors | None = None,
    **extra: Any,
) -> Response:
    """A problem-details response; ``errors`` maps a field to its messages."""
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + code,
        "title": TITLES.get(status, FALLBACK_TITLE),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors is not None:
        body["errors"] = field_errors(errors)
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = MEDIA_TYPE
    return response


def field_errors(errors: FieldErrors) -> list[dict[str, str]]:
    """``{"summary": ["至少 5 个字"]}`` → ``[{"field": "summary", "message": "至少 5 个字"}]``."""
    return [
        {"field": field, "message": message}
        for field, messages in errors.items()
        for message in messages
    ]
