"""Lab pages: the PLC lab workspace, the Jupyter lab launcher and the instructor report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from labs.engine.plants import FAULT_KINDS, PLANTS

from . import selectors, services
from .api import engine_lang, submission_json
from .jupyterhub.client import HubError
from .jupyterhub.service import hub_configured, jupyter_open, notebook_fetch


def _access(request, ref):
    from courses import selectors as course_selectors

    return course_selectors.lesson_access(ref.lesson, request.user)


@login_required
def plc_lab(request, lesson_id: int, block_id: str):
    """The learner's workspace: editor, HMI, I/O, watch, trend, submissions."""
    found = selectors.plc_lab(lesson_id, block_id)
    if found is None:
        raise Http404(_("This lab does not exist or is not published."))
    ref, config = found
    refusal = _access(request, ref)
    if refusal is not None:
        messages.info(request, refusal)
        return redirect(ref.lesson.url)
    lang = engine_lang()
    draft = selectors.draft_source(request.user.pk, lesson_id, block_id)
    plant = PLANTS[config.plant].describe()
    visible = [
        {"name": doc["name"], "title": doc.get("title", {}).get(lang, doc["name"])}
        for doc in config.scenarios
        if doc.get("name") in config.visible
    ]
    attempts = selectors.attempts(request.user.pk, lesson_id, block_id)
    api = f"/api/labs/plc/{lesson_id}/{block_id}/"
    lab_data = {
        "lang": lang,
        "source": draft.source if draft else config.starter_code,
        "version": draft.version if draft else 0,
        "plant": plant,
        "allowFaults": config.allow_faults,
        "faultKinds": {k: v[lang] for k, v in FAULT_KINDS.items()},
        "realtime": config.realtime,
        "scanMs": 10,
        "urls": {
            "compile": api + "compile",
            "sandbox": api + "sandbox",
            "draft": api + "draft",
            "submit": api + "submit",
            "realtime": api + "realtime",
            "step": "/api/labs/sandbox/",
            "submission": "/api/labs/submissions/",
        },
        "lastSubmission": submission_json(attempts[0], lang) if attempts else None,
    }
    return render(
        request,
        "labs/plc_lab.html",
        {
            "lab": config,
            "lesson": ref.lesson,
            "instructions": ref.value.get("instructions"),
            "plant_title": plant["title"].get(lang, config.plant),
            "visible_scenarios": visible,
            "attempts": attempts,
            "lab_data": lab_data,
            "lab_text": _page_text(),
            "can_report": _can_report(request.user, ref.lesson),
            "report_url": reverse("labs:plc_lab_report", args=[lesson_id, block_id]),
        },
    )


def _page_text() -> dict[str, str]:
    """The lab page script's messages in the page's language."""
    return {
        "saved": _("Saved (version %(v)s)."),
        "saving": _("Saving…"),
        "offline": _("Not saved to the server yet (kept in this browser); retrying."),
        "compiled": _("Compiles without errors."),
        "line": _("line"),
        "stale": _("The sandbox expired; press Reset (cold) to start again."),
        "queued": _("Waiting for grading…"),
        "running": _("Grading…"),
        "passed": _("Passed"),
        "failed": _("Not passed yet"),
        "score": _("Score"),
        "first_failure": _("First failure"),
        "at": _("at"),
        "fault": _("PLC fault"),
        "not_started": _("not started"),
        "remove": _("Remove"),
        "force": _("Force"),
        "unforce": _("Release"),
        "clear": _("Clear"),
        "hidden_scenario": _("hidden scenario"),
        "compile_errors": _("The program has compile errors: fix the marked lines."),
        "network": _("The server could not be reached; retrying."),
        "endpoint_modbus": _("Modbus TCP"),
        "endpoint_opcua": _("OPC UA"),
        "endpoint_idle": _("Stops after this many idle seconds"),
        "no_endpoint": _("No endpoint running."),
        "status_RUN": _("running"),
        "status_STOP": _("stopped"),
        "status_FAULT": _("fault"),
    }


