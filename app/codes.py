"""Official and service code lists, read from ``resources/codes``.

Codes are data because the DfE changes the SSDA903 sets between collection years and a service
adds its own; the domain only asks "is this code valid for this list (in this year)?".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import resources

_FILES = ("ssda903.toml", "service.toml", "ofsted_fostering.toml")


@dataclass(frozen=True)
class Code:
    code: str
    label: str
    valid_from: str | None = None
    valid_to: str | None = None

    def valid_in(self, collection_year: str | None) -> bool:
        """Collection years are written "2024/25"; string order is chronological for them."""
        if collection_year is None:
            return True
        if self.valid_from and collection_year < self.valid_from:
            return False
        return not (self.valid_to and collection_year > self.valid_to)


@cache
def code_list(name: str) -> dict[str, Code]:
    """All codes of one list, by code. Raises KeyError for an unknown list name."""
    for filename in _FILES:
        data = resources.load_toml("codes", filename)
        if name in data:
            out: dict[str, Code] = {}
            for code, value in data[name].items():
                if isinstance(value, str):
                    out[code] = Code(code, value)
                else:
                    out[code] = Code(
                        code, value["label"], value.get("valid_from"), value.get("valid_to")
                    )
            return out
    raise KeyError(f"no code list named {name!r}")


def is_valid(name: str, code: str, collection_year: str | None = None) -> bool:
    entry = code_list(name).get(code)
    return entry is not None and entry.valid_in(collection_year)


def label(name: str, code: str) -> str:
    """The human label for a code, or the code itself if the list no longer has it."""
    entry = code_list(name).get(code)
    return entry.label if entry else code


def collection_year_of(day_iso: str) -> str:
    """The SSDA903 collection year (1 April to 31 March) that contains an ISO date."""
    year, month = int(day_iso[:4]), int(day_iso[5:7])
    start = year if month >= 4 else year - 1
    return f"{start}/{(start + 1) % 100:02d}"
