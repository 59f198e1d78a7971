"""The attachments' vocabularies: kinds (the Chinese label users see) and where one came from."""

from enum import StrEnum


class AttachmentKind(StrEnum):
    """What a file is to the case; the value is the label shown."""

    SITE_PHOTO = "现场照片"
    """A photo of the place or the matter, usually from a grid worker's phone."""
    AGREEMENT = "调解协议书"
    """The signed mediation agreement."""
    MEDIATION_RECORD = "调解记录"
    """Minutes of a mediation session."""
    INTAKE_FORM = "受理登记表"
    """The signed intake register form (a scan or a photo)."""
    LETTER = "来信"
    """A letter from a party or another body."""
    VOICE = "语音"
    """A voice note."""
    OTHER = "其他"
    """Anything else the case needs."""


class AttachmentSource(StrEnum):
    """Where an attachment was uploaded."""

    CASE_PAGE = "case_page"
    """The 上传附件 form on the case page."""
    TASK_FORM = "task_form"
    """A file field of a task form."""
    PHONE = "phone"
    """The grid worker's phone app (/m/)."""


ATTACHMENT_ADDED = "attachment_added"
"""History event: a file was attached to a case (data: attachment id, case code, kind,
file name, size, content type and its SHA-256, which the hash chain then covers)."""
