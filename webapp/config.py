"""Configuration read from the environment, overridable by a mapping (tests).

| variable | meaning | default |
| --- | --- | --- |
| ``ZONGZHI_DATABASE_URL`` | SQLAlchemy URL | SQLite file ``zongzhi.db`` in the instance folder |
| ``ZONGZHI_SECRET_KEY`` | session signing key | generated once into ``<instance>/secret_key`` |
| ``ZONGZHI_TIMER_POLL_SECONDS`` | how often the scheduler looks for due timers | 30 |
| ``ZONGZHI_LOG_LEVEL`` | ``DEBUG`` / ``INFO`` / ``WARNING`` / ``ERROR`` | ``INFO`` |
| ``ZONGZHI_RATELIMIT_STORAGE_URL`` | where rate-limit counters live (redis://…) | ``database`` |
| ``ZONGZHI_LOGIN_RATE_LIMIT`` | failed logins per client address | ``20 per minute;200 per day`` |
| ``ZONGZHI_LOGIN_ACCOUNT_LIMIT`` | failed logins per login name | ``5 per minute`` |
| ``ZONGZHI_LOGIN_LOCKOUT`` | failures that lock a login name | ``10 per 15 minutes`` |
| ``ZONGZHI_LOGIN_LOCK_MINUTES`` | how long a lock lasts unless an admin lifts it | 30 |
| ``ZONGZHI_COOKIE_SECURE`` | session cookie HTTPS-only (``1``/``0``) | on unless on 127.0.0.1 |
| ``ZONGZHI_PROXY_COUNT`` | reverse proxies in front whose X-Forwarded-* headers are trusted | 0 |
| ``ZONGZHI_LOOKUP_RATE_LIMIT`` | citizen lookups per address | ``10 per minute;100 per day`` |
| ``ZONGZHI_LOOKUP_CODE_LIMIT`` | failed citizen lookups per case code | ``20 per day`` |
| ``ZONGZHI_CENTER_PHONE`` | the center's phone on the 受理回执 (see ``center_phones``) | none |
| ``ZONGZHI_SCRIPT_STEP_LIMIT`` | loop iterations and calls of one piece of diagram code | 1000000 |
| ``ZONGZHI_SCRIPT_SECONDS`` | wall-clock seconds of diagram code per engine step | 5 |
| ``ZONGZHI_SCRIPT_MEMORY_MB`` | memory one piece of diagram code may take | 256 |
| ``ZONGZHI_TIMER_MAX_ATTEMPTS`` | failed firings before a timer is parked as 故障 | 5 |
| ``ZONGZHI_UPLOAD_KEEP_DAYS`` | days an unfinished phone upload is kept before the sweep | 7 |
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from limits import parse_many
from sqlalchemy.engine import make_url

from engine import Budget, RetryPolicy
from engine.db import STEPS_BIND

SQLITE_BUSY_TIMEOUT_SECONDS = 15
CSRF_TIME_LIMIT_SECONDS = 8 * 3600  # a working day: long forms must not expire mid-way


RATE_LIMIT_SETTINGS = (
    "ZONGZHI_LOOKUP_RATE_LIMIT",
    "ZONGZHI_LOOKUP_CODE_LIMIT",
    "ZONGZHI_LOGIN_RATE_LIMIT",
    "ZONGZHI_LOGIN_ACCOUNT_LIMIT",
    "ZONGZHI_LOGIN_LOCKOUT",
)
"""Settings written as Flask-Limiter limits: ``10 per minute;100 per day``."""
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


class ConfigError(ValueError):
    """A setting has a value the application cannot use."""


def load_config(instance_path: str, overrides: Mapping[str, Any] | None = None) -> dict:
    """Settings from the environment, then ``overrides``, then derived defaults."""
    env = os.environ
    cfg: dict[str, Any] = {
        "SQLALCHEMY_DATABASE_URI": env.get("ZONGZHI_DATABASE_URL") or None,
        "SECRET_KEY": env.get("ZONGZHI_SECRET_KEY") or None,
        "ZONGZHI_TIMER_POLL_SECONDS": _poll_seconds(env.get("ZONGZHI_TIMER_POLL_SECONDS", "30")),
        "ZONGZHI_LOG_LEVEL": _log_level(env.get("ZONGZHI_LOG_LEVEL", "INFO")),
        "ZONGZHI_RATELIMIT_STORAGE_URL": env.get("ZONGZHI_RATELIMIT_STORAGE_URL")
        or env.get("ZONGZHI_RATELIMIT_STORAGE_URI")
        or "database",
        "ZONGZHI_COOKIE_SECURE": cookie_secure_setting(env.get("ZONGZHI_COOKIE_SECURE", "")),
        "ZONGZHI_PROXY_COUNT": _count(env, "ZONGZHI_PROXY_COUNT"),
        "ZONGZHI_LOGIN_LOCK_MINUTES": int(_positive(env, "ZONGZHI_LOGIN_LOCK_MINUTES", 30, int)),
        "ZONGZHI_UPLOAD_KEEP_DAYS": int(_positive(env, "ZONGZHI_UPLOAD_KEEP_DAYS", 7, int)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": CSRF_TIME_LIMIT_SECONDS,
    }
    for key in RATE_LIMIT_SETTINGS:
        if env.get(key):
            cfg[key] = _rate_limit(key, env[key])
    cfg["ZONGZHI_CENTER_PHONE"] = center_phones(env.get("ZONGZHI_CENTER_PHONE", ""))
    cfg["ZONGZHI_SCRIPT_BUDGET"] = script_budget(env)
    cfg["ZONGZHI_TIMER_RETRY"] = RetryPolicy(
        max_attempts=int(
            _positive(env, "ZONGZHI_TIMER_MAX_ATTEMPTS", RetryPolicy().max_attempts, int)
        )
    )
    cfg.update(overrides or {})
    instance = Path(instance_path)
    if not cfg["SQLALCHEMY_DATABASE_URI"]:
        instance.mkdir(parents=True, exist_ok=True)
        cfg["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'zongzhi.db'}"
    if not cfg["SECRET_KEY"]:
        cfg["SECRET_KEY"] = persistent_secret_key(instance)
    cfg["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        cfg["SQLALCHEMY_DATABASE_URI"], cfg.get("SQLALCHEMY_ENGINE_OPTIONS")
    )
    cfg["SQLALCHEMY_BINDS"] = with_steps_bind(cfg)
    return cfg


def with_steps_bind(cfg: Mapping[str, Any]) -> dict[str, Any]:
    """The configured binds, and on PostgreSQL the engine's units of work on a pool of
    their own (same database, same options): their prepared statements last
    (``engine.prepared``). Each process holds up to twice the pool's connections."""
    binds = dict(cfg.get("SQLALCHEMY_BINDS") or {})
    url = cfg["SQLALCHEMY_DATABASE_URI"]
    if is_postgres(url):
        binds.setdefault(STEPS_BIND, {"url": url, **cfg["SQLALCHEMY_ENGINE_OPTIONS"]})
    return binds


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def engine_options(url: str, given: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """SQLAlchemy engine options; SQLite waits for a busy lock instead of failing at once.

    A pooled connection is never handed out dead: after a database restart or a dropped
    connection the pool reconnects instead of failing one request per worker. SQLite
    pings every connection before use (in process, no round trip); PostgreSQL pings only
    a connection that may be dead (``webapp.pool_ping``, installed by ``create_app``)."""
    options = dict(given or {})
    postgres = is_postgres(url)
    options.setdefault("pool_pre_ping", not postgres)
    connect_args = dict(options.get("connect_args") or {})
    if is_sqlite(url):
        connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_SECONDS)
    elif postgres:
        # psycopg prepares a statement on its fifth run and PostgreSQL may then keep one
        # generic plan for it: a list filtered by a user's region took 630 ms instead of
        # 30 ms that way (bench/worklist.py). Plan every query for its own parameters.
        connect_args.setdefault("prepare_threshold", None)
    if connect_args:
        options["connect_args"] = connect_args
    return options


