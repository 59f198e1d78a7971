"""Files attached to cases: photos, 调解协议书, 调解记录, 受理登记表, letters, voice notes.

Public API (see /work/notes/attachments-api.md): ``add_attachment``, ``prepare``,
``attachments_of``, ``get_attachment``, ``read_content``, ``reference`` /
``parse_reference``; the stores ``open_store`` / ``LocalStore`` / ``S3Store``; the errors
``AttachmentRefused``, ``AttachmentMissing``, ``StoreError``.
"""

from .checks import AttachmentRefused, Limits, clean_name
from .enums import ATTACHMENT_ADDED, AttachmentKind, AttachmentSource
from .models import Attachment
from .service import (
    AttachContext,
    AttachmentMissing,
    Position,
    Upload,
    add_attachment,
    attachments_of,
    event_data,
    get_attachment,
    parse_reference,
    prepare,
    read_content,
    reference,
)
from .sniff import ALLOWED, FileType, sniff
from .store import LocalStore, ObjectStore, S3Store, StoreError, open_store, sha256_of

__all__ = [
    "ALLOWED",
    "ATTACHMENT_ADDED",
    "AttachContext",
    "Attachment",
    "AttachmentKind",
    "AttachmentMissing",
    "AttachmentRefused",
    "AttachmentSource",
    "FileType",
    "Limits",
    "LocalStore",
    "ObjectStore",
    "Position",
    "S3Store",
    "StoreError",
    "Upload",
    "add_attachment",
    "attachments_of",
    "clean_name",
    "event_data",
    "get_attachment",
    "open_store",
    "parse_reference",
    "prepare",
    "read_content",
    "reference",
    "sha256_of",
    "sniff",
]