def _can_report(user, lesson) -> bool:
    from courses import selectors as course_selectors

    if user.is_staff:
        return True
    return course_selectors.can_view_report(user, course_selectors.lesson_course(lesson))


@login_required
def plc_lab_report(request, lesson_id: int, block_id: str):
    """Instructors: attempts per learner and the most common failing checks."""
    found = selectors.plc_lab(lesson_id, block_id)
    if found is None:
        raise Http404(_("This lab does not exist or is not published."))
    ref, config = found
    if not _can_report(request.user, ref.lesson):
        return HttpResponseForbidden(_("Only the course's teachers can see this report."))
    stats = selectors.lab_statistics(lesson_id, block_id, engine_lang())
    return render(
        request, "labs/lab_report.html", {"lab": config, "lesson": ref.lesson, "stats": stats}
    )


@login_required
@require_http_methods(["GET", "POST"])
def jupyter_lab(request, lesson_id: int, block_id: str):
    """The Jupyter lab page; POST provisions the learner's notebook server and links to it."""
    ref = selectors.lab_block(lesson_id, block_id, "jupyter_lab")
    if ref is None:
        raise Http404(_("This lab does not exist or is not published."))
    refusal = _access(request, ref)
    if refusal is not None:
        messages.info(request, refusal)
        return redirect(ref.lesson.url)
    configured = hub_configured()
    notebook_doc = ref.value.get("notebook")
    notebook_name = _notebook_name(notebook_doc)
    access = None
    if request.method == "POST" and configured:
        notebook = None
        if notebook_doc is not None:
            with notebook_doc.file.open("rb") as handle:
                notebook = handle.read()
        try:
            access = jupyter_open(request.user.pk, lesson_id, block_id, notebook_name, notebook)
        except HubError as exc:
            messages.error(
                request,
                _("The notebook server could not be started: %(reason)s") % {"reason": exc.message},
            )
            return redirect(request.path)
    attempts = selectors.attempts(request.user.pk, lesson_id, block_id)
    return render(
        request,
        "labs/jupyter_lab.html",
        {
            "value": ref.value,
            "lesson": ref.lesson,
            "configured": configured,
            # a link, not a redirect: the site's CSP (form-action 'self') forbids a form
            # submission from ending on the hub, and a link opens in its own tab
            "notebook_url": f"{access.url}?token={access.token}" if access else None,
            "notebook_expires_at": access.expires_at if access else None,
            "attempts": [submission_json(a, engine_lang()) for a in attempts],
            "submit_url": reverse("labs:jupyter_submit", args=[lesson_id, block_id]),
        },
    )


def _notebook_name(document) -> str:
    if document is None:
        return "lab.ipynb"
    name = document.file.name.rsplit("/", 1)[-1]
    return name if name.endswith(".ipynb") else "lab.ipynb"


@login_required
@require_POST
def jupyter_submit(request, lesson_id: int, block_id: str):
    """Fetch the learner's notebook from their server, store it, queue its grading."""
    ref = selectors.lab_block(lesson_id, block_id, "jupyter_lab")
    if ref is None:
        raise Http404(_("This lab does not exist or is not published."))
    if _access(request, ref) is not None or not hub_configured():
        return redirect(reverse("labs:jupyter_lab", args=[lesson_id, block_id]))
    name = _notebook_name(ref.value.get("notebook"))
    try:
        notebook = notebook_fetch(request.user.pk, lesson_id, block_id, name)
    except HubError as exc:
        messages.error(
            request, _("Your notebook could not be read: %(reason)s") % {"reason": exc.message}
        )
        return redirect(reverse("labs:jupyter_lab", args=[lesson_id, block_id]))
    config = {
        "checks": [dict(c) for c in ref.value.get("checks") or []],
        "pass_score": ref.value.get("pass_score", 100),
    }
    services.notebook_submission_create(request.user.pk, lesson_id, block_id, notebook, config)
    messages.success(request, _("Your notebook was submitted for grading."))
    return redirect(reverse("labs:jupyter_lab", args=[lesson_id, block_id]))
