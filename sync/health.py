"""Whether a service answers its health check, for code that started a service itself and
waits for it (the demo's local service): any failure, refusal or silence means "not yet".

Why here: the desktop client speaks HTTP only through ``sync``, so a screen or launcher never
imports ``requests`` (``tests/app/test_architecture.py``).
"""

from __future__ import annotations

from sync.client import ServiceClient, ServiceRefused, ServiceUnavailable


def answers(base_url: str, *, timeout: float = 2.0) -> bool:
    """Whether ``base_url/health`` answers with success within ``timeout`` seconds."""
    client = ServiceClient(base_url, read_timeout=timeout)
    try:
        client.health()
    except (ServiceUnavailable, ServiceRefused):
        return False
    finally:
        client.close()
    return True
