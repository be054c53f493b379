from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import dashboards, views

urlpatterns = [
    path("", views.home, name="home"),
    path("planer/", views.plan_list_view, name="plan-list"),
    path("planer/<int:plan_id>/", views.plan_detail_view, name="plan-detail"),
    path("medfinansiering/", dashboards.cofinancing_view, name="cofinancing"),
    path("projektbank/", dashboards.project_bank_view, name="project-bank"),
    path("", include("governance.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
