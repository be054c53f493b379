from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

import plans.converters  # noqa: F401  (registers the <id:...> converter)

from . import area_statistics_import, cofinancing, dashboards, views
from .forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("planer/", views.plan_list_view, name="plan-list"),
    path("planer/<id:plan_id>/", views.plan_detail_view, name="plan-detail"),
    path("planer/<id:plan_id>/maal/", include("monitoring.urls")),
    path("planer/<id:plan_id>/aarshjul/", include("monitoring.lbf_urls")),
    path("overblik/", dashboards.overview_view, name="overview"),
    path("medfinansiering/", dashboards.cofinancing_view, name="cofinancing"),
    path("planer/<id:plan_id>/medfinansiering/", cofinancing.plan_cofinancing_view, name="plan-cofinancing"),
    path("planer/<id:plan_id>/medfinansiering/ny/", cofinancing.commitment_create_view, name="commitment-create"),
    path("medfinansiering/<id:commitment_id>/", cofinancing.commitment_detail_view, name="commitment-detail"),
    path("medfinansiering/<id:commitment_id>/ret/", cofinancing.commitment_edit_view, name="commitment-edit"),
    path("medfinansiering/<id:commitment_id>/levering/", cofinancing.delivery_add_view, name="delivery-add"),
    path(
        "medfinansiering/<id:commitment_id>/bekraeft/", cofinancing.commitment_confirm_view, name="commitment-confirm"
    ),
    path("medfinansiering/leveringer/<id:delivery_id>/slet/", cofinancing.delivery_delete_view, name="delivery-delete"),
    path("projektbank/", dashboards.project_bank_view, name="project-bank"),
    path("bybarometer/", dashboards.area_barometer_view, name="area-barometer"),
    path("bybarometer/import/", area_statistics_import.area_statistics_import_view, name="area-statistics-import"),
    path(
        "bybarometer/import/gem/",
        area_statistics_import.area_statistics_import_confirm_view,
        name="area-statistics-import-confirm",
    ),
    path("mit-sekretariat/", dashboards.secretariat_dashboard_view, name="my-secretariat"),
    path("laesesal/", dashboards.reading_room_view, name="reading-room"),
    path("", include("governance.urls")),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("profil/tokens/", views.api_token_list_view, name="api-tokens"),
    path("profil/tokens/<id:token_id>/tilbagekald/", views.api_token_revoke_view, name="api-token-revoke"),
    path("api/v1/", include("portal.api", namespace="api")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
