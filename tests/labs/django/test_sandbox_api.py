"""The live sandbox API: compile, create, step with inputs, ownership, bad requests."""

import os
import uuid

import pytest
from django.test import Client

from labs.engine.grading import reference_solution
from tests.courses.factories import UserFactory

from .conftest import BROKEN_MOTOR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["locmem", pytest.param("redis", marks=pytest.mark.services)])
def sandbox_cache(request, settings):
    """Every test runs on the local-memory cache and, in the service tier, on Redis
    (``labs.cache.RedisCache``, whose steps store with one compare-and-set round trip)."""
    from labs import sandbox as sandboxes

    sandboxes._hot.clear()
    if request.param == "locmem":
        yield request.param
        return
    prefix = f"sandbox-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "labs.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": prefix,
        }
    }
    from django.core.cache import cache

    yield request.param
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    sandboxes._hot.clear()


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def start(client, api_url, source=None):
    response = post(client, api_url("sandbox"), {"source": source or reference_solution("motor")})
    assert response.status_code == 200, response.content
    return response.json()["sandbox"]


def step(client, sandbox, body):
    return post(client, f"/api/labs/sandbox/{sandbox}/step?lang=en", body)


def test_compile_reports_diagnostics_with_line_and_message(learner_client, api_url):
    """A missing semicolon is reported on its line with a readable message."""
    response = post(learner_client, api_url("compile"), {"source": BROKEN_MOTOR})
    data = response.json()
    assert response.status_code == 200 and data["ok"] is False
    assert data["diagnostics"][0]["line"] in (2, 3)
    assert data["diagnostics"][0]["message"]
    good = post(learner_client, api_url("compile"), {"source": reference_solution("motor")})
    assert good.json() == {"ok": True, "diagnostics": []}


def test_compile_messages_follow_the_page_language(learner_client, api_url):
    """With lang=zh-hans the compiler's message is in Chinese."""
    url = api_url("compile").replace("lang=en", "lang=zh-hans")
    data = post(learner_client, url, {"source": BROKEN_MOTOR}).json()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in data["diagnostics"][0]["message"])


def test_pressing_start_runs_the_motor_and_stop_stops_it(learner_client, api_url):
    """Press START for one step, release, advance: K1 stays on (seal-in); STOP turns it off."""
    sandbox = start(learner_client, api_url)
    data = step(
        learner_client, sandbox, {"actions": [{"op": "press", "name": "START"}], "advance_ms": 100}
    ).json()
    data = step(
        learner_client,
        sandbox,
        {
            "actions": [{"op": "release", "name": "START"}],
            "advance_ms": 500,
            "watch": ["K1", "nonsense"],
        },
    ).json()
    assert data["plant"]["io"]["K1"] is True
    assert data["watch"]["K1"] is True
    assert "error" in data["watch"]["nonsense"]
    assert data["t_ms"] == 600
    assert data["plant"]["state"]["speed_rpm"] > 0
    data = step(
        learner_client, sandbox, {"actions": [{"op": "press", "name": "STOP"}], "advance_ms": 100}
    ).json()
    assert data["plant"]["io"]["K1"] is False


def test_state_survives_between_requests_from_the_cache(learner_client, api_url):
    """Time accumulates across steps: the state lives in the cache, not in the request."""
    sandbox = start(learner_client, api_url)
    for _ in range(3):
        data = step(learner_client, sandbox, {"advance_ms": 100}).json()
    assert data["t_ms"] == 300


def test_forcing_and_faults(learner_client, api_url):
    """A forced output holds its value; an injected overload lights the fault lamp."""
    sandbox = start(learner_client, api_url)
    data = step(
        learner_client,
        sandbox,
        {"actions": [{"op": "force", "name": "%QX0.0", "value": True}], "advance_ms": 50},
    ).json()
    assert data["forced"] and data["plant"]["io"]["K1"] is True
    data = step(
        learner_client,
        sandbox,
        {
            "actions": [
                {"op": "unforce", "name": "%QX0.0"},
                {"op": "fault", "kind": "overload", "target": "K1"},
            ],
            "advance_ms": 200,
        },
    ).json()
    assert data["plant"]["faults"] == [{"kind": "overload", "target": "K1"}]
    assert data["plant"]["io"]["LAMP_FAULT"] is True


