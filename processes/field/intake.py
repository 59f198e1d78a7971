"""A report's fields as the 受理登记 form has them: channel 网格上报, the typed place with
the phone's position and its accuracy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..enums import Channel


def intake_fields(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The 受理登记 form's fields for a report: channel 网格上报, the place with the position."""
    fields: dict[str, Any] = {
        "channel": Channel.GRID_REPORT,
        "dispute_type": payload["dispute_type"],
        "summary": payload["summary"],
        "region_code": payload["region_code"],
        "risk_colour": payload.get("risk_colour") or "绿",
        "parties": [dict(party) for party in payload.get("parties", ())],
    }
    place = place_text(payload)
    if place:
        fields["place"] = place
    return fields


def place_text(payload: Mapping[str, Any]) -> str:
    """``村东头 · 定位 39.12345,100.12345（±12 米）``: the typed place and the position."""
    parts = [payload.get("place", "").strip()]
    position = payload.get("position")
    if position:
        parts.append(
            f"定位 {position['latitude']:.5f},{position['longitude']:.5f}"
            f"（±{round(position['accuracy'])} 米）"
        )
    return " · ".join(part for part in parts if part)[:200]
