"""A real JupyterHub 6 on loopback for the `jupyterhub` tier (a plugin of tests/conftest.py,
so the API tests in tests/labs/jupyterhub and the browser journey in tests/e2e share one hub).

The hub uses SimpleLocalProcessSpawner (servers run as the test's own user, in a temporary
home), named servers, and one service token with just the scopes the labs need.
"""

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.processes import free_port, stop_process

BIN = Path(sys.executable).parent
SERVICE_SCOPES = ["admin:users", "admin:servers", "tokens", "list:users", "access:servers"]


CONFIG = """
c = get_config()  # noqa
c.JupyterHub.bind_url = "http://127.0.0.1:{proxy_port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.auth_token = "{proxy_token}"
c.JupyterHub.db_url = "sqlite:///{tmp}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{tmp}/cookie_secret"
c.JupyterHub.pid_file = "{tmp}/jupyterhub.pid"
c.JupyterHub.allow_named_servers = True
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = "{tmp}/home/{{username}}"
c.Spawner.cmd = ["{bin}/jupyterhub-singleuser"]
c.Spawner.args = {args!r}
c.Spawner.ip = "127.0.0.1"
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
c.Spawner.default_url = "/lab"
# the site hands the browser a short-lived server-scoped token in the URL (ADR 0070);
# JupyterHub 5+ single-user servers ignore URL tokens on pages unless this is set
c.Spawner.environment = {{"JUPYTERHUB_ALLOW_TOKEN_IN_URL": "1"}}
c.JupyterHub.authenticator_class = "null"
c.Authenticator.allow_all = True
c.JupyterHub.cleanup_servers = True
c.JupyterHub.load_roles = [
    {{"name": "lms", "scopes": {scopes!r}, "services": ["lms"]}},
]
c.JupyterHub.services = [{{"name": "lms", "api_token": "{service_token}"}}]
"""


@pytest.fixture(scope="session")
def jupyterhub_server(tmp_path_factory):
    """A running JupyterHub: yields (api_url, public_url, service_token)."""
    tmp = tmp_path_factory.mktemp("hub")
    (tmp / "home").mkdir()
    proxy_port, hub_port, api_port = free_port(), free_port(), free_port()
    token = secrets.token_hex(16)
    args = ["--allow-root"] if os.geteuid() == 0 else []
    (tmp / "jupyterhub_config.py").write_text(
        CONFIG.format(
            proxy_port=proxy_port,
            hub_port=hub_port,
            proxy_api_port=api_port,
            proxy_token=secrets.token_hex(16),
            tmp=tmp,
            bin=BIN,
            args=args,
            scopes=SERVICE_SCOPES,
            service_token=token,
        )
    )
    env = dict(os.environ, PATH=f"{BIN}:{os.environ.get('PATH', '')}")
    log = (tmp / "hub.log").open("w")
    proc = subprocess.Popen(
        [str(BIN / "jupyterhub"), "-f", str(tmp / "jupyterhub_config.py")],
        cwd=tmp,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    public = f"http://127.0.0.1:{proxy_port}"
    api = f"{public}/hub/api"
    deadline = time.monotonic() + 60
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterHub exited: {(tmp / 'hub.log').read_text()[-3000:]}")
            try:
                if httpx.get(api + "/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterHub did not start: {(tmp / 'hub.log').read_text()[-3000:]}")
            time.sleep(0.3)
        yield api, public, token
    finally:
        stop_process(proc)
        log.close()


@pytest.fixture
def hub_settings(settings, jupyterhub_server):
    """The site's JUPYTERHUB_* settings pointed at the test hub; yields its public URL."""
    api, public, token = jupyterhub_server
    settings.JUPYTERHUB_API_URL = api
    settings.JUPYTERHUB_PUBLIC_URL = public
    settings.JUPYTERHUB_API_TOKEN = token
    settings.JUPYTERHUB_TOKEN_TTL = 600
    # a loaded CI machine may take a while to start a single-user server
    settings.JUPYTERHUB_SPAWN_TIMEOUT = 120
    return public
