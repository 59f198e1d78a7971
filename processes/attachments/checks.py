"""What may be attached: type by content, size, count; refusals name the file and why."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .sniff import ALLOWED, FileType, claimed_label, sniff

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """``ZONGZHI_ATTACHMENT_MAX_MB`` and ``ZONGZHI_ATTACHMENT_MAX_PER_CASE``."""

    max_bytes: int = 20 * MB
    max_per_case: int = 100


class AttachmentRefused(ValueError):
    """A file that may not be attached; ``str()`` is the Chinese message for the user."""

    def __init__(self, message: str, *, file_name: str = ""):
        super().__init__(message)
        self.message = message
        self.file_name = file_name


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")


def clean_name(filename: str) -> str:
    """The name shown and offered on download: no folders, no control characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("", name).strip().lstrip(".") or "附件"
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 190 - len(ext)] + dot + ext) if dot and len(ext) <= 8 else name[:200]
    return name


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f}".rstrip("0").rstrip(".") + " MB"


def check_content(name: str, content: bytes, limits: Limits) -> FileType:
    """The file's type when it may be attached; else ``AttachmentRefused``."""
    if not content:
        raise AttachmentRefused(f"文件 {name} 是空文件，已拒绝", file_name=name)
    if len(content) > limits.max_bytes:
        raise AttachmentRefused(
            f"文件 {name} 大小为 {_megabytes(len(content))}，"
            f"超过上限 {_megabytes(limits.max_bytes)}，已拒绝",
            file_name=name,
        )
    found = sniff(content)
    if found.mime in ALLOWED:
        return found
    claimed = claimed_label(name)
    if claimed:
        message = f"文件 {name} 的内容不是 {claimed}（实际为{found.label}），已拒绝"
    else:
        message = (
            f"文件 {name} 的格式不允许上传（实际为{found.label}）；"
            "可上传照片（JPEG、PNG、HEIC、WebP）、PDF、Word/Excel 文档和语音，已拒绝"
        )
    raise AttachmentRefused(message, file_name=name)


def check_count(name: str, case_code: str, present: int, limits: Limits) -> None:
    if present >= limits.max_per_case:
        raise AttachmentRefused(
            f"文件 {name} 未保存：案件 {case_code} 的附件已达上限 {limits.max_per_case} 个",
            file_name=name,
        )
