"""Routes of the lookup blueprint; every route states its roles (``webapp.security``).

The citizen's 进度查询: the case code and the last four digits of a party's phone. The form
posts (with CSRF), so the digits never sit in a URL, a log or the browser history. A wrong
code and wrong digits get the same answer. Two limits guard it: per address (default
10 a minute, 100 a day, ``ZONGZHI_LOOKUP_RATE_LIMIT``) and failed tries per case code
(default 20 a day, ``ZONGZHI_LOOKUP_CODE_LIMIT``), so four digits cannot be guessed from
many addresses either.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, render_template, request
from flask.wrappers import Response

from engine.db import db
from processes.progress import MAX_CODE_LENGTH, is_phone_tail, public_progress

from ..limits import limiter
from ..security import public

bp = Blueprint("lookup", __name__, url_prefix="/chaxun")

ADDRESS_LIMIT = "10 per minute;100 per day"
CODE_LIMIT = "20 per day"


def address_limit() -> str:
    return current_app.config.get("ZONGZHI_LOOKUP_RATE_LIMIT", ADDRESS_LIMIT)


def code_limit() -> str:
    return current_app.config.get("ZONGZHI_LOOKUP_CODE_LIMIT", CODE_LIMIT)


def _code_key() -> str:
    return "chaxun-code:" + _code()


def _failed(_response: Response) -> bool:
    return bool(g.get("lookup_failed"))


@bp.route("", methods=["GET", "POST"])
@public
@limiter.limit(address_limit, methods=["POST"])
@limiter.limit(code_limit, methods=["POST"], key_func=_code_key, deduct_when=_failed)
def index():
    code = _code()
    if request.method == "GET":
        return _page(code=code)
    tail = (request.form.get("tail") or "").strip()
    if not code or not is_phone_tail(tail):
        return _page(code=code, error="请填写案件编号和手机号码后 4 位数字。"), 422
    progress = public_progress(db.session, code=code, phone_tail=tail)
    if progress is None:
        g.lookup_failed = True
        return _page(code=code, not_found=True)
    return _page(code=code, progress=progress)


@bp.errorhandler(429)
def too_many(_error):
    return render_template("lookup/limited.html"), 429


def _code() -> str:
    return (request.values.get("code") or "").strip()[:MAX_CODE_LENGTH]


def _page(**context):
    response = current_app.make_response(render_template("lookup/index.html", **context))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
