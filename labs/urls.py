"""Lab pages (included under /<language>/labs/)."""

from django.urls import path

from . import views

app_name = "labs"

urlpatterns = [
    path("plc/<int:lesson_id>/<str:block_id>/", views.plc_lab, name="plc_lab"),
    path("plc/<int:lesson_id>/<str:block_id>/report/", views.plc_lab_report, name="plc_lab_report"),
    path("jupyter/<int:lesson_id>/<str:block_id>/", views.jupyter_lab, name="jupyter_lab"),
    path(
        "jupyter/<int:lesson_id>/<str:block_id>/submit/",
        views.jupyter_submit,
        name="jupyter_submit",
    ),
]
