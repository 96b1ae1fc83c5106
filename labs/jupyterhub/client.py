"""A small typed client for the JupyterHub REST API (JupyterHub 5 and 6).

Covers what the labs need: users, named servers with their progress stream, tokens with
scopes and expiry, and paginated listings. Every call has a timeout; every refusal of the hub
raises :class:`HubError` carrying the hub's own message. See docs/decisions/0070 for why this
is not built on the ``jupyterhub-client`` package.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx

PAGINATION = "application/jupyterhub-pagination+json"
# seconds a stop request may take: above JupyterHub's slow_stop_timeout (10 s by default)
STOP_TIMEOUT = 30.0


class HubError(Exception):
    """The hub refused a request (``status`` is its HTTP status, ``message`` its own words)."""

    def __init__(self, status: int, message: str, *, method: str = "", path: str = "") -> None:
        super().__init__(f"JupyterHub {method} {path} -> {status}: {message}")
        self.status = status
        self.message = message
        self.method = method
        self.path = path


class HubUnavailable(HubError):
    """The hub could not be reached in time (connection refused, DNS, timeout)."""


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass(frozen=True)
class HubServer:
    """One (possibly named) server of a user as the hub reports it."""

    name: str
    ready: bool
    pending: str | None
    url: str
    progress_url: str
    started: datetime | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> HubServer:
        """Build from the hub's server model."""
        return cls(
            name=data.get("name", ""),
            ready=bool(data.get("ready")),
            pending=data.get("pending"),
            url=data.get("url", ""),
            progress_url=data.get("progress_url", ""),
            started=_time(data.get("started")),
        )


@dataclass(frozen=True)
class HubUser:
    """A hub user with the servers it has (an empty dict when the caller may not see them)."""

    name: str
    admin: bool = False
    servers: Mapping[str, HubServer] = field(default_factory=dict)
    last_activity: datetime | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> HubUser:
        """Build from the hub's user model."""
        servers = {k: HubServer.from_api(v) for k, v in (data.get("servers") or {}).items()}
        return cls(
            name=data["name"],
            admin=bool(data.get("admin")),
            servers=servers,
            last_activity=_time(data.get("last_activity")),
        )


