"""Content-addressed object stores: an object's key is the SHA-256 of its bytes.

``LocalStore`` keeps objects in a folder (``ab/cd/abcd…``), ``S3Store`` in a bucket of
any S3-compatible service (boto3). Putting the same content twice stores one object.
``open_store(settings)`` picks one from the ``ZONGZHI_ATTACHMENT_*`` settings.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse


class StoreError(RuntimeError):
    """The object store could not be reached or refused a request (message in Chinese)."""


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class ObjectStore(Protocol):
    """Where attachment bytes live, by SHA-256."""

    def put(self, content: bytes) -> str:
        """Store ``content`` (once) and return its SHA-256."""
        ...

    def get(self, digest: str) -> bytes | None:
        """The object's bytes, or ``None`` when it is missing."""
        ...

    def exists(self, digest: str) -> bool: ...


def _checked(digest: str) -> str:
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError("not a SHA-256 hex digest")
    return digest


class LocalStore:
    """Objects as files under ``root``; written to a temporary name, then renamed."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    def path(self, digest: str) -> Path:
        digest = _checked(digest)
        return self.root / digest[:2] / digest[2:4] / digest

    def put(self, content: bytes) -> str:
        digest = sha256_of(content)
        target = self.path(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{digest}.{secrets.token_hex(4)}")
        tmp.write_bytes(content)
        os.replace(tmp, target)
        return digest

    def get(self, digest: str) -> bytes | None:
        try:
            return self.path(digest).read_bytes()
        except FileNotFoundError:
            return None

    def exists(self, digest: str) -> bool:
        return self.path(digest).exists()


class S3Store:
    """Objects in ``bucket`` under ``prefix`` of an S3-compatible service."""

    def __init__(self, client: Any, bucket: str, prefix: str = ""):
        self.client, self.bucket = client, bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def key(self, digest: str) -> str:
        return f"{self.prefix}{_checked(digest)}"

    def put(self, content: bytes) -> str:
        digest = sha256_of(content)
        if self.exists(digest):
            return digest
        try:
            self.client.put_object(Bucket=self.bucket, Key=self.key(digest), Body=content)
        except Exception as error:  # botocore raises many kinds; all mean "not stored"
            raise StoreError(f"附件存储服务写入失败：{type(error).__name__}") from error
        return digest

    def get(self, digest: str) -> bytes | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.key(digest))
        except self.client.exceptions.NoSuchKey:
            return None
        except Exception as error:
            raise StoreError(f"附件存储服务读取失败：{type(error).__name__}") from error
        return answer["Body"].read()

    def exists(self, digest: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(digest))
        except Exception as error:
            if _status(error) == 404:
                return False
            raise StoreError(f"附件存储服务无法访问：{type(error).__name__}") from error
        return True


def _status(error: Exception) -> int | None:
    response = getattr(error, "response", None) or {}
    return response.get("ResponseMetadata", {}).get("HTTPStatusCode")


def s3_client(settings: Mapping[str, Any]) -> Any:
    import boto3  # imported only when an S3 store is configured

    return boto3.client(
        "s3",
        endpoint_url=settings.get("ZONGZHI_ATTACHMENT_S3_ENDPOINT") or None,
        region_name=settings.get("ZONGZHI_ATTACHMENT_S3_REGION") or "us-east-1",
        aws_access_key_id=settings.get("ZONGZHI_ATTACHMENT_S3_ACCESS_KEY") or None,
        aws_secret_access_key=settings.get("ZONGZHI_ATTACHMENT_S3_SECRET_KEY") or None,
    )


def open_store(settings: Mapping[str, Any], *, default_dir: str | os.PathLike[str]) -> ObjectStore:
    """The store the settings name: ``ZONGZHI_ATTACHMENT_S3_URL`` (``s3://bucket/prefix``)
    for S3, else the folder ``ZONGZHI_ATTACHMENT_DIR``, else ``default_dir``."""
    url = settings.get("ZONGZHI_ATTACHMENT_S3_URL")
    if url:
        parsed = urlparse(url)
        if parsed.scheme != "s3" or not parsed.netloc:
            raise StoreError(f"ZONGZHI_ATTACHMENT_S3_URL 应形如 s3://存储桶/前缀，当前为 {url!r}")
        return S3Store(s3_client(settings), parsed.netloc, parsed.path)
    return LocalStore(settings.get("ZONGZHI_ATTACHMENT_DIR") or default_dir)
