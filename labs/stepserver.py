"""The lean request path of live-sandbox steps that carry their step token.

A running lab page steps its sandbox ten times a second, so the fixed cost of a request
decides how many learners one web process keeps in real time (issue 6 asks 200 per core).
Through the project's whole middleware stack a step pays for the session, the signed-in user,
CSRF, locale negotiation, messages, CSP, allauth and the MFA rule: four times the step itself.
A step carrying the token its page received with the sandbox (``X-Sandbox-Token``, see
``labs.sandbox.step_token``) needs none of them, so ``lms.wsgi`` hands exactly those requests
(POST, that header, the step URL) to :class:`SandboxStepHandler`: Django's own WSGI handler
with only the security middleware (HSTS, nosniff, referrer policy, HTTPS redirect) and a
URLconf of one route. Everything else, including a step without a token, takes the full stack.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.middleware.security import SecurityMiddleware

STEP_PATH = re.compile(r"/api/labs/sandbox/[^/]+/step")
URLCONF = "labs.step_urls"


class SandboxStepHandler(WSGIHandler):
    """Django's WSGI handler for token-authenticated sandbox steps only."""

    def load_middleware(self, is_async: bool = False) -> None:
        # Django's loader builds the chain from settings.MIDDLEWARE; this one is fixed.
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        view = convert_exception_to_response(self._get_response)
        self._middleware_chain = convert_exception_to_response(SecurityMiddleware(view))

    def get_response(self, request):
        request.urlconf = URLCONF
        return super().get_response(request)


def is_token_step(environ: dict[str, Any]) -> bool:
    """True for a POST to a sandbox's step URL that carries a step token."""
    return (
        "HTTP_X_SANDBOX_TOKEN" in environ
        and environ.get("REQUEST_METHOD") == "POST"
        and STEP_PATH.fullmatch(environ.get("PATH_INFO", "")) is not None
    )


def with_sandbox_steps(application: Callable) -> Callable:
    """``application`` with token-authenticated sandbox steps served by the lean handler."""
    lean = SandboxStepHandler()

    def dispatch(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if is_token_step(environ):
            return lean(environ, start_response)
        return application(environ, start_response)

    return dispatch
