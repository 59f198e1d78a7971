"""The application's attachment store and limits, from its settings, built on first use.

Settings (the app's config first, then the environment):

- ``ZONGZHI_ATTACHMENT_DIR``: folder of the local object store (default: ``attachments``
  beside the SQLite file, else in the instance folder);
- ``ZONGZHI_ATTACHMENT_S3_URL``: ``s3://bucket/prefix`` stores objects in S3 instead;
- ``ZONGZHI_ATTACHMENT_S3_ENDPOINT``: an S3-compatible service's endpoint (MinIO, OSS, …);
- ``ZONGZHI_ATTACHMENT_S3_REGION`` (``us-east-1``), ``ZONGZHI_ATTACHMENT_S3_ACCESS_KEY`` and
  ``ZONGZHI_ATTACHMENT_S3_SECRET_KEY`` (else boto3's usual credential sources);
- ``ZONGZHI_ATTACHMENT_MAX_MB``: largest file accepted (20);
- ``ZONGZHI_ATTACHMENT_MAX_PER_CASE``: most files on one case (100).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy.engine import make_url

from processes.attachments import Limits, ObjectStore, open_store
from processes.attachments.checks import MB

EXTENSION_KEY = "zongzhi.attachment_store"
SETTINGS = (
    "ZONGZHI_ATTACHMENT_DIR",
    "ZONGZHI_ATTACHMENT_S3_URL",
    "ZONGZHI_ATTACHMENT_S3_ENDPOINT",
    "ZONGZHI_ATTACHMENT_S3_REGION",
    "ZONGZHI_ATTACHMENT_S3_ACCESS_KEY",
    "ZONGZHI_ATTACHMENT_S3_SECRET_KEY",
    "ZONGZHI_ATTACHMENT_MAX_MB",
    "ZONGZHI_ATTACHMENT_MAX_PER_CASE",
)


def settings(app: Flask) -> dict[str, Any]:
    """The attachment settings: the app's config first, then the environment."""
    return {key: app.config.get(key) or os.environ.get(key) for key in SETTINGS}


def default_dir(app: Flask) -> Path:
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).resolve().parent / "attachments"
    return Path(app.instance_path) / "attachments"


def current_store() -> ObjectStore:
    """The object store of the current application."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    store = app.extensions.get(EXTENSION_KEY)
    if store is None:
        store = app.extensions[EXTENSION_KEY] = open_store(
            settings(app), default_dir=default_dir(app)
        )
    return store


def current_limits() -> Limits:
    given = settings(current_app)
    default = Limits()
    max_mb = given["ZONGZHI_ATTACHMENT_MAX_MB"]
    count = given["ZONGZHI_ATTACHMENT_MAX_PER_CASE"]
    return Limits(
        max_bytes=int(float(max_mb) * MB) if max_mb else default.max_bytes,
        max_per_case=int(count) if count else default.max_per_case,
    )
