"""The laptop's HTTP client for the central service.

One pooled ``requests.Session`` (connection reuse matters more than anything on a slow council
link), explicit connect/read timeouts on every call, TLS verification always on (with an optional
CA bundle for council networks that inspect TLS), gzip-compressed uploads, and every failure
turned into a ``ServiceUnavailable`` or ``ServiceRefused`` with a sentence a worker can act on.
Tokens and bodies are never logged.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, TypeVar
from urllib.parse import quote

import orjson
import requests
import urllib3
from pydantic import BaseModel, ValidationError

from app import gcpause
from sync.protocol import compression
from sync.protocol import courses as courses_protocol
from sync.protocol import panels as panel_protocol
from sync.protocol import register as register_protocol
from sync.protocol import team as team_protocol
from sync.protocol.messages import (
    DeviceRegistration,
    ErrorBody,
    PullResponse,
    PushResponse,
    RefreshRequest,
    TokenPair,
    UploadState,
)

logger = logging.getLogger(__name__)
#: What the worker is told when an answer cannot be read (cut short, or not the protocol's).
UNREADABLE = "The service sent an answer Casebook could not read; it will try again."

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 60.0
#: "Is the service there?" needs no minute-long wait for an answer that is not coming.
PROBE_READ_TIMEOUT = 5.0
#: One sentence, short enough for the status bar.
UNREACHABLE = "Cannot reach the service; your work is safe here."
#: Bodies smaller than this are sent plain: compressing them costs more than it saves.
GZIP_FROM_BYTES = 1024


class ServiceUnavailable(Exception):
    """The service could not be reached or did not answer properly: safe to retry later.

    ``retry_after`` is the server's own advice (seconds) when it gave one.
    """

    def __init__(
        self, message: str, *, retry_after: float | None = None, unreachable: bool = False
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        #: No connection could be made at all (nothing answered at the address): trying again
        #: at once only keeps the worker waiting for the same answer.
        self.unreachable = unreachable


class ServiceRefused(Exception):
    """The service answered with a definite refusal; ``error.action`` says what to do."""

    def __init__(self, error: ErrorBody, status: int) -> None:
        super().__init__(error.message)
        self.error = error
        self.status = status


@dataclass(frozen=True)
class Extra:
    """Raw body and extra headers for a request that is not JSON (attachment content)."""

    data: bytes | None
    headers: dict[str, str]


@dataclass(frozen=True)
class JsonBody:
    """A JSON request body already encoded (and gzipped when large enough to be worth it).

    A push encodes its next batch on the sync's own thread, before settling the last one,
    rather than on the thread that sends it: there the encoding took turns with the settling
    for the interpreter, and the service waited the longer for the batch."""

    data: bytes
    gzipped: bool

    @classmethod
    def of(cls, body: dict[str, Any]) -> JsonBody:
        data = orjson.dumps(body)
        if len(data) >= GZIP_FROM_BYTES:
            return cls(compression.compress(data), True)
        return cls(data, False)


class OutgoingChange(NamedTuple):
    """One change as the laptop sends it: the wire form of ``sync.protocol.messages.Change``,
    made straight from an outbox row.

    Not a ``Change`` model: validating and then dumping one per entry checked what the laptop's
    own outbox already guarantees, and cost about as much as the rest of making the batch
    (reading, inflating and encoding it) on the thread a push waits on.
    """

    change_id: uuid.UUID
    record_type: str
    record_id: uuid.UUID
    operation: Literal["upsert", "delete"]
    base_revision: int | None
    fields: dict[str, Any]
    #: The pull cursor the change was made under (``Change.made_under``).
    made_under: str | None = None


@dataclass
class Credentials:
    device_id: str
    access_token: str
    refresh_token: str
    access_expires_at: float

    @classmethod
    def from_pair(cls, pair: TokenPair, *, now: float) -> Credentials:
        # Refresh a little early so a token never expires in flight.
        return cls(
            str(pair.device_id),
            pair.access_token,
            pair.refresh_token,
            now + pair.access_expires_in * 0.9,
        )


class ServiceClient:
    def __init__(
        self,
        base_url: str,
        *,
        ca_bundle: str | None = None,
        credentials: Credentials | None = None,
        on_new_credentials: Callable[[Credentials], None] | None = None,
        clock: Callable[[], float] = time.time,
        read_timeout: float = READ_TIMEOUT,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._timeout = (CONNECT_TIMEOUT, read_timeout)
        self.session = requests.Session()
        # The environment (a council's proxy, a CA bundle named by REQUESTS_CA_BUNDLE) is read
        # once, here: left to requests, it was read again on every call, walking the whole
        # environment twice, about a tenth of a quiet sync's time on the laptop.
        self.session.trust_env = False
        self.session.proxies = requests.utils.get_environ_proxies(self.base_url)
        self.session.verify = ca_bundle or _environment_ca_bundle() or True
        self.session.headers["User-Agent"] = "Casebook"
        self.credentials = credentials
        self._on_new_credentials = on_new_credentials
        self._clock = clock
        #: Bytes on the wire (compressed where compressed), for the progress bar.
        self.bytes_sent = 0
        self.bytes_received = 0

    # ---- Public API

    def register_device(self, *, username: str, password: str, device_name: str) -> TokenPair:
        body = DeviceRegistration(username=username, password=password, device_name=device_name)
        pair = TokenPair.model_validate(
            self._call("POST", "/v1/devices", body.model_dump(), auth=False)
        )
        self._remember(pair)
        return pair

    def push(self, body: JsonBody, cursor: str | None = None, *, one: bool = False) -> PushResponse:
        """Send a batch as :meth:`encode_push` made it, with the pull cursor (if any) as the
        ``cursor`` query parameter. ``one``: the batch is a single change, which the service
        accepts up to its largest record whatever its batch limit."""
        params: dict[str, str] | None = {"cursor": cursor} if cursor else None
        if one:
            params = {**(params or {}), "one": "true"}
        answer = self._call("POST", "/v1/sync/push", body, params=params, raw=True)
        return _read(PushResponse, answer)

    @staticmethod
    def encode_push(changes: Sequence[OutgoingChange]) -> JsonBody:
        """A ``PushRequest`` body without its cursor (ids as the model's JSON spells them:
        orjson writes a UUID the same way)."""
        return JsonBody.of({"changes": [c._asdict() for c in changes]})

    def pull(self, *, cursor: str | None, limit: int, skip_own: bool = True) -> PullResponse:
        # The laptop's device id lives inside its encrypted store, so the device has held its
        # own pushed versions all along: the service need not send them back.
        params: dict[str, Any] = {"limit": limit, "skip_own": "true" if skip_own else "false"}
        if cursor:
            params["cursor"] = cursor
        return _read(PullResponse, self._call("GET", "/v1/sync/pull", params=params, raw=True))

    def upload_status(self, sha256: str) -> UploadState:
        return UploadState.model_validate(self._call("GET", f"/v1/attachments/{sha256}/upload"))

    def upload_chunk(self, sha256: str, offset: int, chunk: bytes) -> UploadState:
        return UploadState.model_validate(
            self._call(
                "PUT",
                f"/v1/attachments/{sha256}/upload",
                params={"offset": offset},
                data=chunk,
            )
        )

    def download(self, sha256: str, *, start: int, length: int) -> tuple[int, int, bytes]:
        """Up to ``length`` bytes of the file from ``start``. Returns where the bytes begin
        (0 if the service sent the whole file instead), the file's size, and the bytes."""
        response: requests.Response = self._call(
            "GET",
            f"/v1/attachments/{sha256}",
            headers={"Range": f"bytes={start}-{start + length - 1}"},
            raw=True,
        )
        if response.status_code == 206:
            total = response.headers.get("Content-Range", "").rpartition("/")[2]
            if total.isdigit():
                return start, int(total), response.content
        return 0, len(response.content), response.content

    def templates(self) -> Any:
        """The service's list of form templates (``GET /v1/templates``), as JSON; read by
        ``sync.templates``, which checks its shape."""
        return self._call("GET", "/v1/templates")

    def template(self, name: str) -> Any:
        """One form template with its content, as JSON."""
        return self._call("GET", f"/v1/templates/{quote(name, safe='')}")

    def team_overview(self) -> team_protocol.TeamOverview:
        """The signed-in manager's team, as the service works it out (managers only)."""
        return _read(team_protocol.TeamOverview, self._call("GET", "/v1/team/overview", raw=True))

    def team_reentries(self) -> team_protocol.TeamReentries:
        """The signed-in manager's team's re-entries to care after going home (managers only;
        a service too old to say answers 404)."""
        return _read(team_protocol.TeamReentries, self._call("GET", "/v1/team/reentries", raw=True))

    def carer_register(self) -> register_protocol.CarerRegister:
        """Every approved carer household with its placements and free places (the service's
        workers and managers only)."""
        return _read(register_protocol.CarerRegister, self._call("GET", "/v1/register", raw=True))

    def panels(self) -> panel_protocol.PanelList:
        """The fostering panel's dates, each with the households on it this account may see."""
        return _read(panel_protocol.PanelList, self._call("GET", "/v1/panels", raw=True))

    def add_panel(self, body: panel_protocol.NewPanelMeeting) -> panel_protocol.PanelMeetingView:
        return self._panel_change("/v1/panels", body)

    def add_panel_item(
        self, meeting_id: uuid.UUID, body: panel_protocol.NewPanelItem
    ) -> panel_protocol.PanelMeetingView:
        return self._panel_change(f"/v1/panels/{meeting_id}/items", body)

    def recommend(
        self, item_id: uuid.UUID, body: panel_protocol.PanelRecommendation
    ) -> panel_protocol.PanelMeetingView:
        return self._panel_change(f"/v1/panel-items/{item_id}/recommendation", body)

    def decide(
        self, item_id: uuid.UUID, body: panel_protocol.PanelDecision
    ) -> panel_protocol.PanelMeetingView:
        return self._panel_change(f"/v1/panel-items/{item_id}/decision", body)

    def _panel_change(self, path: str, body: Any) -> panel_protocol.PanelMeetingView:
        return panel_protocol.PanelMeetingView.model_validate(
            self._call("POST", path, body.model_dump(mode="json"))
        )

    def courses(self) -> courses_protocol.CourseList:
        """The service's courses for foster carers, from a year back (workers and managers)."""
        return _read(courses_protocol.CourseList, self._call("GET", "/v1/courses", raw=True))

    def allocate(self, request: team_protocol.AllocationRequest) -> team_protocol.AllocationDone:
        """Give a child or household of the manager's team to another member of it."""
        return team_protocol.AllocationDone.model_validate(
            self._call("POST", "/v1/team/allocations", request.model_dump(mode="json"))
        )

    def people(self) -> team_protocol.People:
        """The names behind the login ids this laptop's records carry (``sync.people``)."""
        return team_protocol.People.model_validate(self._call("GET", "/v1/people"))

    def service_identity(self) -> team_protocol.ServiceIdentity:
        """The service's name for exported records (``app.service_name``)."""
        return team_protocol.ServiceIdentity.model_validate(self._call("GET", "/v1/service"))

    def figures(self) -> Any:
        """The service's figures for the caller's scope over the last year, as JSON (read by
        ``sync.figures``)."""
        return self._call("GET", "/v1/reports/figures")

    def health(self) -> dict[str, Any]:
        """The service's ``/health`` answer (no sign-in needed): a cheap "is it reachable?"
        probe. Raises ``ServiceUnavailable`` when it is not."""
        data: dict[str, Any] = self._call("GET", "/health", auth=False)
        return data

    def close(self) -> None:
        self.session.close()

    # ---- Private API

    def _remember(self, pair: TokenPair) -> None:
        self.credentials = Credentials.from_pair(pair, now=self._clock())
        if self._on_new_credentials is not None:
            self._on_new_credentials(self.credentials)

    def _refresh(self) -> None:
        assert self.credentials is not None
        body = RefreshRequest(refresh_token=self.credentials.refresh_token).model_dump()
        self._remember(
            TokenPair.model_validate(self._call("POST", "/v1/auth/refresh", body, auth=False))
        )

    def _call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | JsonBody | None = None,
        *,
        params: dict[str, Any] | None = None,
        auth: bool = True,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        raw: bool = False,
    ) -> Any:
        """One request with the laptop's token (refreshed when it has expired). JSON in and
        out, or raw bytes (``data``, ``raw``) for attachment content."""
        if auth:
            if self.credentials is None:
                raise ServiceRefused(
                    ErrorBody(
                        code="not_registered",
                        action="reauthenticate",
                        message="Connect this laptop to the service first.",
                    ),
                    401,
                )
            if self._clock() >= self.credentials.access_expires_at:
                self._refresh()
        extra = Extra(data, headers or {})
        response = self._send(method, path, body, params, auth, extra)
        if auth and response.status_code == 401 and _code(response) == "token_expired":
            self._refresh()
            response = self._send(method, path, body, params, auth, extra)
        return self._decode(response, raw=raw)

    def _send(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | JsonBody | None,
        params: dict[str, Any] | None,
        auth: bool,
        extra: Extra | None = None,
    ) -> requests.Response:
        headers: dict[str, str] = {"Accept-Encoding": "gzip"}
        data: bytes | None = None
        if extra is not None and extra.data is not None:
            # Attachment bytes go as they are: photos and PDFs are compressed already.
            data = extra.data
            headers["Content-Type"] = "application/octet-stream"
        if extra is not None:
            headers.update(extra.headers)
        if body is not None:
            encoded = body if isinstance(body, JsonBody) else JsonBody.of(body)
            data = encoded.data
            headers["Content-Type"] = "application/json"
            if encoded.gzipped:
                headers["Content-Encoding"] = "gzip"
        if auth and self.credentials is not None:
            headers["Authorization"] = f"Bearer {self.credentials.access_token}"
        try:
            response = self._exchange(method, path, params, headers, data)
            self.bytes_sent += len(data or b"")
            length = response.headers.get("Content-Length", "")
            self.bytes_received += int(length) if length.isdigit() else len(response.content)
            return response
        except requests.exceptions.SSLError:
            raise ServiceUnavailable(
                "The service's security certificate could not be checked. If your council uses "
                "its own certificates, ask IT for the certificate bundle and add it in Settings."
            ) from None
        except requests.exceptions.ConnectTimeout:
            raise ServiceUnavailable(UNREACHABLE, unreachable=True) from None
        except requests.exceptions.Timeout:
            raise ServiceUnavailable(
                "The service took too long to answer. Your work is saved on this laptop and "
                "will be sent next time."
            ) from None
        except requests.exceptions.ConnectionError as exc:
            if _never_connected(exc):
                raise ServiceUnavailable(UNREACHABLE, unreachable=True) from None
            # The request may have reached the service and only its answer was lost: as unknown
            # as a timeout, so it is tried again (the same change ids are recognised).
            raise ServiceUnavailable(
                "The connection to the service dropped before its answer arrived. Your work is "
                "saved on this laptop and will be sent again."
            ) from None
        except (
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ):
            # The answer broke off part-way (a dropped link mid-download): as unknown as a
            # timeout, so the same changes are simply sent again.
            raise ServiceUnavailable(
                "The connection to the service broke off in the middle of an answer. Your work "
                "is saved on this laptop and will be sent next time."
            ) from None

    def _exchange(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None,
        headers: dict[str, str],
        data: bytes | None,
    ) -> requests.Response:
        """One request through the session's pool, its answer read whole (here, where a
        broken answer is caught).

        A redirect is never followed: the service's API never sends one, so an answer that
        does (a captive portal's, say) is not the service's and reads as unreadable.
        """
        response = self.session.request(
            method,
            self.base_url + path,
            params=params,
            headers=headers,
            data=data,
            timeout=self._timeout,
            allow_redirects=False,
        )
        response.content  # noqa: B018 (read whole here, where a broken answer is caught)
        return response

    @staticmethod
    def _decode(response: requests.Response, *, raw: bool = False) -> Any:
        if response.status_code >= 500 or response.status_code == 429:
            retry = response.headers.get("Retry-After")
            raise ServiceUnavailable(
                "The service is busy or having problems. Your work is saved on this laptop; "
                "Casebook will try again shortly.",
                retry_after=float(retry) if retry and retry.isdigit() else None,
            )
        if raw and response.status_code < 400:
            return response
        try:
            data = orjson.loads(response.content)
        except (ValueError, requests.RequestException):
            raise ServiceUnavailable(UNREADABLE) from None
        if response.status_code >= 400:
            try:
                error = ErrorBody.model_validate(data)
            except ValueError:
                raise ServiceUnavailable(UNREADABLE) from None
            logger.info("service refused a request: %s (%s)", error.code, response.status_code)
            raise ServiceRefused(error, response.status_code)
        return data


