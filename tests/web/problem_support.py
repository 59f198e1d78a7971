"""Reading the API's problem-details bodies in tests."""

from __future__ import annotations

from typing import Any


def field_errors(body: dict[str, Any]) -> dict[str, list[str]]:
    """A problem's ``errors`` list as field → messages, in order."""
    found: dict[str, list[str]] = {}
    for item in body["errors"]:
        found.setdefault(item["field"], []).append(item["message"])
    return found


def is_problem(response, status: int, code: str) -> bool:
    """The response is problem details with this status and code, in Chinese."""
    body = response.json
    return (
        response.status_code == status
        and response.mimetype == "application/problem+json"
        and body["status"] == status
        and body["code"] == code
        and body["type"].endswith(code)
        and any("\u4e00" <= char <= "\u9fff" for char in body["title"] + body["detail"])
    )
