"""JSON endpoints of the lab page (under /api/labs/, outside the language prefix).

Every endpoint answers JSON, including refusals: ``{"error": code, "message": text}`` with the
message in the page's language (``?lang=zh-hans|en``). Missing things answer 410, not 404:
LocaleMiddleware turns any 404 outside the language prefix into a redirect to /<lang>/...,
because Wagtail's catch-all page route makes every prefixed path look valid.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from . import selectors, services
from .models import Submission
from .sandbox import (
    Owner,
    ProgramRejected,
    SandboxError,
    compile_cached,
    sandbox_create,
    step_token,
    step_token_user,
)
from .sandbox import sandbox_step as _sandbox_step

MAX_BODY = 256 * 1024
STEP_TOKEN_HEADER = "HTTP_X_SANDBOX_TOKEN"  # noqa: S105 (a header name: X-Sandbox-Token)


def engine_lang() -> str:
    """The engine's language code for the active Django language."""
    return "zh" if (translation.get_language() or "").startswith("zh") else "en"


def _error(code: str, message: str, status: int, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": code, "message": str(message), **extra}, status=status)


def _json_body(request: HttpRequest) -> tuple[Any, JsonResponse | None]:
    """The request's JSON body, or the refusal to answer (too big, not JSON)."""
    if len(request.body) > MAX_BODY:
        return None, _error("too_big", _("The request is too large."), 413)
    try:
        return orjson.loads(request.body or b"{}"), None
    except orjson.JSONDecodeError:
        return None, _error("bad_request", _("The request is not valid JSON."), 400)


def api_view(methods: list[str]):
    """Login, language, JSON body parsing and error mapping shared by the endpoints."""

    def decorate(func):
        @require_http_methods(methods)
        @wraps(func)
        def wrapper(request: HttpRequest, *args, **kwargs):
            lang = request.GET.get("lang")
            if lang in ("zh-hans", "en"):
                translation.activate(lang)
            if not request.user.is_authenticated:
                return _error("login", _("Log in to use the lab."), 401)
            request.json = {}
            if request.method == "POST":
                request.json, refusal = _json_body(request)
                if refusal is not None:
                    return refusal
            try:
                return func(request, *args, **kwargs)
            except SandboxError as exc:
                return _error(exc.code, exc.message, exc.status)
            except services.LabError as exc:
                return _error(exc.code, exc.message, exc.status)

        return wrapper

    return decorate


def _lab(request: HttpRequest, lesson_id: int, block_id: str):
    """The lab's (ref, config) when the user may open it; else an error response."""
    found = selectors.plc_lab(lesson_id, block_id)
    if found is None:
        return None, _error("no_lab", _("This lab does not exist or is not published."), 410)
    from courses import selectors as course_selectors

    refusal = course_selectors.lesson_access(found[0].lesson, request.user)
    if refusal is not None:
        return None, _error("forbidden", refusal, 403)
    return found, None


def _source(request: HttpRequest) -> str:
    source = request.json.get("source") if isinstance(request.json, dict) else None
    if not isinstance(source, str):
        raise services.LabError(_("Send the program as 'source' (text)."))
    return source


def _diagnostics(exc: ProgramRejected) -> list[dict[str, Any]]:
    lang = engine_lang()
    return [d.to_dict(lang) for d in exc.diagnostics]


@api_view(["POST"])
def compile_view(request, lesson_id: int, block_id: str):
    """Compile the program: ``{"ok": bool, "diagnostics": [...]}``."""
    found, error = _lab(request, lesson_id, block_id)
    if error:
        return error
    source = services.source_checked(_source(request))
    try:
        compile_cached(found[1].plant, source)
    except ProgramRejected as exc:
        return JsonResponse({"ok": False, "diagnostics": _diagnostics(exc)})
    return JsonResponse({"ok": True, "diagnostics": []})


@api_view(["POST"])
def sandbox_create_view(request, lesson_id: int, block_id: str):
    """Start a sandbox with the program (cold): ``{"sandbox": id, "state": {...}}``."""
    found, error = _lab(request, lesson_id, block_id)
    if error:
        return error
    _ref, config = found
    source = _source(request)
    owner = Owner(request.user.pk, lesson_id, block_id)
    try:
        sandbox_id = sandbox_create(owner, config.plant, source, allow_faults=config.allow_faults)
    except ProgramRejected as exc:
        return JsonResponse(
            {
                "error": "compile",
                "message": _("The program has compile errors."),
                "diagnostics": _diagnostics(exc),
            },
            status=400,
        )
    state = _sandbox_step(request.user.pk, sandbox_id, {}, lang=engine_lang())
    token = step_token(request.user.pk, sandbox_id)
    return JsonResponse({"sandbox": sandbox_id, "state": state, "token": token})


@csrf_exempt  # each path below authenticates itself: the session one checks CSRF itself
def sandbox_step_view(request, sandbox_id: str):
    """Apply actions and advance: body ``{"actions": [...], "advance_ms": 100, "watch": [...]}``.

    Authenticated either by the step token the page got with its sandbox (the X-Sandbox-Token
    header; lms.wsgi serves those on a lean handler, see labs.stepserver) or by the session with
    its CSRF token, which also answers a fresh step token (the page's way to renew one).
    """
    if STEP_TOKEN_HEADER in request.META:
        return sandbox_token_step_view(request, sandbox_id)
    return _session_step_view(request, sandbox_id=sandbox_id)


@csrf_protect
@api_view(["POST"])
def _session_step_view(request, sandbox_id: str):
    state = _sandbox_step(request.user.pk, sandbox_id, request.json, lang=engine_lang())
    return JsonResponse({**state, "token": step_token(request.user.pk, sandbox_id)})


def sandbox_token_step_view(request: HttpRequest, sandbox_id: str) -> JsonResponse:
    """A step authenticated by its step token alone: no session, user or CSRF lookup."""
    request.get_host()  # ALLOWED_HOSTS, as CommonMiddleware checks on the full stack
    lang = request.GET.get("lang")
    translation.activate(lang if lang in ("zh-hans", "en") else settings.LANGUAGE_CODE)
    if request.method != "POST":
        response = _error("method", _("Use POST to step a sandbox."), 405)
        response["Allow"] = "POST"
        return response
    try:
        user_id = step_token_user(request.META.get(STEP_TOKEN_HEADER), sandbox_id)
        data, refusal = _json_body(request)
        if refusal is not None:
            return refusal
        state = _sandbox_step(user_id, sandbox_id, data, lang=engine_lang())
    except SandboxError as exc:
        return _error(exc.code, exc.message, exc.status)
    # orjson: a running page asks for this ten times a second; same JSON, a tenth of the time
    response = HttpResponse(orjson.dumps(state), content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


@api_view(["GET", "POST"])
def draft_view(request, lesson_id: int, block_id: str):
    """POST saves the program (``{"source", "version"}``); GET lists versions or returns one."""
    _found, error = _lab(request, lesson_id, block_id)
    if error:
        return error
    if request.method == "POST":
        base = request.json.get("version")
        base = base if isinstance(base, int) and not isinstance(base, bool) else None
        draft = services.draft_save(
            request.user.pk, lesson_id, block_id, _source(request), base_version=base
        )
        return JsonResponse({"version": draft.version, "saved_at": draft.updated_at.isoformat()})
    draft = selectors.draft_source(request.user.pk, lesson_id, block_id)
    if draft is None:
        return JsonResponse({"versions": []})
    wanted = request.GET.get("version")
    if wanted:
        version = draft.versions.filter(version=wanted if wanted.isdigit() else -1).first()
        if version is None:
            return _error("no_version", _("There is no such version."), 410)
        return JsonResponse({"version": version.version, "source": version.source})
    return JsonResponse({"version": draft.version, "versions": selectors.draft_history(draft)})


def submission_json(sub: Submission, lang: str) -> dict[str, Any]:
    """A submission as the page shows it (hidden scenarios without their details)."""
    data: dict[str, Any] = {
        "id": sub.pk,
        "attempt": sub.attempt,
        "status": sub.status,
        "status_label": str(sub.get_status_display()),
        "created_at": sub.created_at.isoformat(),
    }
    if sub.status == Submission.Status.GRADED:
        result = dict(sub.result.get(lang) or sub.result.get("en") or {})
        scenarios = []
        for scenario in result.get("scenarios", []):
            if not scenario.get("visible") and scenario.get("passed"):
                scenario = {**scenario, "checks": [], "trace": {}}
            scenarios.append(scenario)
        result["scenarios"] = scenarios
        data.update(score=sub.score, passed=sub.passed, result=result)
    elif sub.status == Submission.Status.ERROR:
        data["message"] = _("This attempt could not be graded; your teacher can regrade it.")
    return data


@api_view(["POST"])
def submit_view(request, lesson_id: int, block_id: str):
    """Store an attempt and queue its grading: ``{"submission": {...}}`` (202)."""
    _found, error = _lab(request, lesson_id, block_id)
    if error:
        return error
    sub = services.submission_create(request.user.pk, lesson_id, block_id, _source(request))
    sub.refresh_from_db()
    return JsonResponse({"submission": submission_json(sub, engine_lang())}, status=202)


@api_view(["GET"])
def submission_view(request, submission_id: int):
    """The state (and result once graded) of one of the learner's own submissions."""
    sub = Submission.objects.filter(pk=submission_id, user=request.user).first()
    if sub is None:
        return _error("no_submission", _("There is no such submission."), 410)
    return JsonResponse({"submission": submission_json(sub, engine_lang())})


def _endpoint_json(endpoint) -> dict[str, Any] | None:
    if endpoint is None:
        return None
    from django.conf import settings

    host = getattr(settings, "LABS_REALTIME_PUBLIC_HOST", "") or endpoint.host
    data = {
        "modbus": f"{host}:{endpoint.modbus_port}",
        "started_at": endpoint.started_at.isoformat(),
        "idle_seconds": getattr(settings, "LABS_REALTIME_IDLE_SECONDS", 600),
    }
    if endpoint.opcua_port:
        data["opcua"] = f"opc.tcp://{host}:{endpoint.opcua_port}"
    return data


@api_view(["POST"])
def realtime_view(request, lesson_id: int, block_id: str):
    """``{"action": "start"|"stop"|"status", "source"}``: the learner's real-time endpoint."""
    _found, error = _lab(request, lesson_id, block_id)
    if error:
        return error
    action = request.json.get("action")
    if action == "start":
        endpoint = services.realtime_start(request.user.pk, lesson_id, block_id, _source(request))
    elif action == "stop":
        services.realtime_stop(request.user.pk)
        endpoint = None
    elif action == "status":
        endpoint = services.realtime_touch(request.user.pk)
    else:
        return _error("bad_request", _("Unknown action."), 400)
    return JsonResponse({"endpoint": _endpoint_json(endpoint)})


# JSON error pages of the lean step handler (labs.step_urls): never an HTML page to a script.
def json_bad_request(request, exception=None):
    return _error("bad_request", _("The request is not valid."), 400)


def json_forbidden(request, exception=None):
    return _error("forbidden", _("You may not do this."), 403)


def json_not_found(request, exception=None):
    return _error("stale", _("This sandbox has expired. Press Reset."), 410)


def json_server_error(request):
    return _error("server", _("The server could not step the sandbox; try again."), 500)
