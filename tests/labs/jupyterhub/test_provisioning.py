"""Provisioning a learner's Jupyter lab on a real JupyterHub, then grading their notebook."""

import httpx
import nbformat
import pytest

from labs.jupyterhub.grading import grade_notebook
from labs.jupyterhub.service import jupyter_open, jupyter_stop, notebook_fetch

pytestmark = pytest.mark.jupyterhub

CHECKS = [
    {
        "name": "mean",
        "code": "assert mean_level == 50",
        "message_en": "mean_level must be 50",
        "message_zh": "mean_level 应为 50",
    },
    {
        "name": "frame",
        "code": "assert len(levels) == 3",
        "message_en": "three levels",
        "message_zh": "三个液位",
    },
]


def test_open_copies_the_notebook_and_hands_a_server_scoped_token(hub_settings):
    """The learner gets a URL and a token that reads their notebook on their lab server."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("levels = [40, 50, 60]")])
    access = jupyter_open(7, 12, "abcdef123456", "tank.ipynb", nbformat.writes(nb).encode())
    assert "/user/lms-7/lab-12-abcdef12/lab/tree/tank.ipynb" in access.url
    assert access.expires_at is not None
    contents = access.url.replace("/lab/tree/", "/api/contents/")
    response = httpx.get(contents, headers={"Authorization": f"token {access.token}"}, timeout=15)
    assert response.status_code == 200 and response.json()["type"] == "notebook"
    fetched = notebook_fetch(7, 12, "abcdef123456", "tank.ipynb")
    assert fetched["cells"][0]["source"] == "levels = [40, 50, 60]"
    # opening again keeps the learner's notebook (no overwrite) and works on a running server
    again = jupyter_open(7, 12, "abcdef123456", "tank.ipynb", b"{}")
    assert again.url == access.url
    assert jupyter_stop(7, 12, "abcdef123456", remove=True) is True


def test_notebook_checks_are_graded_one_by_one():
    """Each check passes or fails on its own, with the lab's message in both languages."""
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("levels = [40, 50, 70]\nmean_level = sum(levels) / 3")]
    )
    result, score, passed = grade_notebook(nbformat.writes(nb), {"checks": CHECKS})
    by_id = {c["id"]: c for c in result["en"]["checks"]}
    assert by_id["frame"]["passed"] is True
    assert by_id["mean"]["passed"] is False and by_id["mean"]["message"] == "mean_level must be 50"
    assert result["zh"]["checks"][0]["message"] == "mean_level 应为 50"
    assert score == 50.0 and passed is False


def test_unreadable_notebook_is_a_result_not_a_crash():
    """Garbage instead of a notebook gives score 0 with a message."""
    result, score, passed = grade_notebook("not json", {"checks": CHECKS})
    assert score == 0 and not passed and result["en"]["error"]