@dataclass(frozen=True)
class HubToken:
    """An API token; ``token`` (the secret) is only known right after creation."""

    id: str
    scopes: tuple[str, ...]
    expires_at: datetime | None
    note: str = ""
    token: str | None = field(default=None, repr=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> HubToken:
        """Build from the hub's token model."""
        return cls(
            id=str(data["id"]),
            scopes=tuple(data.get("scopes") or ()),
            expires_at=_time(data.get("expires_at")),
            note=data.get("note") or "",
            token=data.get("token"),
        )


@dataclass(frozen=True)
class ProgressEvent:
    """One event of a server's spawn progress stream."""

    progress: int
    message: str
    ready: bool = False
    failed: bool = False
    url: str = ""


class JupyterHubClient:
    """Synchronous client of one hub's REST API (``api_url`` ends with ``/hub/api``).

    ``transport`` lets tests plug an ``httpx.MockTransport``; production uses the network.
    """

    def __init__(
        self,
        api_url: str,
        token: str,
        *,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.timeout = timeout
        self._http = httpx.Client(
            base_url=self.api_url,
            headers={"Authorization": f"token {token}", "Accept": "application/json"},
            timeout=httpx.Timeout(timeout),
            transport=transport,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> JupyterHubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing ------------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        ok_missing: bool = False,
        timeout: float | None = None,
    ) -> Any:
        try:
            response = self._http.request(
                method,
                path,
                json=body,
                params=params,
                headers=headers or None,
                timeout=httpx.Timeout(timeout or self.timeout),
            )
        except httpx.TimeoutException as exc:
            raise HubUnavailable(
                0,
                f"no answer within {timeout or self.timeout:g} s ({exc})",
                method=method,
                path=path,
            ) from exc
        except httpx.TransportError as exc:
            raise HubUnavailable(0, f"cannot connect: {exc}", method=method, path=path) from exc
        if ok_missing and response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise HubError(response.status_code, _message(response), method=method, path=path)
        if response.status_code == 204 or not response.content:
            return {}
        return response.json()

    @staticmethod
    def _user_path(name: str, server_name: str | None = None) -> str:
        path = f"/users/{quote(name, safe='')}"
        if server_name is not None:
            path += f"/servers/{quote(server_name, safe='')}"
        return path

    def _paginate(self, path: str, page_size: int) -> Iterator[dict[str, Any]]:
        offset = 0
        while True:
            page = self._request(
                "GET",
                path,
                params={"offset": offset, "limit": page_size},
                headers={"Accept": PAGINATION},
            )
            if isinstance(page, list):  # a hub that ignores the pagination Accept header
                yield from page
                return
            yield from page.get("items", [])
            nxt = (page.get("_pagination") or {}).get("next")
            if not nxt:
                return
            offset = int(nxt["offset"])

    # -- hub ----------------------------------------------------------------------------------

    def version(self) -> str:
        """The hub's version string (no authentication needed)."""
        return self._request("GET", "/")["version"]

    # -- users --------------------------------------------------------------------------------

    def list_users(self, *, page_size: int = 100) -> Iterator[HubUser]:
        """Every user, fetched ``page_size`` at a time."""
        for data in self._paginate("/users", page_size):
            yield HubUser.from_api(data)

    def get_user(self, name: str) -> HubUser | None:
        """The user called ``name``, or None when the hub has no such user."""
        data = self._request("GET", self._user_path(name), ok_missing=True)
        return None if data is None else HubUser.from_api(data)

    def create_user(self, name: str) -> HubUser:
        """Create ``name``; an existing user is returned as it is (idempotent)."""
        try:
            return HubUser.from_api(self._request("POST", self._user_path(name)))
        except HubError as exc:
            if exc.status != 409:
                raise
        user = self.get_user(name)
        if user is None:  # deleted between the two calls
            raise HubError(404, f"user {name} vanished", method="GET", path=self._user_path(name))
        return user

    def delete_user(self, name: str) -> bool:
        """Delete ``name`` and its servers; False when there was no such user."""
        return self._request("DELETE", self._user_path(name), ok_missing=True) is not None

    # -- servers ------------------------------------------------------------------------------

    def get_server(self, name: str, server_name: str) -> HubServer | None:
        """The named server, or None when the user has no server of that name (JupyterHub 6)."""
        data = self._request("GET", self._user_path(name, server_name), ok_missing=True)
        return None if data is None else HubServer.from_api(data)

    def start_server(
        self, name: str, server_name: str, options: Mapping[str, Any] | None = None
    ) -> None:
        """Ask the hub to start the named server (returns while it may still be pending).

        Starting a server that already runs is not an error. The hub may take up to its
        ``slow_spawn_timeout`` to answer, so this call waits at least 30 s.
        """
        try:
            body = {"user_options": dict(options or {})}
            # the hub holds the request up to its slow_spawn_timeout (10 s) before a 202
            path = self._user_path(name, server_name)
            self._request("POST", path, body=body, timeout=max(self.timeout, 30.0))
        except HubError as exc:
            if exc.status == 400 and "already running" in exc.message:
                return
            raise

    def server_progress(
        self, name: str, server_name: str, *, timeout: float = 60.0
    ) -> Iterator[ProgressEvent]:
        """The spawn progress events (server-sent events) until ready, failed or ``timeout``."""
        path = self._user_path(name, server_name) + "/progress"
        deadline = time.monotonic() + timeout
        try:
            with self._http.stream(
                "GET",
                path,
                headers={"Accept": "text/event-stream"},
                timeout=httpx.Timeout(self.timeout, read=timeout),
            ) as response:
                if response.status_code >= 400:
                    response.read()
                    status, message = response.status_code, _message(response)
                    raise HubError(status, message, method="GET", path=path)
                for line in response.iter_lines():
                    if time.monotonic() > deadline:
                        return
                    if not line.startswith("data:"):
                        continue
                    data = json.loads(line[5:].strip() or "{}")
                    event = ProgressEvent(
                        progress=int(data.get("progress") or 0),
                        message=str(data.get("message") or ""),
                        ready=bool(data.get("ready")),
                        failed=bool(data.get("failed")),
                        url=str(data.get("url") or ""),
                    )
                    yield event
                    if event.ready or event.failed:
                        return
        except httpx.TimeoutException as exc:
            message = f"no progress within {timeout:g} s"
            raise HubUnavailable(0, message, method="GET", path=path) from exc
        except httpx.TransportError as exc:
            raise HubUnavailable(0, f"cannot connect: {exc}", method="GET", path=path) from exc

    def wait_ready(self, name: str, server_name: str, *, timeout: float = 60.0) -> HubServer:
        """Follow the progress stream until the server is ready; HubError when it failed."""
        for event in self.server_progress(name, server_name, timeout=timeout):
            if event.failed:
                raise HubError(500, event.message or "spawn failed", method="GET", path="progress")
        server = self.get_server(name, server_name)
        if server is None or not server.ready:
            raise HubUnavailable(
                0, f"server {name}/{server_name} not ready within {timeout:g} s", path="progress"
            )
        return server

    def stop_server(self, name: str, server_name: str, *, remove: bool = False) -> bool:
        """Stop the named server (and forget it when ``remove``); False when it did not exist."""
        body = {"remove": True} if remove else None
        # the hub answers a stop only after up to its slow_stop_timeout (10 s by default, then
        # 202 "pending"): a client timeout of the same length would race it
        result = self._request(
            "DELETE",
            self._user_path(name, server_name),
            body=body,
            ok_missing=True,
            timeout=max(self.timeout, STOP_TIMEOUT),
        )
        return result is not None

    # -- tokens -------------------------------------------------------------------------------

    def create_token(
        self,
        name: str,
        *,
        scopes: list[str],
        expires_in: int,
        note: str = "",
    ) -> HubToken:
        """A new token for ``name`` limited to ``scopes``, expiring after ``expires_in`` s."""
        if expires_in <= 0:
            raise ValueError("expires_in must be positive: tokens handed to browsers must expire")
        data = self._request(
            "POST",
            self._user_path(name) + "/tokens",
            body={"scopes": list(scopes), "expires_in": int(expires_in), "note": note},
        )
        return HubToken.from_api(data)

    def list_tokens(self, name: str) -> list[HubToken]:
        """The user's API tokens (without their secrets)."""
        data = self._request("GET", self._user_path(name) + "/tokens")
        return [HubToken.from_api(t) for t in data.get("api_tokens", [])]

    def revoke_token(self, name: str, token_id: str) -> bool:
        """Revoke one token; False when it did not exist."""
        path = self._user_path(name) + f"/tokens/{quote(token_id, safe='')}"
        return self._request("DELETE", path, ok_missing=True) is not None


def server_scope(name: str, server_name: str) -> str:
    """The scope that lets a token reach one named server and nothing else."""
    return f"access:servers!server={name}/{server_name}"


def _message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:300] or response.reason_phrase
    if isinstance(data, dict) and data.get("message"):
        return str(data["message"])
    return response.reason_phrase
