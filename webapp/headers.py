"""Security headers on every response, and the session cookie's ``Secure`` flag.

The Content-Security-Policy admits scripts, styles, fonts and connections from this site
only: every page script is a static file (data a script needs sits in a
``<script type="application/json">`` block, which is never run). Style sheets
(``<style>``, ``<link>``) come from this site only too; ``style-src-attr`` admits inline
``style`` attributes, and only those, because ECharts writes its tooltips as HTML with
them (every hover on a chart was refused without it, tests/browser/test_security_policy.py).
A style attribute cannot run script.

``ZONGZHI_COOKIE_SECURE`` (``1``/``0``) says whether the session cookie is sent over
HTTPS only; unset, it is on unless the site is reached on 127.0.0.1 or localhost (or
through a proxy that says the request came over HTTPS). HSTS is sent when it is on.
"""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from flask.wrappers import Response

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-elem 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "geolocation=(self), camera=(), microphone=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def init_app(app: Flask) -> None:
    app.session_interface = _SessionInterface()
    if app.config.get("ZONGZHI_COOKIE_SECURE") is not None:
        app.config["SESSION_COOKIE_SECURE"] = app.config["ZONGZHI_COOKIE_SECURE"]
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    """The headers of ``HEADERS`` (a page may set its own stricter one first), and HSTS
    when the session cookie is HTTPS-only."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if cookie_secure():
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def cookie_secure() -> bool:
    """Whether the session cookie is HTTPS-only for the current request."""
    setting = current_app.config.get("ZONGZHI_COOKIE_SECURE")
    if setting is not None:
        return bool(setting)
    if not has_request_context():
        return True
    return request.is_secure or request.host.rsplit(":", 1)[0] not in LOOPBACK_HOSTS


def insecure_login() -> bool:
    """A login over plain HTTP whose cookie the browser would drop (it is HTTPS-only)."""
    return cookie_secure() and not request.is_secure


class _SessionInterface(SecureCookieSessionInterface):
    def get_cookie_secure(self, app: Flask) -> bool:
        return cookie_secure()
