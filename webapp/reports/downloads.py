"""A workbook as a download named in Chinese (RFC 5987 ``filename*``, ASCII fallback)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from flask import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def file_name(report: Mapping[str, Any], kind: str) -> str:
    """E.g. ``月总结_甘州区_2026年11月.xlsx``."""
    parts = (kind, report["region"]["name"], report["period"]["label"])
    return "_".join(_UNSAFE.sub("", part) for part in parts) + ".xlsx"


def xlsx_download(data: bytes, name: str) -> Response:
    response = Response(data, mimetype=XLSX)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=report.xlsx; filename*=UTF-8''{quote(name)}"
    )
    response.headers["Cache-Control"] = "no-store"
    return response
