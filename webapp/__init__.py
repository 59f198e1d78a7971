"""The Flask application: ``create_app`` is the only way to one; nothing runs at import."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from importlib.resources import files
from typing import Any

from flask import Flask, render_template_string
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy import event

import processes.attachments.models  # registers the attachment table
import processes.field.models  # (registers the field-work tables)
import processes.models  # noqa: F401  (registers the domain tables with the metadata)
from engine import pipelining
from engine.db import db

from . import (
    accounts,
    admin,
    api,
    attachments,
    audit,
    calendar_notice,
    cases,
    designer,
    engine_binding,
    errors,
    headers,
    health,
    home,
    intake,
    leader,
    limits,
    lookup,
    mobile,
    navigation,
    pool_ping,
    proxies,
    reports,
    row_links,
    screening,
    supervision,
    tasks,
    validation,
)
from .config import load_config


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides what the environment says."""
    app = Flask(__name__)
    # /cases and /cases/, /tasks and /tasks/ are the same page: a hand-typed slash never 404s
    app.url_map.strict_slashes = False
    app.config.from_mapping(load_config(app.instance_path, config))
    validation.init_app(app)  # bounded <int:…> routes: before any blueprint is registered
    attachments.init_app(app)  # uploads' body limit: ahead of the hooks that read the body
    app.logger.setLevel(app.config["ZONGZHI_LOG_LEVEL"])

    db.init_app(app)
    _configure_sqlite(app)
    _configure_pool(app)
    Migrate(app, db, directory=migrations_directory())
    CSRFProtect(app)
    accounts.init_app(app)
    engine_binding.init_app(app)

    limits.init_app(app)
    headers.init_app(app)
    proxies.init_app(app)
    errors.init_app(app)
    navigation.init_app(app)
    row_links.init_app(app)
    calendar_notice.init_app(app)

    areas = (
        health,
        home,
        tasks,
        cases,
        attachments,
        intake,
        supervision,
        leader,
        reports,
        lookup,
        mobile,
        screening,
        designer,
        audit,
        admin,
    )
    for area in areas:
        app.register_blueprint(area.bp)
    api.init_app(app)
    app.register_error_handler(CSRFError, _csrf_failed)
    return app


def migrations_directory() -> str:
    """The bundled Alembic directory (the top-level ``migrations`` package)."""
    return str(files("migrations"))


def _configure_pool(app: Flask) -> None:
    """PostgreSQL connections pinged only when they may be dead (unless every checkout
    pings, as the configuration may ask); a transaction's BEGIN may go with its first
    statement and its COMMIT with its last (``engine.pipelining``)."""
    pings = not app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("pool_pre_ping")
    with app.app_context():
        for sa_engine in db.engines.values():
            if sa_engine.dialect.name == "postgresql":
                pipelining.install(sa_engine)  # a step: its lock, its write
                if pings:
                    pool_ping.install(sa_engine)


def _configure_sqlite(app: Flask) -> None:
    """Foreign keys on, WAL journal so readers and the one writer do not block each other."""
    with app.app_context():
        for sa_engine in db.engines.values():
            if sa_engine.dialect.name == "sqlite":
                event.listen(sa_engine, "connect", _sqlite_on_connect)


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
    finally:
        cursor.close()


def _csrf_failed(error: CSRFError):
    logging.getLogger(__name__).info("CSRF check failed: %s", error.description)
    return render_template_string(_CSRF_PAGE), 400


_CSRF_PAGE = """{% extends "base.html" %}
{% block title %}请求无效{% endblock %}
{% block content %}
<h1>请求无效</h1>
<p>页面已过期或表单校验失败，请返回并刷新页面后重试。</p>
{% endblock %}"""