def test_cold_restart_resets_time_and_plant(learner_client, api_url):
    """Reset (cold) brings the PLC and the plant back to their initial state."""
    sandbox = start(learner_client, api_url)
    step(
        learner_client, sandbox, {"actions": [{"op": "press", "name": "START"}], "advance_ms": 300}
    )
    data = step(learner_client, sandbox, {"actions": [{"op": "cold_restart"}]}).json()
    assert data["plant"]["io"]["K1"] is False
    assert data["plant"]["state"]["speed_rpm"] == 0


def test_runaway_loop_shows_the_watchdog_fault_and_line(learner_client, api_url):
    """A WHILE TRUE loop stops the PLC in FAULT with the watchdog message and its line."""
    lines = ["PROGRAM Main", "VAR i : INT; END_VAR", "WHILE TRUE DO", "  i := i + 1;"]
    source = "\n".join([*lines, "END_WHILE;", "END_PROGRAM", ""])
    sandbox = start(learner_client, api_url, source)
    data = step(learner_client, sandbox, {"advance_ms": 20}).json()
    assert data["status"] == "FAULT"
    assert data["fault"]["line"] in (3, 4)
    assert data["fault"]["message"]


@pytest.mark.parametrize(
    "body",
    [
        [],
        "text",
        {"advance_ms": -1},
        {"advance_ms": 10_000_000},
        {"advance_ms": "100"},
        {"advance_ms": True},
        {"actions": "press"},
        {"actions": [{"op": "explode"}]},
        {"actions": [{"op": "press", "name": 5}]},
        {"actions": [{"op": "press", "name": "NO_SUCH_BUTTON"}]},
        {"actions": [{"op": "force", "name": "%QX0.0", "value": [1]}]},
        {"actions": [{"op": "force", "name": "K1", "value": "banana"}]},
        {"actions": [{"op": "fault", "kind": "melt", "target": "K1"}]},
        {"actions": [{"op": "press", "name": "START"}] * 51},
        {"watch": "K1"},
        {"watch": ["x" * 200]},
    ],
)
def test_malformed_step_requests_get_a_clear_400(learner_client, api_url, body):
    """Malformed steps answer 400 with a message, and the sandbox still works afterwards."""
    sandbox = start(learner_client, api_url)
    response = step(learner_client, sandbox, body)
    assert response.status_code == 400
    assert response.json()["message"]
    assert step(learner_client, sandbox, {"advance_ms": 10}).status_code == 200


def test_invalid_json_is_refused(learner_client, api_url):
    """A body that is not JSON gets a 400 with a message."""
    sandbox = start(learner_client, api_url)
    response = learner_client.post(
        f"/api/labs/sandbox/{sandbox}/step", b"{not json", content_type="application/json"
    )
    assert response.status_code == 400 and "JSON" in response.json()["message"]


def test_another_learners_sandbox_is_unreachable(learner_client, api_url):
    """Someone else's sandbox id answers 410 as if it had expired; the owner is unaffected."""
    sandbox = start(learner_client, api_url)
    intruder = Client()
    intruder.force_login(UserFactory())
    response = step(
        intruder, sandbox, {"actions": [{"op": "press", "name": "START"}], "advance_ms": 100}
    )
    assert response.status_code == 410
    data = step(learner_client, sandbox, {"advance_ms": 100}).json()
    assert data["plant"]["io"]["K1"] is False