def persistent_secret_key(instance: Path) -> str:
    """The key in ``<instance>/secret_key``, created (mode 0600) if missing.

    Every gunicorn worker builds its own app; the first one to get here writes the key
    and the others read it. The file appears atomically (hard link of a complete temp
    file), so nobody ever reads a half-written key.
    """
    instance.mkdir(parents=True, exist_ok=True)
    target = instance / "secret_key"
    if not target.exists():
        tmp = instance / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(secrets.token_hex(32))
            os.link(tmp, target)
        except FileExistsError:
            pass  # another process won the race; use its key
        finally:
            tmp.unlink(missing_ok=True)
    key = target.read_text(encoding="ascii").strip()
    if not key:
        raise ConfigError(f"密钥文件 {target} 为空：请删除后重启，或设置 ZONGZHI_SECRET_KEY")
    return key


def _poll_seconds(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigError(f"ZONGZHI_TIMER_POLL_SECONDS 应为正整数（秒），当前为 {raw!r}")
    return value


def _positive(env: Mapping[str, str], key: str, default: float, kind: type) -> float:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = 0
    if value <= 0:
        unit = "正整数" if kind is int else "正数"
        raise ConfigError(f"{key} 应为{unit}，当前为 {raw!r}")
    return value


def script_budget(env: Mapping[str, str]) -> Budget:
    """What one piece of diagram code may spend: ``ZONGZHI_SCRIPT_STEP_LIMIT`` (loop
    iterations and calls), ``ZONGZHI_SCRIPT_SECONDS`` (per engine step) and
    ``ZONGZHI_SCRIPT_MEMORY_MB``."""
    default = Budget()
    return Budget(
        steps=int(_positive(env, "ZONGZHI_SCRIPT_STEP_LIMIT", default.steps, int)),
        seconds=_positive(env, "ZONGZHI_SCRIPT_SECONDS", default.seconds, float),
        memory_mb=int(_positive(env, "ZONGZHI_SCRIPT_MEMORY_MB", default.memory_mb, int)),
    )


def cookie_secure_setting(raw: str) -> bool | None:
    """``ZONGZHI_COOKIE_SECURE``: ``True``/``False`` when set, ``None`` (automatic: secure
    unless the site is reached on 127.0.0.1 or localhost) when empty or ``auto``."""
    value = raw.strip().lower()
    if value in ("", "auto"):
        return None
    if value in _TRUE or value in _FALSE:
        return value in _TRUE
    raise ConfigError(f"ZONGZHI_COOKIE_SECURE 应为 1 或 0（或 auto），当前为 {raw!r}")


def _count(env: Mapping[str, str], key: str) -> int:
    raw = env.get(key, "").strip() or "0"
    if not raw.isdigit():
        raise ConfigError(f"{key} 应为 0 或正整数，当前为 {raw!r}")
    return int(raw)


def _rate_limit(key: str, raw: str) -> str:
    try:
        parse_many(raw)
    except ValueError:
        raise ConfigError(
            f"{key} 无效：{raw!r}（应如 10 per minute;100 per day，多项以分号分隔）"
        ) from None
    return raw


def _log_level(raw: str) -> str:
    level = raw.strip().upper()
    if not isinstance(logging.getLevelName(level), int):
        raise ConfigError(
            f"ZONGZHI_LOG_LEVEL 无效：{raw!r}（可用 DEBUG、INFO、WARNING、ERROR、CRITICAL）"
        )
    return level


def center_phones(raw: str) -> dict[str, str]:
    """``ZONGZHI_CENTER_PHONE`` as region code → phone ("" for every region without one).

    ``0936-8212345`` gives every center that number; ``620702=0936-8212345;620702101=…``
    gives each region's center its own (a region without an entry takes its nearest
    ancestor's); both may be mixed: ``0936-1234567;620702101=0936-8210001``.
    """
    phones: dict[str, str] = {}
    for part in filter(None, (piece.strip() for piece in raw.split(";"))):
        code, _, phone = part.rpartition("=")
        code, phone = code.strip(), phone.strip()
        if not phone or (code and not code.isdigit()) or code in phones:
            raise ConfigError(
                f"ZONGZHI_CENTER_PHONE 无效：{part!r}"
                "（应为一个电话号码，或“区划代码=电话号码”，多项以分号分隔，区划不重复）"
            )
        phones[code] = phone
    return phones
