"""HTTP routes, one module per area; each declares its response model and error answers."""

from __future__ import annotations

from typing import Any

from sync.protocol.messages import ErrorBody

_DESCRIPTIONS = {
    400: "Bad request (e.g. an unrecognised cursor)",
    401: "Not signed in, token expired or invalid (`action` says whether to sign in again)",
    403: "Device revoked or account disabled (`action` is `wipe`)",
    404: "Not found, or not in the caller's caseload (the two are indistinguishable)",
    409: "Conflicting upload offset",
    413: "Body, batch or file too large",
    415: "Unsupported content encoding",
    422: "The request body or a parameter is malformed; `field` names it",
    429: "Too many attempts; see the Retry-After header",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries declaring the ErrorBody answers a route can give."""
    return {code: {"model": ErrorBody, "description": _DESCRIPTIONS[code]} for code in codes}


AUTHED = (401, 403, 413, 415, 422)
