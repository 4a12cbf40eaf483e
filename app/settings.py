"""A profile's settings that are not case data: where the service is, how soon to lock, how big
the text is.

They live beside the encrypted store in ``settings.json`` (not inside it) because some are
needed before the passphrase is typed: the unlock window is drawn at the worker's font size,
and the idle lock applies from the first second. Nothing here says anything about a child; the
service address and CA bundle path are the same for everyone in the council.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.store.atomic import write_bytes_atomically

SETTINGS_FILE = "settings.json"

MIN_IDLE_MINUTES, MAX_IDLE_MINUTES = 1, 60
FONT_POINT_SIZES = range(9, 25)


class SettingsInvalid(ValueError):
    """A setting the worker typed cannot be used; ``field`` says which one."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Settings:
    #: The central service, e.g. ``https://casebook.council.gov.uk``; empty for an offline-only
    #: profile, which never syncs.
    service_url: str = ""
    #: A PEM bundle of the council's own certificate authorities, for networks that inspect TLS.
    ca_bundle: str = ""
    #: Lock after this many minutes without keyboard or mouse input.
    idle_lock_minutes: int = 5
    #: Text size in points; 0 follows the desktop's own setting.
    font_point_size: int = 0
    #: Sync by itself every few minutes while unlocked and the service is reachable.
    auto_sync: bool = True
    # The service's name printed on exported records is not here: it comes from the service
    # (``app.service_name``), so no one can print a different name on a laptop. An older
    # file's ``service_name`` is ignored by ``load``.

    @property
    def offline_only(self) -> bool:
        return not self.service_url

    def validated(self) -> Settings:
        """The same settings, checked; raises ``SettingsInvalid`` naming the field at fault."""
        if self.service_url:
            parts = urlsplit(self.service_url)
            loopback = parts.hostname in {"127.0.0.1", "localhost", "::1"}
            if parts.scheme not in {"https", "http"} or not parts.hostname:
                raise SettingsInvalid(
                    "service_url",
                    "The service address should look like https://casebook.example.gov.uk.",
                )
            if parts.scheme == "http" and not loopback:
                raise SettingsInvalid(
                    "service_url",
                    "The service address must start with https:// so case records are "
                    "encrypted on the network.",
                )
        if self.ca_bundle and not Path(self.ca_bundle).is_file():
            raise SettingsInvalid(
                "ca_bundle", "The certificate bundle file could not be found at that path."
            )
        if not MIN_IDLE_MINUTES <= self.idle_lock_minutes <= MAX_IDLE_MINUTES:
            raise SettingsInvalid(
                "idle_lock_minutes",
                f"Choose between {MIN_IDLE_MINUTES} and {MAX_IDLE_MINUTES} minutes.",
            )
        if self.font_point_size and self.font_point_size not in FONT_POINT_SIZES:
            raise SettingsInvalid(
                "font_point_size",
                f"Choose a text size between {FONT_POINT_SIZES.start} and "
                f"{FONT_POINT_SIZES.stop - 1} points.",
            )
        return replace(self, service_url=self.service_url.rstrip("/"))


def load(profile_path: Path) -> Settings:
    """The profile's settings; defaults for anything missing, unknown keys ignored, so an older
    or newer app can read the file. A damaged file gives the defaults rather than no app."""
    try:
        raw: Any = json.loads((profile_path / SETTINGS_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError, UnicodeDecodeError):
        return Settings()
    if not isinstance(raw, dict):
        return Settings()
    defaults = Settings()
    values = {
        f.name: raw[f.name]
        for f in fields(Settings)
        if f.name in raw and type(raw[f.name]) is type(getattr(defaults, f.name))
    }
    return replace(defaults, **values)


def save(profile_path: Path, settings: Settings) -> Settings:
    checked = settings.validated()
    data = json.dumps(asdict(checked), indent=2, sort_keys=True).encode("utf-8")
    write_bytes_atomically(profile_path / SETTINGS_FILE, data)
    return checked
