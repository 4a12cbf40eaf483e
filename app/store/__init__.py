"""The encrypted local store: profiles, keys, the SQLCipher engine and migrations."""

from __future__ import annotations

from app.store.profile import Profile
from app.store.store import Store

__all__ = ["Profile", "Store"]
