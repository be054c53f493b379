from django.urls import path

from . import views

urlpatterns = [
    path("planer/<int:plan_id>/rapporter/", views.report_archive_view, name="report-archive"),
    path("planer/<int:plan_id>/rapporter/bestil/", views.report_request_view, name="report-request"),
    path("planer/<int:plan_id>/rapporter/<int:report_id>/status/", views.report_status_view, name="report-status"),
    path("planer/<int:plan_id>/rapporter/<int:report_id>/pdf/", views.report_download_view, name="report-download"),
]
