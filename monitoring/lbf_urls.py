"""The LBF year of a plan, included under ``planer/<id:plan_id>/aarshjul/`` (namespace ``lbf``)."""

from django.urls import path

import plans.converters  # noqa: F401  (registers the <id:...> converter)

from . import lbf_views as views

app_name = "lbf"

urlpatterns = [
    path("", views.obligations_view, name="obligations"),
    path("frister/", views.deadlines_view, name="deadlines"),
    path("<id:obligation_id>/", views.obligation_edit_view, name="obligation-edit"),
    path("<id:obligation_id>/fil/", views.obligation_file_view, name="obligation-file"),
    path("maalopfyldelse/<int:year>/", views.goal_attainment_view, name="goal-attainment"),
    path("maalopfyldelse/<int:year>/indsend/", views.goal_attainment_submit_view, name="goal-attainment-submit"),
    path("maalopfyldelse/<int:year>/eksport.xlsx", views.goal_attainment_xlsx_view, name="goal-attainment-xlsx"),
    path("maalopfyldelse/<int:year>/skema.pdf", views.goal_attainment_pdf_view, name="goal-attainment-pdf"),
]
