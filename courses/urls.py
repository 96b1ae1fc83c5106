"""Learner and instructor pages (included under /<language>/learn/)."""

from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("courses/<int:course_id>/enrol/", views.enrol, name="enrol"),
    path("courses/<int:course_id>/unenrol/", views.unenrol, name="unenrol"),
    path("courses/<int:course_id>/resume/", views.resume, name="resume"),
    path("courses/<int:course_id>/report/", views.instructor_report, name="report"),
    path("courses/<int:course_id>/report.csv", views.instructor_report_csv, name="report_csv"),
    path("lessons/<int:lesson_id>/complete/", views.lesson_complete, name="lesson_complete"),
    path(
        "lessons/<int:lesson_id>/quizzes/<int:quiz_id>/",
        views.quiz_submit,
        name="quiz_submit",
    ),
]
