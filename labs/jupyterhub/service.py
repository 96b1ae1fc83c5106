"""Provisioning learners on the configured JupyterHub (settings JUPYTERHUB_*)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx
from django.conf import settings

from .client import HubError, JupyterHubClient, server_scope


def hub_configured() -> bool:
    """True when JUPYTERHUB_API_URL and JUPYTERHUB_API_TOKEN are set."""
    return bool(getattr(settings, "JUPYTERHUB_API_URL", "")) and bool(
        getattr(settings, "JUPYTERHUB_API_TOKEN", "")
    )


def hub_client() -> JupyterHubClient:
    """A client with the service token (callers close it)."""
    return JupyterHubClient(
        settings.JUPYTERHUB_API_URL,
        settings.JUPYTERHUB_API_TOKEN,
        timeout=getattr(settings, "JUPYTERHUB_TIMEOUT", 10.0),
    )


def public_url() -> str:
    """The hub's address as browsers reach it (defaults to the API URL's origin)."""
    url = getattr(settings, "JUPYTERHUB_PUBLIC_URL", "") or settings.JUPYTERHUB_API_URL
    return url.split("/hub/api")[0].rstrip("/")


def hub_username(user_id: int) -> str:
    """The hub account of a learner (no personal data in it)."""
    return f"lms-{user_id}"


def server_name(lesson_page_id: int, block_id: str) -> str:
    """One named server per lab."""
    return f"lab-{lesson_page_id}-{block_id[:8]}"


@dataclass(frozen=True)
class JupyterAccess:
    """Where the browser goes: the notebook URL with a short-lived server-scoped token."""

    url: str
    token: str
    expires_at: datetime | None


def _contents_url(name: str, server: str, path: str) -> str:
    return f"{public_url()}/user/{quote(name)}/{quote(server)}/api/contents/{quote(path)}"


def jupyter_open(
    user_id: int, lesson_page_id: int, block_id: str, notebook_name: str, notebook: bytes | None
) -> JupyterAccess:
    """Create the learner, start their lab's server, copy the notebook in, mint a token.

    Raises HubError (with the hub's message) or HubUnavailable.
    """
    name, server = hub_username(user_id), server_name(lesson_page_id, block_id)
    with hub_client() as hub:
        hub.create_user(name)
        hub.start_server(name, server)
        hub.wait_ready(name, server, timeout=getattr(settings, "JUPYTERHUB_SPAWN_TIMEOUT", 60))
        if notebook is not None:
            _copy_notebook(name, server, notebook_name, notebook)
        token = hub.create_token(
            name,
            scopes=[server_scope(name, server)],
            expires_in=getattr(settings, "JUPYTERHUB_TOKEN_TTL", 3600),
            note=f"lab {lesson_page_id}/{block_id}",
        )
    url = f"{public_url()}/user/{quote(name)}/{quote(server)}/lab/tree/{quote(notebook_name)}"
    return JupyterAccess(url=url, token=token.token or "", expires_at=token.expires_at)


def _service_headers() -> dict[str, str]:
    return {"Authorization": f"token {settings.JUPYTERHUB_API_TOKEN}"}


def _copy_notebook(name: str, server: str, path: str, notebook: bytes) -> None:
    """Put the course's notebook in the server unless the learner already has one."""
    url = _contents_url(name, server, path)
    timeout = getattr(settings, "JUPYTERHUB_TIMEOUT", 10.0)
    existing = httpx.get(url, headers=_service_headers(), params={"content": 0}, timeout=timeout)
    if existing.status_code == 200:
        return
    body = {"type": "notebook", "format": "json", "content": json.loads(notebook)}
    put = httpx.put(url, headers=_service_headers(), json=body, timeout=timeout)
    if put.status_code >= 400:
        raise HubError(put.status_code, put.text[:300], method="PUT", path=url)


def notebook_fetch(user_id: int, lesson_page_id: int, block_id: str, path: str) -> dict[str, Any]:
    """The learner's notebook as saved in their lab server (nbformat JSON)."""
    name, server = hub_username(user_id), server_name(lesson_page_id, block_id)
    url = _contents_url(name, server, path)
    timeout = getattr(settings, "JUPYTERHUB_TIMEOUT", 10.0)
    try:
        response = httpx.get(
            url, headers=_service_headers(), params={"content": 1}, timeout=timeout
        )
    except httpx.HTTPError as exc:
        raise HubError(0, f"cannot reach the lab server: {exc}", method="GET", path=url) from exc
    if response.status_code >= 400:
        raise HubError(response.status_code, response.text[:300], method="GET", path=url)
    return response.json()["content"]


def jupyter_stop(user_id: int, lesson_page_id: int, block_id: str, *, remove: bool) -> bool:
    """Stop (and optionally remove) the learner's lab server."""
    name, server = hub_username(user_id), server_name(lesson_page_id, block_id)
    with hub_client() as hub:
        return hub.stop_server(name, server, remove=remove)
