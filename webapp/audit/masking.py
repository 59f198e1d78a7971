"""Personal data in history rows, masked for the auditor as everywhere else: the keys that
hold a party's data, the case's parties' names, phones and ID numbers wherever free text
repeats them, and anything shaped like a mobile number or a 身份证号."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from processes.masking import mask_id_number, mask_name, mask_phone
from processes.models import Party

from ..cases.labels import PERSONAL_KEYS
from ..cases.service import scrub

_PHONE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_BY_KEY: dict[str, Callable[[str], str]] = {
    "name": mask_name,
    "phone": mask_phone,
    "id_number": mask_id_number,
}


def mask_text(text: str, parties: Sequence[Party] = ()) -> str:
    text = scrub(text, list(parties)) if parties else text
    text = _ID_NUMBER.sub(lambda found: mask_id_number(found.group()), text)
    return _PHONE.sub(lambda found: mask_phone(found.group()), text)


def _mask_personal(key: str, value: Any, parties: Sequence[Party]) -> Any:
    if isinstance(value, dict | list):
        return mask_value(value, parties)
    if value in (None, ""):
        return value
    return _BY_KEY.get(key, lambda _text: "***")(str(value))


def mask_value(value: Any, parties: Sequence[Party] = ()) -> Any:
    """``value`` (JSON-like) with personal data masked; the input is never changed."""
    if isinstance(value, dict):
        return {
            key: _mask_personal(key, item, parties)
            if key in PERSONAL_KEYS
            else mask_value(item, parties)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [mask_value(item, parties) for item in value]
    if isinstance(value, str):
        return mask_text(value, parties)
    return value
