"""The JupyterHub client against a real JupyterHub 6 on loopback."""

import socket
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from labs.jupyterhub.client import HubError, HubUnavailable, JupyterHubClient, server_scope

pytestmark = pytest.mark.jupyterhub


@pytest.fixture
def hub(jupyterhub_server):
    api, _public, token = jupyterhub_server
    with JupyterHubClient(api, token, timeout=15) as client:
        yield client


def test_version_is_six(hub):
    """The fixture runs JupyterHub 6, the version the client is written for."""
    assert hub.version().startswith("6.")


def test_user_lifecycle_is_idempotent(hub):
    """Creating twice returns the same user; get_user is None once deleted."""
    assert hub.get_user("ada") is None
    first = hub.create_user("ada")
    again = hub.create_user("ada")
    assert first.name == again.name == "ada"
    assert hub.get_user("ada").name == "ada"
    assert hub.delete_user("ada") is True
    assert hub.delete_user("ada") is False
    assert hub.get_user("ada") is None


def test_list_users_follows_pagination(hub):
    """Listing with a page size of 2 still returns every user once."""
    names = {f"page{i}" for i in range(5)}
    for name in names:
        hub.create_user(name)
    listed = [u.name for u in hub.list_users(page_size=2)]
    assert names <= set(listed)
    assert len(listed) == len(set(listed))
    for name in names:
        hub.delete_user(name)


def test_named_server_start_progress_token_stop_remove(hub, jupyterhub_server):
    """A named server starts with progress events, a scoped token reaches only that server."""
    _api, public, _token = jupyterhub_server
    hub.create_user("grace")
    hub.start_server("grace", "lab1")
    events = list(hub.server_progress("grace", "lab1", timeout=60))
    assert events and events[-1].ready, events
    assert [e.progress for e in events] == sorted(e.progress for e in events)
    server = hub.get_server("grace", "lab1")
    assert server.ready and server.url.endswith("/user/grace/lab1/")
    hub.start_server("grace", "lab1")  # already running: not an error

    token = hub.create_token(
        "grace", scopes=[server_scope("grace", "lab1")], expires_in=600, note="test"
    )
    assert token.token and token.expires_at is not None
    assert token.expires_at - datetime.now(UTC) <= timedelta(seconds=601)
    assert any(server_scope("grace", "lab1") in s for s in token.scopes)
    headers = {"Authorization": f"token {token.token}"}
    ok = httpx.get(f"{public}/user/grace/lab1/api/status", headers=headers, timeout=15)
    assert ok.status_code == 200
    # the token is not an API token for the hub itself
    refused = httpx.get(f"{public}/hub/api/users", headers=headers, timeout=15)
    assert refused.status_code == 403
    # a token scoped to another server of the same user does not open this one
    other = hub.create_token("grace", scopes=[server_scope("grace", "lab2")], expires_in=60)
    other_headers = {"Authorization": f"token {other.token}"}
    denied = httpx.get(f"{public}/user/grace/lab1/api/status", headers=other_headers, timeout=15)
    assert denied.status_code == 403
    # revoked tokens leave the hub's list (the server may cache a validation for a while)
    assert hub.revoke_token("grace", token.id) is True
    assert token.id not in {t.id for t in hub.list_tokens("grace")}

    assert hub.stop_server("grace", "lab1", remove=True) is True
    assert hub.get_server("grace", "lab1") is None
    hub.delete_user("grace")


def test_hub_messages_are_surfaced(hub):
    """A refused request raises HubError with the hub's own explanation."""
    hub.create_user("linus")
    with pytest.raises(HubError) as info:
        hub.create_token("linus", scopes=["admin:users"], expires_in=60)
    assert info.value.status == 400
    assert "not held by User linus" in info.value.message
    with pytest.raises(HubError) as missing:
        hub.start_server("nobody-here", "x")
    assert missing.value.status == 404
    hub.delete_user("linus")


def test_token_must_expire(hub):
    """The client refuses to mint a token that never expires."""
    with pytest.raises(ValueError, match="expire"):
        hub.create_token("x", scopes=[], expires_in=0)


def test_unreachable_hub_is_reported_not_hung():
    """Nothing listening: HubUnavailable with the address, after the timeout at most."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = JupyterHubClient(f"http://127.0.0.1:{port}/hub/api", "t", timeout=2)
    with client, pytest.raises(HubUnavailable, match="cannot connect"):
        client.version()
