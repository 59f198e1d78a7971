"""The case code as a QR code, drawn as inline SVG (no image request, prints sharply)."""

from __future__ import annotations

import segno
from flask import current_app, url_for
from markupsafe import Markup


def qr_svg(text: str, *, title: str) -> Markup:
    """An ``<svg>`` of ``text`` (error correction M), scaled for a screen and a print."""
    code = segno.make(text, error="m")
    svg = code.svg_inline(scale=4, dark="#111", light="#fff", title=title, svgclass="case-qr")
    return Markup(svg)


def lookup_target(code: str) -> str:
    """What a case's QR code holds: the citizen lookup page for the code (进度查询, with the
    code filled in), else the bare code."""
    if "lookup.index" in current_app.view_functions:
        return url_for("lookup.index", code=code, _external=True)
    return code


def case_qr(code: str) -> Markup:
    """The case's QR code (一案一码), as the case page and the 受理回执 draw it."""
    return qr_svg(lookup_target(code), title=f"案件编号 {code}")
