"""The case code as a QR code, drawn as inline SVG (no image request, prints sharply)."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(text: str, *, title: str) -> Markup:
    """An ``<svg>`` of ``text`` (error correction M), scaled for a screen and a print."""
    code = segno.make(text, error="m")
    svg = code.svg_inline(scale=4, dark="#111", light="#fff", title=title, svgclass="case-qr")
    return Markup(svg)