def test_stale_and_invalid_sandbox_ids(learner_client):
    """An expired id gets 410 with a hint to reset; a malformed one a 400."""
    stale = step(learner_client, "A" * 22, {"advance_ms": 10})
    assert stale.status_code == 410 and "Reset" in stale.json()["message"]
    bad = step(learner_client, "x", {"advance_ms": 10})
    assert bad.status_code == 400


def test_anonymous_users_are_refused(api_url):
    """Without a login every endpoint answers 401 JSON."""
    response = post(Client(), api_url("compile"), {"source": "x"})
    assert response.status_code == 401 and response.json()["error"] == "login"


def test_learner_not_enrolled_cannot_use_the_lab(api_url):
    """A learner who is not enrolled in the course is refused with the course's reason."""
    client = Client()
    client.force_login(UserFactory())
    response = post(client, api_url("compile"), {"source": "x"})
    assert response.status_code == 403 and response.json()["message"]


def test_huge_program_is_refused_with_a_message(learner_client, api_url):
    """A program beyond the size limit is refused (413) with the limit in the message."""
    huge = "PROGRAM Main\n" + "(* padding *)\n" * 8_000 + "END_PROGRAM\n"
    response = post(learner_client, api_url("sandbox"), {"source": huge})
    assert response.status_code == 413
    assert "too long" in response.json()["message"]
    enormous = post(learner_client, api_url("draft"), {"source": huge * 3})
    assert enormous.status_code == 413 and enormous.json()["message"]


def test_unknown_lab_is_gone(learner_client, lab):
    """A lab id that does not exist answers 410 with a message (not a redirect)."""
    lesson, _block, _course = lab
    response = post(learner_client, f"/api/labs/plc/{lesson.pk}/nope/compile", {"source": ""})
    assert response.status_code == 410 and response.json()["message"]


def test_per_learner_sandbox_limit_drops_the_oldest(learner_client, api_url, settings):
    """Past LABS_MAX_SANDBOXES_PER_USER the oldest sandbox expires (410), newer ones work."""
    settings.LABS_MAX_SANDBOXES_PER_USER = 2
    ids = [start(learner_client, api_url) for _ in range(3)]
    assert step(learner_client, ids[0], {"advance_ms": 10}).status_code == 410
    assert step(learner_client, ids[2], {"advance_ms": 10}).status_code == 200


def test_refusals_are_in_chinese_on_chinese_pages(api_url):
    """With lang=zh-hans the refusal message comes from the labs' Chinese catalogue."""
    url = api_url("compile").replace("lang=en", "lang=zh-hans")
    response = post(Client(), url, {"source": "x"})
    assert response.json()["message"] == "请登录后使用实验。"


