"""Security headers on every response, and the session cookie's ``Secure`` flag.

The Content-Security-Policy admits scripts, styles, fonts and connections from this site
only: every page script is a static file (data a script needs sits in a
``<script type="application/json">`` block, which is never run). Style sheets
(``<style>``, ``<link>``) come from this site only too; ``style-src-attr`` admits inline
``style`` attributes, and only those, because ECharts writes its tooltips as HTML with
them (every hover on a chart was refused without it, tests/browser/test_security_policy.py).
A style attribute cannot run script. The decision-table editor alone also admits
``<style>`` elements (``STYLE_ELEMENTS_POLICY``).

``ZONGZHI_COOKIE_SECURE`` (``1``/``0``) says whether the session cookie is sent over
HTTPS only; unset, it is on unless the site is reached on 127.0.0.1 or localhost (or
through a proxy that says the request came over HTTPS). HSTS is sent when it is on.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, current_app, has_request_context, make_response, request
from flask.sessions import SecureCookieSessionInterface
from flask.wrappers import Response

_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "style-src-elem": "'self'",
    "style-src-attr": "'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
}


def _policy(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


CONTENT_SECURITY_POLICY = _policy(_DIRECTIVES)
STYLE_ELEMENTS_POLICY = _policy(_DIRECTIVES | {"style-src-elem": "'self' 'unsafe-inline'"})
"""The policy of the decision-table editor: dmn-js's FEEL editor (CodeMirror 6) adds its
styles as a ``<style>`` element, and dmn-js gives no way to hand it a nonce."""
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


def allow_style_elements(view: Callable) -> Callable:
    """A view whose page may add ``<style>`` elements (``STYLE_ELEMENTS_POLICY``)."""

    @wraps(view)
    def relaxed(*args: Any, **kwargs: Any) -> Response:
        response = make_response(view(*args, **kwargs))
        response.headers["Content-Security-Policy"] = STYLE_ELEMENTS_POLICY
        return response

    return relaxed


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
