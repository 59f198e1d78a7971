"""Attachments on the web: the case page's upload and list, downloads, file fields of task
forms, and the request-side helper the phone app uses (``attach_upload``)."""

from .uploads import accepts_files, attach_upload, init_app
from .views import bp

__all__ = ["accepts_files", "attach_upload", "bp", "init_app"]