_Answer = TypeVar("_Answer", bound=BaseModel)


def _read(model: type[_Answer], response: requests.Response) -> _Answer:
    """A sync answer read straight from its JSON by the model (pydantic's own parser), not
    parsed to Python objects and then validated, which takes about a quarter less time for a
    page of pulled records or the answer to a push (bench/README.md, "Figures behind the
    code"). An answer that is not what the protocol says is unreadable, as a broken one is:
    sent again later.

    Read with the cycle collector paused (``app.gcpause``): a page of a first pull is
    thousands of models and none forms a cycle, so a collection would only walk the heap;
    the pause covers the reading, not the wait for the answer."""
    try:
        with gcpause.paused():
            return model.model_validate_json(response.content)
    except ValidationError:
        raise ServiceUnavailable(UNREADABLE) from None


def _environment_ca_bundle() -> str | None:
    """A CA bundle named in the environment, as requests itself would honour it."""
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or None


def _code(response: requests.Response) -> str | None:
    try:
        return str(response.json().get("code"))
    except (ValueError, AttributeError):
        return None


def _never_connected(exc: requests.exceptions.ConnectionError) -> bool:
    """Whether no connection was made at all (refused, no route, name not found), as against
    one that broke after the request went: only the first means nothing is there to answer, so
    trying again at once would only keep the worker waiting."""
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, urllib3.exceptions.MaxRetryError):
        reason = reason.reason
    return isinstance(
        reason, urllib3.exceptions.NewConnectionError | urllib3.exceptions.ConnectTimeoutError
    )
