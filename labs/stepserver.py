"""The lean request path of live-sandbox steps that carry their step token.

A running lab page steps its sandbox ten times a second, so the fixed cost of a request
decides how many learners one web process keeps in real time (issue 6 asks 200 per core).
Through the project's whole middleware stack a step pays for the session, the signed-in user,
CSRF, locale negotiation, messages, CSP, allauth and the MFA rule: four times the step itself.
A step carrying the token its page received with the sandbox (``X-Sandbox-Token``, see
``labs.sandbox.step_token``) needs none of them, so ``lms.wsgi`` hands exactly those requests
(POST, that header, the step URL) to :class:`TokenStepApplication`.

That application is Django's request, view and response with one middleware, the security
middleware (HSTS, nosniff, referrer policy, HTTPS redirect), and without the rest of Django's
handler: no URL resolution (the dispatcher matched the one route already) and no request
signals, whose receivers look after database connections and per-request memos that a step
never touches (its state is in the cache; ADR 0072). Exceptions become the JSON answers of
``labs.step_urls``, as they would through the handler, and refusals are logged as Django logs
them. Everything else, including a step without a token, takes the full stack.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse
from django.middleware.security import SecurityMiddleware
from django.urls import set_urlconf
from django.utils.log import log_response

STEP_PATH = re.compile(r"/api/labs/sandbox/([^/]+)/step")
# Its error handlers answer JSON; Django's exception handling finds them through the URLconf.
URLCONF = "labs.step_urls"


def is_token_step(environ: dict[str, Any]) -> bool:
    """True for a POST to a sandbox's step URL that carries a step token."""
    return (
        "HTTP_X_SANDBOX_TOKEN" in environ
        and environ.get("REQUEST_METHOD") == "POST"
        and STEP_PATH.fullmatch(environ.get("PATH_INFO", "")) is not None
    )


def _step_view(request: HttpRequest) -> HttpResponse:
    from . import api

    sandbox_id = STEP_PATH.fullmatch(request.path_info).group(1)
    return api.sandbox_token_step_view(request, sandbox_id)


class TokenStepApplication:
    """A WSGI application serving token-authenticated sandbox steps only."""

    def __init__(self) -> None:
        view = convert_exception_to_response(_step_view)
        self.chain = convert_exception_to_response(SecurityMiddleware(view))

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        set_urlconf(URLCONF)
        try:
            request = WSGIRequest(environ)
            response = self.chain(request)
            if response.status_code >= 400:
                log_response(
                    "%s: %s", response.reason_phrase, request.path, response=response,
                    request=request,
                )  # fmt: skip
        finally:
            set_urlconf(None)  # this thread's next request resolves with the project's URLs
        headers = [*response.items()]
        headers += [("Set-Cookie", c.output(header="")) for c in response.cookies.values()]
        start_response(f"{response.status_code} {response.reason_phrase}", headers)
        return [response.content]


def with_sandbox_steps(application: Callable) -> Callable:
    """``application`` with token-authenticated sandbox steps served by the lean path."""
    lean = TokenStepApplication()

    def dispatch(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if is_token_step(environ):
            return lean(environ, start_response)
        return application(environ, start_response)

    return dispatch