def test_every_labs_message_has_a_chinese_translation():
    """The labs catalogue leaves no message untranslated."""
    from pathlib import Path

    from babel.messages.pofile import read_po

    import labs

    po = Path(labs.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [m.id for m in catalog if m.id and not m.string]
    assert untranslated == []


def test_a_refused_action_changes_nothing(learner_client, api_url):
    """When one action of a request is refused, the earlier ones are not kept either."""
    sandbox = start(learner_client, api_url)
    bad = step(
        learner_client,
        sandbox,
        {
            "actions": [{"op": "press", "name": "START"}, {"op": "press", "name": "NOPE"}],
            "advance_ms": 100,
        },
    )
    assert bad.status_code == 400
    data = step(learner_client, sandbox, {"advance_ms": 100}).json()
    assert data["plant"]["io"]["K1"] is False and data["t_ms"] == 100


def test_a_step_served_elsewhere_is_not_overwritten_by_a_stale_local_copy(learner_client, api_url):
    """A process holding an old in-memory copy notices the newer state in the cache."""
    from labs import sandbox as sandboxes

    sandbox = start(learner_client, api_url)
    from labs.engine.plants.simulation import PlantSimulation

    step(learner_client, sandbox, {"advance_ms": 100})
    rev, sim, meta = sandboxes._hot[sandbox]
    frozen = PlantSimulation.restore(sim.runtime.program, sim.snapshot())  # copy at t=100
    step(learner_client, sandbox, {"advance_ms": 100})  # "another process" stepped on
    sandboxes._hot[sandbox] = (rev, frozen, meta)
    data = step(learner_client, sandbox, {"advance_ms": 100}).json()
    assert data["t_ms"] == 300


def test_a_sandbox_removed_elsewhere_is_gone_even_from_a_warm_process(learner_client, api_url):
    """A sandbox deleted from the cache (replaced, expired) answers 410 although this process
    still holds its simulation in memory."""
    from django.core.cache import cache

    from labs import sandbox as sandboxes

    sandbox = start(learner_client, api_url)
    assert step(learner_client, sandbox, {"advance_ms": 100}).status_code == 200
    assert sandbox in sandboxes._hot
    cache.delete(sandboxes.KEY.format(sandbox))
    response = step(learner_client, sandbox, {"advance_ms": 100})
    assert response.status_code == 410 and "Reset" in response.json()["message"]


def test_a_snapshot_this_version_cannot_read_asks_for_a_reset(learner_client, api_url):
    """A stored state in an older snapshot format answers 410 with a hint, never a 500."""
    from django.core.cache import cache

    from labs import sandbox as sandboxes

    sandbox = start(learner_client, api_url)
    sandboxes._hot.clear()
    key = sandboxes.KEY.format(sandbox)
    state = cache.get(key)
    state["snap"]["plant"]["rng"] = [3, [0] * 625, None]  # random.Random.getstate() shape
    cache.set(key, state, 60)
    response = step(learner_client, sandbox, {"advance_ms": 100})
    assert response.status_code == 410 and "Reset" in response.json()["message"]


# -- step tokens and the lean request path (labs.stepserver, served by lms.wsgi) ---------------


def start_with_token(client, api_url):
    data = post(client, api_url("sandbox"), {"source": reference_solution("motor")}).json()
    return data["sandbox"], data["token"]


def wsgi_step(sandbox, body, token, *, lang="en", host="testserver", raw=None):
    """POST a step straight to the project's WSGI application (as gunicorn calls it), with no
    cookie at all: (status, headers, JSON body)."""
    import json

    from django.test import RequestFactory

    from lms.wsgi import application

    environ = (
        RequestFactory()
        .post(
            f"/api/labs/sandbox/{sandbox}/step?lang={lang}",
            raw if raw is not None else json.dumps(body),
            content_type="application/json",
            HTTP_X_SANDBOX_TOKEN=token,
            HTTP_HOST=host,
        )
        .environ
    )
    started = {}

    def start_response(status, headers, exc_info=None):
        started["status"], started["headers"] = int(status.split()[0]), dict(headers)

    # as Django's test client does: the WSGI signals must not close the test's transaction
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = application(environ, start_response)
        content = b"".join(result)
        if hasattr(result, "close"):  # PEP 3333: the server calls it when there is one
            result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return started["status"], started["headers"], json.loads(content)


def test_a_step_token_drives_the_sandbox_without_session_or_csrf(learner_client, api_url):
    """The token the page gets with its sandbox steps it through lms.wsgi with no cookie and no
    CSRF token, on the lean path: the security middleware's headers are there, the locale and
    session middleware's are not."""
    sandbox, token = start_with_token(learner_client, api_url)
    press = {"actions": [{"op": "press", "name": "START"}], "advance_ms": 100}
    status, headers, data = wsgi_step(sandbox, press, token)
    assert status == 200, data
    status, headers, data = wsgi_step(
        sandbox, {"actions": [{"op": "release", "name": "START"}], "advance_ms": 300}, token
    )
    assert status == 200 and data["plant"]["io"]["K1"] is True and data["t_ms"] == 400
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"
    assert "Content-Language" not in headers and "Set-Cookie" not in headers
    # the session path sees the same sandbox, stepped on from t=400
    assert step(learner_client, sandbox, {"advance_ms": 100}).json()["t_ms"] == 500


def test_a_step_token_opens_only_its_own_sandbox(learner_client, api_url):
    """A token names one sandbox: used on another (even the same learner's) it is refused, and
    a tampered one is refused; neither moves anything."""
    first, first_token = start_with_token(learner_client, api_url)
    second, second_token = start_with_token(learner_client, api_url)
    assert wsgi_step(first, {"advance_ms": 0}, first_token)[0] == 200  # checked, remembered
    status, _headers, data = wsgi_step(second, {"advance_ms": 100}, first_token)
    assert status == 401 and data["error"] == "token" and data["message"]
    forged = first_token[:-3] + ("AAA" if not first_token.endswith("AAA") else "BBB")
    status, _headers, data = wsgi_step(first, {"advance_ms": 100}, forged)
    assert status == 401 and data["error"] == "token"
    status, _headers, data = wsgi_step(first, {"advance_ms": 100}, "not-a-token")
    assert status == 401
    assert step(learner_client, second, {"advance_ms": 0}).json()["t_ms"] == 0
    assert wsgi_step(second, {"advance_ms": 10}, second_token)[0] == 200


def test_a_token_of_another_learner_does_not_open_a_sandbox(learner_client, api_url):
    """The token is checked against the sandbox's owner too: a genuine token naming this
    sandbox but issued to someone else (as after a reassignment) answers 410 like a stranger's
    session does."""
    from labs.sandbox import step_token

    sandbox, _token = start_with_token(learner_client, api_url)
    intruder = UserFactory()
    status, _headers, data = wsgi_step(
        sandbox, {"advance_ms": 100}, step_token(intruder.pk, sandbox)
    )
    assert status == 410 and data["error"] == "stale"


def test_an_expired_token_is_renewed_through_the_session(learner_client, api_url, settings):
    """Past LABS_STEP_TOKEN_MAX_AGE the token is refused with code "token"; one step through
    the session (as the page then does) answers the state and a fresh token that works."""
    sandbox, token = start_with_token(learner_client, api_url)
    assert wsgi_step(sandbox, {"advance_ms": 0}, token)[0] == 200  # checked, then remembered
    settings.LABS_STEP_TOKEN_MAX_AGE = -1
    status, _headers, data = wsgi_step(sandbox, {"advance_ms": 100}, token)
    assert status == 401 and data["error"] == "token" and "expired" in data["message"]
    settings.LABS_STEP_TOKEN_MAX_AGE = 3600
    renewed = step(learner_client, sandbox, {"advance_ms": 100}).json()
    assert renewed["t_ms"] == 100 and renewed["token"]
    status, _headers, data = wsgi_step(sandbox, {"advance_ms": 100}, renewed["token"])
    assert status == 200 and data["t_ms"] == 200


def test_logging_out_ends_the_learners_sandboxes_and_their_tokens(learner_client, api_url):
    """Logout deletes the learner's live sandboxes, so a token copied from the page leads
    nowhere afterwards."""
    sandbox, token = start_with_token(learner_client, api_url)
    assert wsgi_step(sandbox, {"advance_ms": 100}, token)[0] == 200
    assert learner_client.post("/en/accounts/logout/").status_code == 302
    status, _headers, data = wsgi_step(sandbox, {"advance_ms": 100}, token)
    assert status == 410 and "Reset" in data["message"]


def test_the_lean_path_refuses_bad_requests_with_json(learner_client, api_url):
    """Bad JSON, malformed steps and a host outside ALLOWED_HOSTS get a JSON refusal, in Chinese
    on Chinese pages; never an HTML page or a 500."""
    sandbox, token = start_with_token(learner_client, api_url)
    status, _headers, data = wsgi_step(sandbox, None, token, raw=b"{not json")
    assert status == 400 and "JSON" in data["message"]
    status, _headers, data = wsgi_step(sandbox, {"advance_ms": -5}, token, lang="zh-hans")
    assert status == 400 and any("\u4e00" <= ch <= "\u9fff" for ch in data["message"])
    status, _headers, data = wsgi_step(sandbox, {"advance_ms": 10}, "x", lang="zh-hans")
    assert status == 401 and any("\u4e00" <= ch <= "\u9fff" for ch in data["message"])
    status, _headers, data = wsgi_step(sandbox, {"advance_ms": 10}, token, host="evil.example")
    assert status == 400 and data["error"] == "bad_request"


def test_a_token_step_makes_no_database_query(learner_client, api_url, django_assert_num_queries):
    """The lean path sends none of Django's request signals, whose receivers look after
    database connections: that holds only because a step never touches the database (its
    state, program source and owner are in the cache, the learner in the token)."""
    sandbox, token = start_with_token(learner_client, api_url)
    with django_assert_num_queries(0):
        assert wsgi_step(sandbox, {"advance_ms": 100}, token)[0] == 200
        from labs.sandbox import _hot

        _hot.clear()  # a cold step too: restored from the cache, not the database
        assert wsgi_step(sandbox, {"advance_ms": 100}, token)[0] == 200


def test_a_failing_token_step_answers_json_500_and_restores_the_urlconf(
    learner_client, api_url, monkeypatch
):
    """An unexpected error on the lean path is answered by the JSON handler of labs.step_urls
    (never Django's HTML page), logged, and the thread goes back to the project's URLs."""
    from django.urls import get_urlconf

    from labs import api

    sandbox, token = start_with_token(learner_client, api_url)

    def broken(request, sandbox_id):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(api, "sandbox_token_step_view", broken)
    status, headers, data = wsgi_step(sandbox, {"advance_ms": 100}, token, lang="zh-hans")
    assert status == 500 and data["error"] == "server"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert get_urlconf() is None


def test_session_steps_still_need_csrf_but_token_steps_do_not(learner, lab, api_url):
    """On the full middleware stack a step authenticated by the session is refused without a
    CSRF token, while one carrying the step token needs none."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    lesson, block_id, _course = lab
    page = client.get(f"/en/labs/plc/{lesson.pk}/{block_id}/")  # the lab page sets the cookie
    assert page.status_code == 200
    csrf = client.cookies["csrftoken"].value
    created = client.post(
        api_url("sandbox"),
        {"source": reference_solution("motor")},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    ).json()
    url = f"/api/labs/sandbox/{created['sandbox']}/step?lang=en"
    refused = client.post(url, {"advance_ms": 10}, content_type="application/json")
    assert refused.status_code == 403
    with_token = Client(enforce_csrf_checks=True).post(
        url,
        {"advance_ms": 10},
        content_type="application/json",
        HTTP_X_SANDBOX_TOKEN=created["token"],
    )
    assert with_token.status_code == 200 and with_token.json()["t_ms"] == 10


def test_only_token_carrying_steps_take_the_lean_path():
    """The dispatcher picks POSTs to a step URL with the token header, nothing else."""
    from labs.stepserver import is_token_step

    step_path = "/api/labs/sandbox/abcdefgh12345678/step"
    assert is_token_step(
        {"REQUEST_METHOD": "POST", "PATH_INFO": step_path, "HTTP_X_SANDBOX_TOKEN": "t"}
    )
    assert not is_token_step({"REQUEST_METHOD": "POST", "PATH_INFO": step_path})
    assert not is_token_step(
        {"REQUEST_METHOD": "GET", "PATH_INFO": step_path, "HTTP_X_SANDBOX_TOKEN": "t"}
    )
    assert not is_token_step(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/api/labs/plc/1/b/sandbox",
            "HTTP_X_SANDBOX_TOKEN": "t",
        }
    )
