"""JSON endpoints of the lab pages (included under /api/labs/, outside the language prefix)."""

from django.urls import path

from . import api

app_name = "labs_api"

urlpatterns = [
    path("plc/<int:lesson_id>/<str:block_id>/compile", api.compile_view, name="compile"),
    path("plc/<int:lesson_id>/<str:block_id>/sandbox", api.sandbox_create_view, name="sandbox"),
    path("plc/<int:lesson_id>/<str:block_id>/draft", api.draft_view, name="draft"),
    path("plc/<int:lesson_id>/<str:block_id>/submit", api.submit_view, name="submit"),
    path("plc/<int:lesson_id>/<str:block_id>/realtime", api.realtime_view, name="realtime"),
    path("sandbox/<str:sandbox_id>/step", api.sandbox_step_view, name="step"),
    path("submissions/<int:submission_id>", api.submission_view, name="submission"),
]
