"""Shared pieces of the phone app's web tests: a report body, a photo, chunked upload."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from flask.testing import FlaskClient

from tests.browser.pictures import png
from tests.processes.conftest import GRID


def report_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "client_id": str(uuid.uuid4()),
        "outcome": "上报",
        "dispute_type": "02",
        "summary": "两户因宅基地边界发生争执，需村里调处",
        "region_code": GRID,
        "place": "大满村三社东头",
        "position": {"latitude": 38.93512, "longitude": 100.45678, "accuracy": 12.4},
        "risk_colour": "黄",
        "parties": [{"role": "申请人", "name": "李四", "phone": "13912345678"}],
    }
    body.update(changes)
    return body


def photo(seed: int, size: int = 600_000) -> tuple[str, bytes]:
    """Bytes that stand for a photo (the upload checks hashes, not pictures)."""
    data = (hashlib.sha256(str(seed).encode()).digest() * (size // 32 + 1))[:size]
    return hashlib.sha256(data).hexdigest(), data


def picture(seed: int) -> tuple[str, bytes]:
    """A real PNG (the attachment checks read the content) and its SHA-256."""
    data = png(64 + seed, 48, (seed * 40 % 256, 90, 160))
    return hashlib.sha256(data).hexdigest(), data


def put(client: FlaskClient, sha: str, data: bytes, start: int, end: int):
    return client.put(
        f"/m/api/uploads/{sha}",
        data=data[start:end],
        headers={"Content-Range": f"bytes {start}-{end - 1}/{len(data)}"},
    )


def upload(client: FlaskClient, sha: str, data: bytes, chunk: int = 256 * 1024) -> None:
    for start in range(0, len(data), chunk):
        response = put(client, sha, data, start, min(start + chunk, len(data)))
        assert response.status_code == 200, response.get_json()
