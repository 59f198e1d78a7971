"""A file's type from its content (magic bytes), never from its name.

``sniff(content)`` names what the bytes are; ``ALLOWED`` lists what may be attached:
photos (JPEG, PNG, HEIC, WebP), PDF, office documents and audio for voice notes.
"""

from __future__ import annotations

from dataclasses import dataclass

import filetype


@dataclass(frozen=True)
class FileType:
    """What the content is: a content type, a usual extension and a Chinese name."""

    mime: str
    extension: str
    label: str

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")


ALLOWED: dict[str, str] = {
    "image/jpeg": "JPEG 图片",
    "image/png": "PNG 图片",
    "image/heic": "HEIC 图片",
    "image/webp": "WebP 图片",
    "application/pdf": "PDF",
    "application/msword": "Word 文档",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word 文档",
    "application/vnd.ms-excel": "Excel 表格",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel 表格",
    "application/vnd.oasis.opendocument.text": "ODF 文档",
    "application/vnd.oasis.opendocument.spreadsheet": "ODF 表格",
    "application/rtf": "RTF 文档",
    "audio/mpeg": "MP3 音频",
    "audio/mp4": "M4A 音频",
    "audio/aac": "AAC 音频",
    "audio/ogg": "OGG 音频",
    "audio/amr": "AMR 音频",
    "audio/x-wav": "WAV 音频",
    "audio/webm": "WebM 音频",
}
"""Content types that may be attached, with their Chinese names."""

_OTHER_LABELS = {
    "application/x-msdownload": "可执行程序",
    "application/x-executable": "可执行程序",
    "application/x-deb": "安装包",
    "application/x-rpm": "安装包",
    "application/zip": "ZIP 压缩包",
    "application/x-rar-compressed": "RAR 压缩包",
    "application/x-7z-compressed": "7z 压缩包",
    "application/gzip": "压缩包",
    "application/x-sqlite3": "数据库文件",
    "image/gif": "GIF 动图",
    "image/bmp": "BMP 图片",
    "image/tiff": "TIFF 图片",
}

UNKNOWN = FileType("application/octet-stream", "bin", "无法识别的格式")

_EXTENSIONS = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "heic": "image/heic",
    "webp": "image/webp",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "wav": "audio/x-wav",
    "ogg": "audio/ogg",
    "amr": "audio/amr",
    "webm": "audio/webm",
}


def _text_like(content: bytes) -> bool:
    head = content[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<script", b"<svg", b"<?xml"))


def sniff(content: bytes) -> FileType:
    """What ``content`` is, by its first bytes."""
    found = filetype.guess(content[:8192])
    if found is None:
        if _text_like(content):
            return FileType("text/html", "html", "网页或脚本")
        return UNKNOWN
    mime = found.mime
    if mime == "video/webm":
        mime = "audio/webm"  # a browser's MediaRecorder voice note
    label = ALLOWED.get(mime) or _OTHER_LABELS.get(mime) or f"{found.extension.upper()} 文件"
    return FileType(mime, found.extension, label)


def claimed_type(filename: str) -> str | None:
    """The content type a file's name claims (``x.pdf`` → PDF), or ``None``."""
    _, dot, extension = filename.rpartition(".")
    return _EXTENSIONS.get(extension.lower()) if dot else None


def claimed_label(filename: str) -> str | None:
    mime = claimed_type(filename)
    if mime is None:
        return None
    return "PDF" if mime == "application/pdf" else ALLOWED.get(mime, "").split(" ")[0] or None
