"""The phone app's pages, its web manifest and its service worker."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.resources import files

from flask import Response, current_app, render_template, url_for

from ..security import CASEWORKERS, public, roles_required
from . import bp

SHELL_ASSETS = (
    "css/mobile.css",
    "js/mobile/app.js",
    "js/mobile/store.js",
    "js/mobile/sync.js",
    "js/mobile/report.js",
    "js/mobile/screening.js",
    "vendor/idb/umd.js",
    "mobile/icon-192.png",
    "mobile/icon-512.png",
)
"""Static files the app needs offline (the service worker caches them on install)."""
SHELL_PAGES = ("mobile.index", "mobile.report", "mobile.screening")


@bp.get("/")
@roles_required(CASEWORKERS)
def index():
    return render_template("mobile/index.html")


@bp.get("/report")
@roles_required(CASEWORKERS)
def report():
    return render_template("mobile/report.html")


@bp.get("/screening")
@roles_required(CASEWORKERS)
def screening():
    return render_template("mobile/screening.html")


@bp.get("/manifest.webmanifest")
@public
def manifest():
    body = {
        "name": "综治中心 · 网格通",
        "short_name": "网格通",
        "description": "网格员移动端：我的待办、上报事件、排查记录，无网络时也能使用",
        "lang": "zh-CN",
        "start_url": url_for("mobile.index"),
        "scope": url_for("mobile.index"),
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#1f5fa8",
        "icons": [
            {
                "src": _static(f"mobile/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
            }
            for size in (192, 512)
        ],
    }
    response = current_app.json.response(body)
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
@public
def service_worker():
    """The service worker, served from ``/m/`` so its scope is the app; it names the shell's
    files and a version (their content hash) so a new release replaces the old cache."""
    shell = [url_for(endpoint) for endpoint in SHELL_PAGES] + [_static(a) for a in SHELL_ASSETS]
    script = (
        _worker_source()
        .replace("__SHELL_VERSION__", _shell_version())
        .replace('"__SHELL_URLS__"', current_app.json.dumps(shell))
        .replace("__WORKBOX__", _static("vendor/workbox/"))
    )
    response = Response(script, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


def _static(name: str) -> str:
    return url_for("static", filename=name)


@cache
def _worker_source() -> str:
    return files("webapp").joinpath("static/js/mobile/sw.js").read_text(encoding="utf-8")


@cache
def _shell_version() -> str:
    digest = hashlib.sha256()
    static = files("webapp").joinpath("static")
    for asset in SHELL_ASSETS:
        digest.update(static.joinpath(asset).read_bytes())
    for template in ("base", "index", "report", "screening"):
        digest.update(files("webapp").joinpath(f"templates/mobile/{template}.html").read_bytes())
    return digest.hexdigest()[:16]
