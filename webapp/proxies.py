"""Trust the ``X-Forwarded-*`` headers of ``ZONGZHI_PROXY_COUNT`` reverse proxies.

Behind a proxy (nginx terminating HTTPS) every request comes from the proxy's address:
without this, the per-address rate limits would count all clients as one, and the app
would not know the request came over HTTPS. Set it to the number of proxies in front,
never more: a client could otherwise forge its address.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    count = int(app.config.get("ZONGZHI_PROXY_COUNT") or 0)
    if count > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count
        )
