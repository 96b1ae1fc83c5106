"""The URLconf of the lean sandbox-step handler (labs.stepserver): one route, JSON errors."""

from django.urls import path

from . import api

urlpatterns = [
    path("api/labs/sandbox/<str:sandbox_id>/step", api.sandbox_token_step_view),
]

handler400 = "labs.api.json_bad_request"
handler403 = "labs.api.json_forbidden"
handler404 = "labs.api.json_not_found"
handler500 = "labs.api.json_server_error"
