"""Personal data shown in lists and exports: masked unless the role needs it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


def mask_name(name: str | None) -> str:
    """张三丰 → 张**; a single character stays as it is."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)


def mask_phone(phone: str | None) -> str:
    """13812345678 → 138****5678; shorter numbers keep only their last two digits."""
    if not phone:
        return ""
    if len(phone) >= 11:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * max(len(phone) - 2, 1) + phone[-2:]


def mask_id_number(id_number: str | None) -> str:
    """A 身份证号 keeps its first and last four characters: 6207**********1234."""
    if not id_number:
        return ""
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


class _PartyLike(Protocol):
    role: str
    name: str
    phone: str | None


@dataclass(frozen=True)
class MaskedParty:
    """A party as lists show it: role, masked name, masked phone."""

    role: str
    name: str
    phone: str


def masked_party(party: _PartyLike) -> MaskedParty:
    return MaskedParty(party.role, mask_name(party.name), mask_phone(party.phone))
