"""Målstyring pages, included under ``planer/<id:plan_id>/maal/``."""

from django.urls import path

import plans.converters  # noqa: F401  (registers the <id:...> converter)

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.goal_tree_view, name="goal-tree"),
    path("nyt-maal/", views.goal_create_view, name="goal-create"),
    path("<id:goal_id>/ret/", views.goal_edit_view, name="goal-edit"),
    path("<id:goal_id>/ny-indikator/", views.indicator_create_view, name="indicator-create"),
    path("indikatorer/<id:indicator_id>/ny-maalvaerdi/", views.target_create_view, name="target-create"),
    path(
        "indikatorer/<id:indicator_id>/maalvaerdier/<id:target_id>/ret/",
        views.target_edit_view,
        name="target-edit",
    ),
    path("indikatorer/<id:indicator_id>/", views.indicator_detail_view, name="indicator-detail"),
    path("indikatorer/<id:indicator_id>/ny-maaling/", views.measurement_create_view, name="measurement-create"),
    path("indikatorer/<id:indicator_id>/eksport.xlsx", views.indicator_export_view, name="indicator-export"),
    path("maalinger/<id:measurement_id>/godkend/", views.measurement_approve_view, name="measurement-approve"),
    path("import/", views.import_upload_view, name="import-upload"),
    path("import/gem/", views.import_confirm_view, name="import-confirm"),
    path("import/<id:job_id>/", views.import_job_view, name="import-job"),
    path("import/<id:job_id>/proev-igen/", views.import_job_retry_view, name="import-job-retry"),
    path("eksport.xlsx", views.plan_export_view, name="plan-export"),
]
